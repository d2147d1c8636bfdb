"""The TUI's participants feature: its screens and widgets."""
