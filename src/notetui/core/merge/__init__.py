"""Merging notes: which describe the same event, which talks are the same."""
