"""Stakeholder maps in the TUI: the map view, its forms and its messages."""
