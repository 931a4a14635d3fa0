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
