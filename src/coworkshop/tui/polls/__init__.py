"""The TUI's polls feature: its screens and widgets."""
