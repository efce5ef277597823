"""The library as data and as Markdown."""
