"""Errors of the letters package; ``str(exc)`` is the clerk's (Chinese) message."""

from __future__ import annotations


class LetterError(ValueError):
    """Letters cannot be made as asked (a draft batch, a bad template, bad settings ...)."""


class TemplateError(LetterError):
    """The letter template is missing a placeholder or names one that does not exist."""


class SettingsError(LetterError):
    """The bureau's letter settings are incomplete or hold an unknown field."""
