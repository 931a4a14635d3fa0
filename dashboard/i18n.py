"""The interface's languages: gettext catalogues, the current language, and numbers and
dates written the way each language writes them (Babel, CLDR).

- `_("…")` translates interface text into the current language; `ngettext` chooses a
  plural. A string with values uses named fields, filled after translating:
  `_("{n} projects").format(n=number(n))` (translators may reorder the fields).
- `N_("…")` marks a string that is stored (a filter's label, a pillar's name) and
  translated where it is shown, with `_(stored)`.
- The catalogues are `dashboard/locales/<lang>/LC_MESSAGES/messages.po`, kept in the
  repository; the `.mo` files the app reads are compiled from them by `make` (and on
  first use when stale: `compile_catalogues`). How to add a language: docs/languages.md.
- The current language belongs to one script run: app.py sets it first thing
  (`set_language`), and a download prepared later, in another thread, takes the
  language it was made in (`using`). Outside the app (tests, the ETL) it is English.

Catalogue content (titles, summaries of projects) stays in the language of its source.
"""

from __future__ import annotations

import gettext
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from pathlib import Path
from typing import TypeVar

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

# Each language named in itself: a reader finds their own whatever the interface's.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "en"  # the language of the source strings
LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"

T = TypeVar("T")
_language: ContextVar[str] = ContextVar("atlas_language", default=DEFAULT_LANGUAGE)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark `message` for translation without translating it here."""
    return message


def supported(code: str | None) -> str | None:
    """`code` when it is one of the interface's languages ('fr', 'FR' → 'fr'), else None."""
    code = (code or "").strip().lower()
    return code if code in LANGUAGES else None


def from_locale(tag: str | None) -> str:
    """The interface language for a browser's locale ('fr-CA' → 'fr', 'de-DE' → 'en')."""
    primary = (tag or "").replace("_", "-").split("-")[0]
    return supported(primary) or DEFAULT_LANGUAGE


def language() -> str:
    """The language of the current script run (English outside the app)."""
    return _language.get()


def set_language(code: str) -> None:
    """The language of this script run (app.py, before anything is drawn)."""
    _language.set(supported(code) or DEFAULT_LANGUAGE)


@contextmanager
def using(code: str) -> Iterator[None]:
    """Run a block in `code`'s language, then restore the previous one."""
    token = _language.set(supported(code) or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def bound(function: Callable[[T], str]) -> Callable[[T], str]:
    """`function` fixed to the current language: a widget's `format_func` may be called
    outside the script run that made it (AppTest formats a widget's value in its own
    thread), where the language would otherwise be English."""
    code = language()

    def in_language(value: T) -> str:
        with using(code):
            return function(value)

    return in_language


# --- catalogues ---------------------------------------------------------------------------


def po_path(code: str) -> Path:
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(code: str) -> Path:
    return po_path(code).with_suffix(".mo")


def translated_languages() -> list[str]:
    """The languages with a catalogue (every language but the source's)."""
    return [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


def compile_catalogues(force: bool = False) -> list[Path]:
    """Compile each `.po` whose `.mo` is missing or older; returns the files written.
    Written through a temporary file, so a reader never sees half a catalogue."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for code in translated_languages():
        po, mo = po_path(code), mo_path(code)
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=code, domain=DOMAIN)
        handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                write_mo(out, catalogue, use_fuzzy=False)
            os.replace(temporary, mo)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(mo)
    return written


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of `code` (English: the source strings themselves)."""
    if code == DEFAULT_LANGUAGE or code not in LANGUAGES:
        return gettext.NullTranslations()
    try:
        compile_catalogues()
        with mo_path(code).open("rb") as mo:
            return gettext.GNUTranslations(mo)
    except OSError:  # a read-only install without .mo files: compile in memory
        import io

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po_path(code).open("rb") as source:
            catalogue = read_po(source, locale=code, domain=DOMAIN)
        compiled = io.BytesIO()
        write_mo(compiled, catalogue, use_fuzzy=False)
        compiled.seek(0)
        return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the current language (itself when it has no translation yet)."""
    if not message:
        return message
    return translations(language()).gettext(message)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, where the same English needs two translations
    (a title and the same words mid-sentence: « Échanges » / « échanges »)."""
    return translations(language()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for `n`, in the current language."""
    return translations(language()).ngettext(singular, plural, n)


# --- numbers and dates -------------------------------------------------------------------


def number(value: float | int, decimals: int | None = None) -> str:
    """`value` with the language's separators: 10,000 · 10 000 · 10.000."""
    pattern = None if decimals is None else "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale=language())


def month_year(day: date) -> str:
    """'Nov 2012' · 'nov. 2012' · 'nov 2012'."""
    return format_date(day, "MMM y", locale=language())


def long_date(day: date) -> str:
    """'3 Nov 2012' · '3 nov. 2012' · '3 nov 2012'."""
    return format_date(day, "d MMM y", locale=language())


def plotly_separators() -> str:
    """Plotly's `layout.separators` for the language: its decimal and group marks."""
    symbols = Locale.parse(language()).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


# --- country names ------------------------------------------------------------------------

_ALPHA2_EXTRA = {"XKX": "XK"}  # user-assigned codes CLDR names but ISO 3166 does not


@cache
def _alpha2() -> dict[str, str]:
    import pycountry

    return {c.alpha_3: c.alpha_2 for c in pycountry.countries} | _ALPHA2_EXTRA


@cache
def _territories(code: str) -> dict[str, str]:
    return dict(Locale.parse(code).territories)


def country_names(iso3: str, code: str) -> str | None:
    """A country's common name in language `code` (CLDR: 'Brésil', 'Marruecos'), or None."""
    alpha2 = _alpha2().get(iso3)
    return _territories(code).get(alpha2) if alpha2 else None


def country_name(iso3: str | None, english: str | None = None) -> str:
    """A country's name in the interface's language; in English, the warehouse's own
    name (`english`). Falls back to `english`, then to the code."""
    code = language()
    if code != DEFAULT_LANGUAGE and iso3:
        name = country_names(iso3, code)
        if name:
            return name
    return english or iso3 or ""


@cache
def country_aliases() -> dict[str, str]:
    """ISO3 → the words of the country's common names in every language of the interface
    that its English name lacks: CLDR's names ('Brésil', 'Marruecos') and pycountry's
    French and Spanish ISO names. Folded, each word once: 'bresil brasil'. (The English
    names are in the records' own text already.)"""
    import pycountry

    from etl.countries import iso_translations
    from etl.normalise import fold

    names: dict[str, list[str]] = {}
    for country in pycountry.countries:
        english = [getattr(country, f, None) for f in ("name", "common_name")]
        names[country.alpha_3] = [t.gettext(n) for t in iso_translations() for n in english if n]
    for iso3 in _alpha2():
        names.setdefault(iso3, []).extend(
            n for n in (country_names(iso3, code) for code in LANGUAGES) if n
        )
    aliases = {}
    for iso3, found in names.items():
        english = set(_words(fold(country_names(iso3, DEFAULT_LANGUAGE) or "")))
        words = [w for n in found for w in _words(fold(n)) if w not in english]
        if words:
            aliases[iso3] = " ".join(dict.fromkeys(words))
    return aliases


def _words(text: str) -> list[str]:
    import re

    return [w for w in re.split(r"[\s\"'“”‘’,()\-]+", text) if w]
