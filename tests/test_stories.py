"""Stories (dashboard/stories.py) and their slides (dashboard/slides.py): the file format
read with limits, the shipped stories, and the PPTX deck and PNG images of a story."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from dashboard import queries, slides, stories
from dashboard.db import warehouse_version
from dashboard.stories import Step, Story, StoryError

ARTIFACTS = ROOT / "artifacts" / "stories"


def test_a_story_file_round_trips():
    story = Story(
        "Mine",
        (
            Step("timeline", {"region": ["africa"], "measure": ["starting"]}, "A", "B"),
            Step("", {}, "Overview", ""),
        ),
    )
    again = stories.loads(stories.dumps(story))
    assert again == story
    assert json.loads(stories.dumps(story))["format"] == stories.FORMAT


@given(st.lists(st.integers(0, 5), max_size=8))
def test_reordering_and_removing_keep_every_other_step(moves):
    story = Story("t", tuple(Step("", {}, str(i), "") for i in range(6)))
    for index in moves:
        story = story.moved(index, 1 if index % 2 else -1)
    assert sorted(s.title for s in story.steps) == [str(i) for i in range(6)]
    removed = story.without(2)
    assert len(removed.steps) == 5 and story.steps[2] not in removed.steps


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (b"not json", "not a JSON file"),
        (b'{"title": "x", "steps": []}', "not an atlas story"),
        (b'{"format": "atlas-story/1", "title": "x", "steps": []}', "no steps"),
        (
            b'{"format": "atlas-story/1", "title": "x", "steps": [{"page": "nowhere"}]}',
            "step 1: unknown page 'nowhere'",
        ),
        (
            b'{"format": "atlas-story/1", "title": "x", "steps": [{"page": "map", '
            b'"params": {"measure": ["starting"]}}]}',
            "the map page has no parameter 'measure'",
        ),
        (
            b'{"format": "atlas-story/1", "title": "x", "steps": [{"page": "map", '
            b'"params": {"region": "africa"}}]}',
            "params must map names to lists",
        ),
        (b"{" + b" " * (stories.MAX_BYTES + 1) + b"}", "a story is a small file"),
    ],
)
def test_a_bad_story_file_says_what_is_wrong(text, problem):
    with pytest.raises(StoryError, match=problem):
        stories.loads(text)


def test_too_many_steps_and_long_text_are_refused():
    step = {"page": "", "params": {}, "title": "t", "caption": ""}
    many = {"format": stories.FORMAT, "title": "x", "steps": [step] * (stories.MAX_STEPS + 1)}
    with pytest.raises(StoryError, match="at most 50"):
        stories.loads(json.dumps(many))
    long = {"format": stories.FORMAT, "title": "x" * 201, "steps": [step]}
    with pytest.raises(StoryError, match="title is 201 characters"):
        stories.loads(json.dumps(long))


def test_the_shipped_stories_read_and_use_only_the_catalogues_records(sql):
    shipped = stories.shipped()
    assert set(shipped) == {"from-3-to-18", "city-to-city"}
    exchanges = {r[0] for r in sql("select exchange_id from exchanges")}
    for story in shipped.values():
        assert story.title and len(story.steps) >= 4
        for step in story.steps:
            assert step.title and step.caption
            for value in step.params.get("exchange", []):
                assert value in exchanges


def test_the_shipped_stories_state_the_publications_numbers(sql):
    """Each number a shipped story's text states is one the warehouse records: the
    reported figures, or a year of a documented exchange."""
    import re

    known = {str(int(r[0])) for r in sql("select value from reported_figures")}
    known |= {str(r[0]) for r in sql("select dimension_label from reported_figures")}
    known |= {str(r[0]) for r in sql("select count(*) from projects")}
    known |= {
        str(r[0])[:4] for r in sql("select start_date from exchanges where start_date is not null")
    }
    for story in stories.shipped().values():
        text = " ".join([story.title] + [s.title + " " + s.caption for s in story.steps])
        for number in re.findall(r"\b\d+\b", text):
            assert number in known, f"{number} in “{story.title}” is not a recorded fact"


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@given(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80),
    st.lists(
        st.tuples(st.sampled_from(["", "timeline", "map", "exchanges"]), _TEXT, _TEXT),
        min_size=1,
        max_size=6,
    ),
)
def test_a_story_travels_in_its_link_unchanged(title, steps):
    story = stories.loads(
        stories.dumps(
            Story(title, tuple(Step(page, {"region": ["africa"]}, t, c) for page, t, c in steps))
        )
    )  # as the app holds it: titles and captions tidied by the reader
    data = stories.link_data(story)
    assert len(data) <= stories.MAX_LINK_CHARS
    assert set(data) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert stories.from_link_data(data) == story


def test_a_story_too_long_for_a_link_says_to_share_its_file():
    import random

    noise = random.Random(1)
    captions = ["".join(noise.choice("abcdefghij ") for _ in range(1000)) for _ in range(30)]
    story = Story("Long", tuple(Step("", {}, f"S{i}", c) for i, c in enumerate(captions)))
    with pytest.raises(StoryError, match="too long for a link.*share its file"):
        stories.link_data(story)


def test_a_damaged_or_hostile_link_is_refused_with_a_reason():
    import base64
    import zlib

    good = stories.link_data(Story("t", (Step("", {}, "a", ""),)))
    with pytest.raises(StoryError, match="cut short"):
        stories.from_link_data(good[: len(good) // 2])
    with pytest.raises(StoryError, match="damaged"):
        stories.from_link_data(good + "!")
    with pytest.raises(StoryError, match="damaged"):
        stories.from_link_data("AAAA" + good)  # not zlib
    # a few KB that unpack into megabytes: refused before they are unpacked
    bomb = base64.urlsafe_b64encode(zlib.compress(b" " * 5_000_000, 9)).decode().rstrip("=")
    assert len(bomb) <= stories.MAX_LINK_CHARS
    with pytest.raises(StoryError, match="over 256 KB"):
        stories.from_link_data(bomb)
    with pytest.raises(StoryError, match="over 8,000 characters"):
        stories.from_link_data("A" * (stories.MAX_LINK_CHARS + 1))
    # a few hundred characters of "[[[[…": refused, not a crash of the page
    nested = base64.urlsafe_b64encode(zlib.compress(b"[" * 100_000, 9)).decode().rstrip("=")
    with pytest.raises(StoryError, match="nested too deeply"):
        stories.from_link_data(nested)
    # a well-formed link to a file that is not a story
    not_a_story = base64.urlsafe_b64encode(zlib.compress(b'{"a": 1}')).decode().rstrip("=")
    with pytest.raises(StoryError, match="not an atlas story"):
        stories.from_link_data(not_a_story)


def test_a_step_has_its_own_url():
    step = Step("exchanges", {"exchange": ["moz-maputo-2012-11-peer-learning"]}, "M", "")
    url = step.url("http://host:8501", present="true", story="city-to-city", step="2")
    assert url == (
        "http://host:8501/exchanges?exchange=moz-maputo-2012-11-peer-learning"
        "&present=true&story=city-to-city&step=2"
    )


@pytest.mark.skipif(
    not (shutil.which("chromium") or shutil.which("chromium-browser")),
    reason="SKIPPED LOUDLY: slide images are drawn by Debian chromium, which is not "
    "installed here; `make test` installs it (tools/ensure_chromium.sh)",
)
def test_the_example_stories_make_a_deck_and_images(monkeypatch, atlas_warehouse):
    """Built in CI: artifacts/stories/<story>.pptx and its PNG images, to look at."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    version = warehouse_version()
    options = queries.filter_options(version)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, story in stories.shipped().items():
        made = list(
            slides.slides(
                story, version, options, base_url="http://atlas", story_name=name, titled=False
            )
        )
        data = slides.deck(story, made)
        (ARTIFACTS / f"{name}.pptx").write_bytes(data)
        titled = list(
            slides.slides(story, version, options, base_url="http://atlas", story_name=name)
        )
        images = slides.png_zip(titled)
        with zipfile.ZipFile(io.BytesIO(images)) as archive:
            archive.extractall(ARTIFACTS / name)
            names = archive.namelist()
        deck = Presentation(io.BytesIO(data))
        assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
        (*_cover,) = [deck.slides[0]]
        steps = list(deck.slides)[1:]
        assert len(steps) == len(story.steps)
        for number, (slide, step) in enumerate(zip(steps, story.steps, strict=True), 1):
            texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
            pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
            assert texts[0] == step.title
            assert step.caption in texts
            assert any(t.startswith("Everything in the catalogue") for t in texts)
            assert len(pictures) == 1
            notes = slide.notes_slide.notes_text_frame.text
            assert "Source: ILO/UCLG" in notes
            assert f"story={name}&step={number}" in notes
        assert names == [f"step-{n:02d}.png" for n in range(1, len(story.steps) + 1)]
        # an exchange's step shows that exchange, not every exchange again
        for slide, step in zip(made, story.steps, strict=True):
            if "exchange" in step.params:
                assert slide.chart_title == "Host and participants of the exchange"
        first = Path(ARTIFACTS / name / "step-01.png").read_bytes()
        assert first[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(first[16:20], "big"), int.from_bytes(first[20:24], "big")
        assert (width, height) == (1920, 1080)


def test_slides_drawn_from_an_inventory_say_so(monkeypatch, atlas_warehouse):
    """A deck drawn from a session's own inventory names it as the source, on the cover
    and in every slide's notes (its permalinks open the published atlas)."""
    from pptx import Presentation

    # drawn without Chromium: the source line each picture is given is what is checked
    drawn: list[dict] = []
    monkeypatch.setattr(
        slides.exports, "figure_image", lambda *a, **k: drawn.append(k) or _TINY_PNG
    )
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    version = warehouse_version()
    story = Story("Mine", (Step("timeline", {"region": ["africa"]}, "Africa", ""),))
    made = list(
        slides.slides(
            story,
            version,
            queries.filter_options(version),
            base_url="http://atlas",
            inventory_name="pardev-2026.xlsx",
        )
    )
    deck = Presentation(io.BytesIO(slides.deck(story, made)))
    cover = [s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame]
    notes = deck.slides[1].notes_slide.notes_text_frame.text
    for text in (" ".join(cover), notes):
        assert "uploaded inventory “pardev-2026.xlsx”, not the published atlas" in text
        assert "ILO/UCLG" not in text
    assert "http://atlas/timeline?region=africa&present=true" in notes
    assert drawn and all(
        "“pardev-2026.xlsx”, not the published atlas" in k["source"] for k in drawn
    )


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixel = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")
    )


_TINY_PNG = _tiny_png()
