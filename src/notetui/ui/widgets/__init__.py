"""The reader's widgets: self-contained parts that screens compose."""
