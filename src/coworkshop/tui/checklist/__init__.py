"""The multi-stakeholder group checklist in the TUI."""
