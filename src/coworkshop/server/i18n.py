"""The participants' page's own words, by key; translated by the gettext catalogues.

The poll texts come from the session's template (and its translations); this
file holds the page's own words: ``static/app.js`` and ``templates/page.html``
name them by key, the server sends them translated into the phone's language
(``tests/unit/test_i18n.py`` checks that the script, the page and this table
agree, and that every catalogue translates every message).
"""

from __future__ import annotations

from ..i18n import LANGUAGES, N_, NAMES, normalize, translator

PAGE: dict[str, str] = {
    "title": N_("Live voting"),
    "join_heading": N_("Join the workshop"),
    "code": N_("Join code"),
    "code_hint": N_("The 6 digits shown on the screen"),
    "group": N_("I am here as"),
    "name": N_("Name (optional)"),
    "name_hint": N_("For the facilitator's list; answers to anonymous questions "
                 "are never linked to it"),
    "join": N_("Join"),
    "joining": N_("Joining..."),
    "waiting": N_("Waiting for the facilitator to open a question..."),
    "send": N_("Send"),
    "change": N_("Change my answer"),
    "sending": N_("Sending..."),
    "received": N_("Received. You can change your answer until the poll closes."),
    "not_sent": N_("Not sent. Check the Wi-Fi and tap Send again."),
    "closed": N_("This poll is closed."),
    "late": N_("Too late: the poll closed before your answer arrived, so it was not counted."),
    "choose_up_to": N_("Choose up to {n}"),
    "rank_hint": N_("Put the options in order, most important first."),
    "up": N_("Move up"),
    "down": N_("Move down"),
    "chars_left": N_("{n} characters left"),
    "post": N_("Post"),
    "posted": N_("Posted. Thank you!"),
    "upvote": N_("Upvote"),
    "answered": N_("Answered"),
    "highlighted": N_("Now discussed"),
    "qa_hint": N_("Post a question or an idea, and upvote those you share."),
    "no_items": N_("Nothing posted yet."),
    "results": N_("Results"),
    "respondents": N_("{n} answered"),
    "offline": N_("Connection lost, reconnecting..."),
    "slow_down": N_("Too many requests: wait a moment."),
    "joined_as": N_("Joined as {group}"),
    "leave": N_("Not you? Join again"),
    "error": N_("Something went wrong."),
    "choose_group": N_("Choose your stakeholder group above, then tap Join."),
    "dismiss": N_("OK"),
    "busy": N_("The laptop is busy saving: your answer will be sent again in a moment..."),
    "statement_of": N_("{n} of {total}"),
    "previous": N_("Back"),
    "next": N_("Next"),
    "language": N_("Language"),
    "needs_js": N_("This page needs JavaScript."),
    "personal_code": N_("Personal code (optional)"),
    "personal_code_hint": N_("If the facilitator gave you one: your phone is then linked to "
                             "your name on their list, and your group is the one they "
                             "registered"),
    "pick_name": N_("Or pick your name (optional)"),
    "pick_none": N_("My name is not here"),
    "personal_code_unknown": N_("Unknown personal code: check the code the facilitator gave "
                                "you, or leave it empty"),
    "personal_code_bad": N_("The personal code must be text"),
    "personal_code_or_name": N_("Give your personal code or pick your name, not both"),
    "name_unknown": N_("That name is not on the list any more: pick another or leave it"),
    "name_pick_off": N_("Picking a name is not allowed: ask the facilitator for your personal "
                        "code"),
    "already_matched": N_("Someone already joined with this name or code: ask the facilitator"),
    "joined_named": N_("Joined as {name}"),
}


#: The language a phone asked for on the page (``?lang=bg``), kept in this cookie.
LANG_COOKIE = "cws_lang"


def texts(language: str) -> dict[str, str]:
    """The page's texts in ``language`` (``fi``, ``es-ES``...), English where missing."""
    tr = translator(language)
    return {key: tr(message) for key, message in PAGE.items()}


def choices(current: str) -> list[dict[str, str]]:
    """The page's language switch: every language in its own name."""
    lang = normalize(current)
    return [{"code": code, "name": NAMES[code], "current": "1" if code == lang else ""}
            for code in LANGUAGES]
