"""The command-line front: `notetui` and its subcommands."""
