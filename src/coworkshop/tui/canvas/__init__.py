"""The TUI's canvas feature: its screens and widgets."""
