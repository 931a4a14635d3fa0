"""Marking text for translation. `N_("…")` marks a string that is stored (a filter's
label, a description) and translated where it is shown; it returns the string
unchanged. Babel's extractor finds it with `-k N_`. (The French and Spanish
interfaces wire gettext here; until then every string is English.)"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark `message` for translation without translating it here."""
    return message
