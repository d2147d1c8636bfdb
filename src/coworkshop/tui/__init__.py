"""The facilitator's terminal app (Textual).

Only :mod:`coworkshop.tui.app` and the home screen load at start-up; everything
that needs SQLModel is imported when a session is opened, so the first screen
appears as fast as a bare Textual app.
"""
