"""The core: reading, splitting, merging, store, search, export. No Textual here."""
