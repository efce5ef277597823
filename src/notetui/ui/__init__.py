"""The Textual front: screens, widgets, dialogs and the helpers they share."""
