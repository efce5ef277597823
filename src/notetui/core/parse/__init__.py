"""Parsing one note's text into its event facts and its sections."""
