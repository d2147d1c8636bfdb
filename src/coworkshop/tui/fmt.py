"""Small formatting helpers shared by screens and widgets."""

from __future__ import annotations

from datetime import UTC, datetime


def local_time(when: datetime | None) -> str:
    """A stored UTC time as the facilitator's clock shows it."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone()
    today = datetime.now().astimezone().date()
    from coworkshop.i18n import current, format_datetime, format_time

    if current() == "en":  # the 24-hour clock and ISO dates, as before
        return local.strftime("%H:%M" if local.date() == today else "%Y-%m-%d %H:%M")
    # as the app's language writes a time (and a date, for another day)
    return format_time(local) if local.date() == today else format_datetime(local, format="short")


def short(text: str, width: int = 60) -> str:
    """One line of at most ``width`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def clock(seconds: int) -> str:
    """mm:ss for a countdown; over time shows +mm:ss."""
    sign = "+" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60:02d}:{seconds % 60:02d}"
