"""Every page speaks French and Spanish through and through (AppTest).

Each page is opened in English and in the other language, with the same link. Each
piece of text a reader sees — titles, captions, markdown, metrics, widget labels and
help, tabs, buttons, table headers, and each chart's titles, axes, legend and hover
labels — is compared with its English counterpart. A text left the same is English
that escaped translation, unless it is catalogue content (titles, names: they stay in
the source's language), a number or code, or a word the language shares with English
("Forum", "Programme").
"""

from __future__ import annotations

import json
import re

import pytest
from apptest_support import open_page, open_story_panel, open_tab
from conftest import sql_rows

from dashboard import i18n, stories
from dashboard.pages import PAGES


def _plotly_texts(spec: dict) -> list[str]:
    layout = spec.get("layout", {})
    texts = [
        (layout.get(axis) or {}).get("title", {}).get("text")
        for axis in layout
        if re.match(r"^[xy]axis\d*$", axis)
    ]
    texts.append((layout.get("title") or {}).get("text"))
    texts.append(((layout.get("legend") or {}).get("title") or {}).get("text"))
    texts += [a.get("text") for a in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        texts += [trace.get("name"), trace.get("hovertemplate")]
    return [t for t in texts if isinstance(t, str) and t]


def shown_texts(at) -> list[tuple[str, str]]:
    """(where, text) of every piece of interface text on the page, in page order."""
    out: list[tuple[str, str]] = []

    def add(kind: str, *texts) -> None:
        out.extend((kind, t) for t in texts if isinstance(t, str) and t.strip())

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if kind in ("markdown", "caption", "title", "header", "subheader", "alert") or kind in (
            "info",
            "warning",
            "error",
            "success",
            "exception",
        ):
            add(kind, node.value)
        elif kind == "metric":
            add(kind, node.label, node.value)
        elif kind in ("multiselect", "selectbox", "radio", "segmented_control", "pills"):
            add(kind, node.label, node.help, getattr(node, "placeholder", None))
            add(f"{kind} option", *[str(o) for o in node.options])
        elif kind in ("text_input", "slider", "toggle", "checkbox", "number_input", "button"):
            add(kind, node.label, getattr(node, "help", None), getattr(node, "placeholder", None))
        elif kind == "tab" or kind == "expandable":
            add(kind, getattr(node, "label", None))
        elif kind in ("page_link", "download_button", "link_button") and proto is not None:
            add(kind, proto.label, proto.help)
        elif kind in ("warning", "error", "success", "exception"):
            add(kind, node.value)
        elif kind == "dataframe":  # a header is its column_config label when it has one
            config = json.loads(proto.columns or "{}") if proto is not None else {}
            add("table header", *[_header(str(c), config) for c in node.value.columns])
        elif kind == "html" and proto is not None and "<script" not in proto.body:
            add(
                kind,
                *re.split(
                    r"\s*<[^>]+>\s*", re.sub(r"<style.*?</style>", "", proto.body, flags=re.S)
                ),
            )
        elif kind == "plotly_chart" and proto is not None:
            add("chart", *_plotly_texts(json.loads(proto.spec)))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return out


def _header(column: str, config: dict) -> str:
    label = (config.get(column) or config.get(f"_pos:{column}") or {}).get("label")
    return label or column


# Words French or Spanish write as English does (checked: their catalogue entry is the same).
def _same_in(code: str) -> set[str]:
    from babel.messages.pofile import read_po

    with i18n.po_path(code).open("rb") as po:
        catalogue = read_po(po)
    return {m.id for m in catalogue if m.id and isinstance(m.id, str) and m.string == m.id}


@pytest.fixture(scope="module")
def content(atlas_warehouse) -> set[str]:
    """Every text value in the warehouse (catalogue content, names, codes)."""
    strings: set[str] = set()
    for table, column in sql_rows(
        atlas_warehouse,
        "select table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_schema = 'main'",
    ):
        for (value,) in sql_rows(atlas_warehouse, f'select distinct "{column}" from {table}'):
            if value:
                strings.add(str(value).strip())
                strings.update(p.strip() for p in re.split(r";|\|", str(value)) if p.strip())
    # the shipped stories' titles and captions: content their author wrote, in English
    for story in stories.shipped().values():
        strings.add(story.title)
        strings.update(text for step in story.steps for text in (step.title, step.caption))
    return strings


_MARKUP = re.compile(r"\*\*|__|`|^#+\s*|^[-•]\s+|\[([^\]]*)\]\([^)]*\)|%\{[^}]*\}|<[^>]*>", re.M)
_NUMBERS = re.compile(r"\b\d[\d.,–-]*\b")
# A data field's name (project_id, iso3, lat): a column a reader can also meet in the
# download and the README's dictionary, the same in every language.
_IDENTIFIER = re.compile(r"^([a-z]+[0-9]+|[a-z][a-z0-9]*(_[a-z0-9]+)+|lat|lon)$")
# The language chooser is the same in every language, on purpose: each finds their own.
SAME_EVERYWHERE = {"Language · Langue · Idioma", *i18n.LANGUAGES.values()}
_PARTS = re.compile(r"\s+[·—–|]\s+|;\s+|,\s+|:\s+|\n+|\s+\(|\)")


def escaped_english(text: str, content: set[str], same: set[str]) -> bool:
    """Whether `text`, identical in English and the other language, is interface text
    (and so left untranslated)."""
    plain = re.sub(r"\\(.)", r"\1", _MARKUP.sub(lambda m: m.group(1) or "", text)).strip()
    known = content | same | SAME_EVERYWHERE
    if not re.search(r"[A-Za-z]{3,}", plain) or plain in known or _IDENTIFIER.match(plain):
        return False
    parts = [_NUMBERS.sub("", p).strip(" .:*") for p in _PARTS.split(plain) if p]
    return any(re.search(r"[A-Za-z]{3,}", p) and p not in known for p in parts)


def _aligned(english: list, other: list) -> list:
    """Pairs of the same element in both pages (a language may add a note: e.g. that
    the data dictionary's descriptions are in English)."""
    from difflib import SequenceMatcher

    kinds = SequenceMatcher(None, [k for k, _ in english], [k for k, _ in other], autojunk=False)
    pairs = []
    for block in kinds.get_matching_blocks():
        pairs += zip(
            english[block.a : block.a + block.size],
            other[block.b : block.b + block.size],
            strict=True,
        )
    assert len(pairs) > 0.9 * len(english), "the pages differ in more than a note"
    return pairs


def _links(sql) -> list[tuple[str, dict]]:
    """Every page, plus a project's and an exchange's own view."""
    project = sql("select project_id from projects order by project_id limit 1")[0][0]
    exchange = sql("select exchange_id from exchanges order by exchange_id limit 1")[0][0]
    links = [(spec.file, {}) for spec in PAGES]
    links += [("pages/projects.py", {"project": project})]
    links += [("pages/exchanges.py", {"exchange": exchange})]
    links += [("pages/map.py", {"country_focus": "BRA"})]
    links += [("pages/timeline.py", {"measure": "starting", "stack": "region"})]
    return links


@pytest.mark.parametrize("code", i18n.translated_languages())
def test_every_page_is_fully_translated(monkeypatch, atlas_warehouse, sql, content, code):
    same = _same_in(code)
    escaped: dict[str, list[str]] = {}
    for i, (page, params) in enumerate(_links(sql)):
        pages = [
            open_page(monkeypatch, atlas_warehouse, page, lang=c, **params) for c in ("en", code)
        ]
        if i == 0:  # the sidebar's Story panel, built when opened, on the first page
            pages = [open_story_panel(at) for at in pages]
        english, other = map(shown_texts, pages)
        where = f"{page} {params or ''}".strip()
        for (kind, before), (_, after) in _aligned(english, other):
            if before == after and escaped_english(before, content, same):
                escaped.setdefault(where, []).append(f"{kind}: {before[:140]!r}")
    assert not escaped, json.dumps(escaped, indent=1, ensure_ascii=False)


def test_the_check_sees_english_left_in_a_page():
    """The comparison can fail: interface English is caught, content is not."""
    content = {"Brazil", "Youth Employment in Rio"}
    assert escaped_english("Projects per country", content, set())
    assert escaped_english("**Partners:** Brazil", content, set())
    assert not escaped_english("Youth Employment in Rio", content, set())
    assert not escaped_english("Brazil · 2012–2015", content, set())
    assert not escaped_english("Forum", content, {"Forum"})
    assert not escaped_english("project_id", content, set())  # a data field's name
    assert escaped_english("documented", content, set())  # a word, not a field
    assert not escaped_english("%{hovertext}<extra></extra>", content, set())


@pytest.mark.parametrize("code", i18n.translated_languages())
def test_download_file_names_are_the_same_in_every_language(
    monkeypatch, atlas_warehouse, sql, code
):
    """A file is named from its English title ("projects-starting-per-year.csv"), so a
    French and a Spanish reader get the same file names, in plain ASCII."""
    from dashboard.ui import blocks

    def stems(lang: str) -> list[str]:
        named: list[str] = []
        original = blocks.file_stem
        monkeypatch.setattr(blocks, "file_stem", lambda t: named.append(original(t)) or named[-1])
        with i18n.using(lang):
            download = i18n._("Download")  # the tab's label as shown
        for page, params in _links(sql):
            at = open_page(monkeypatch, atlas_warehouse, page, lang=lang, **params)
            if any(k.endswith("_tab") for k in at.session_state):
                open_tab(at, download)  # the buttons are built when their tab opens
        monkeypatch.setattr(blocks, "file_stem", original)
        return named

    english = stems("en")
    assert "projects-starting-per-year" in english
    assert stems(code) == english
