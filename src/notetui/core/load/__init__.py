"""Loading a folder: finding and decoding note files, front matter, the cache."""
