"""The TUI's session feature: its screens and widgets."""
