"""Errors a person can act on. Their message is shown as is, on one line."""


class UserError(Exception):
    """Something the user asked for cannot be done; the message says why."""


class SessionFileError(UserError):
    """A session file is missing, foreign, corrupt or from a newer version."""


class TemplateError(UserError):
    """A template file does not parse or does not validate."""


class RuleError(UserError):
    """An instrument's rule refuses the change (e.g. a third CHANGE card)."""
