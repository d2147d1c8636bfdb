"""Screens: the big places (home, session, participants) and modal forms."""
