"""notetui: a terminal reader and annotator for meetup and conference notes.

Kept import-free on purpose: `notetui --version` and the core must not pay for Textual.
"""

__version__ = "0.1.0"
