"""Helpers shared by the test packages (on sys.path via pytest's pythonpath)."""
