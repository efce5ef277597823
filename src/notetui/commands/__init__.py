"""Subcommands of the `notetui` CLI, one module per area (registered in cli.py)."""
