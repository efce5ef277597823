"""Library-wide search."""
