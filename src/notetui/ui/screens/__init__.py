"""The reader's screens: each composes widgets and dialogs, which never import a screen."""
