"""Widgets of the session screen: agenda, canvas boards, activity views."""
