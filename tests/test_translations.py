"""The translation catalogues stay whole: every string the code marks for translation is
in the French and Spanish catalogues (extract, then compare), no entry is empty or fuzzy,
and every `{field}` of the English survives in the translation (a lost field would raise
at run time, an extra one too)."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import translations  # noqa: E402

from dashboard import i18n  # noqa: E402


@pytest.mark.parametrize("code", i18n.translated_languages())
def test_every_marked_string_is_translated(code):
    problems = translations.problems(code)
    assert not problems, (
        f"{len(problems)} entries of dashboard/locales/{code}/LC_MESSAGES/messages.po need "
        "work (run `python tools/translations.py extract`, translate, see docs/languages.md):\n"
        + "\n".join(problems[:40])
    )


def test_the_checker_catches_a_missing_an_empty_and_a_broken_entry(tmp_path, monkeypatch):
    """The check above can fail: a catalogue missing one entry, with one empty and one
    whose field was translated, is reported three times."""
    from babel.messages.pofile import write_po

    catalogue = translations.read("fr")
    ids = [m.id for m in catalogue if m.id and isinstance(m.id, str) and not m.context]
    with_field = next(i for i in ids if "{" in i)
    plain = [i for i in ids if "{" not in i]
    del catalogue[plain[0]]
    catalogue[plain[1]].string = ""
    catalogue[with_field].string = "{champ}"
    path = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as out:
        write_po(out, catalogue)
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    found = translations.problems("fr")
    assert any(p.startswith("missing:") and repr(plain[0]) in p for p in found)
    assert any(p.startswith("empty:") and repr(plain[1]) in p for p in found)
    assert any(p.startswith("fields differ:") and repr(with_field) in p for p in found)


def test_every_language_has_a_catalogue_that_compiles(tmp_path, monkeypatch):
    for code in i18n.translated_languages():
        assert i18n.po_path(code).exists(), f"no catalogue for {code}: see docs/languages.md"
    i18n.compile_catalogues()
    for code in i18n.translated_languages():
        translated = i18n.translations(code)
        assert translated.gettext("Projects") != "Projects", code
