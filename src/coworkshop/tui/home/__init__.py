"""The TUI's home feature: its screens and widgets."""
