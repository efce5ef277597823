"""The user's annotations and tags: the store, its file, re-attachment."""
