"""Modal dialogs, each typed by what it returns (`ModalScreen[str | None]` and so on).

Import the dialog you need from its module; this package imports nothing, so that
importing `notetui` stays cheap.
"""
