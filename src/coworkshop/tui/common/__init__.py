"""The TUI's common feature: its screens and widgets."""
