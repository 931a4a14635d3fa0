"""The interface's translation catalogues: extract, update, compile, check.

    python tools/translations.py extract   # source strings → messages.pot, then each .po
    python tools/translations.py compile   # .po → .mo (make does this too)
    python tools/translations.py check     # untranslated, fuzzy or mismatched entries

Strings are found where the code marks them: `_("…")`, `N_("…")` and `ngettext(…)` in
app.py, pages/ and dashboard/ (the ETL speaks to curators in English). After `extract`,
translate the new entries in dashboard/locales/<lang>/LC_MESSAGES/messages.po (a
translator's tool such as Poedit, or any text editor), then `compile`. The test suite
fails while an entry is missing, empty or fuzzy (tests/test_translations.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import i18n  # noqa: E402

SOURCES = ("app.py", "pages", "dashboard")
TEMPLATE = i18n.LOCALES / "messages.pot"
FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def source_files() -> list[Path]:
    files: list[Path] = []
    for name in SOURCES:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def extracted() -> Catalog:
    """Every marked string of the interface, as a template catalogue."""
    catalog = Catalog(project="Local Decent Work Atlas", charset="utf-8")
    for path in source_files():
        for lineno, message, comments, context in extract_from_file(
            "python", path, keywords=DEFAULT_KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            catalog.add(
                message,
                locations=[(path.relative_to(ROOT).as_posix(), lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def read(code: str) -> Catalog:
    with i18n.po_path(code).open("rb") as source:
        return read_po(source, locale=code, domain=i18n.DOMAIN)


def write(catalog: Catalog, path: Path, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog, width=88, sort_output=True, **options)


def extract() -> None:
    template = extracted()
    write(template, TEMPLATE, omit_header=False, no_location=True)
    for code in i18n.translated_languages():
        path = i18n.po_path(code)
        if path.exists():
            catalog = read(code)
        else:
            catalog = Catalog(
                locale=code,
                domain=i18n.DOMAIN,
                project="Local Decent Work Atlas",
                charset="utf-8",
                fuzzy=False,
            )
        catalog.update(template, no_fuzzy_matching=True)
        write(catalog, path, no_location=True, ignore_obsolete=True)
        print(f"{path.relative_to(ROOT)}: {len(problems(code))} entries to translate")


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


def problems(code: str) -> list[str]:
    """Entries of `code`'s catalogue that are missing, empty, fuzzy, or whose `{fields}`
    differ from the source string's (a translation must keep every field)."""
    catalog = read(code)
    found = []
    for message in extracted():
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if entry is None:
            found.append(f"missing: {ids[0]!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy:
            found.append(f"fuzzy: {ids[0]!r}")
        elif not all(s.strip() for s in strings):
            found.append(f"empty: {ids[0]!r}")
        elif any(fields(s) != fields(ids[-1]) | fields(ids[0]) for s in strings):
            found.append(f"fields differ: {ids[0]!r} → {strings[0]!r}")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "compile":
        for path in i18n.compile_catalogues(force=True):
            print(f"compiled {path.relative_to(ROOT)}")
    elif command == "check":
        bad = {code: problems(code) for code in i18n.translated_languages()}
        for code, found in bad.items():
            for line in found:
                print(f"{code}: {line}")
        return 1 if any(bad.values()) else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
