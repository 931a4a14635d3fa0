"""Stories in the app (AppTest): add views, reorder and remove steps, play them with
next/previous, open a shipped story from its link, stop."""

from __future__ import annotations

from apptest_support import open_page, open_story_panel

from dashboard import stories
from dashboard.ui.story import STORY_KEY


def _player(at) -> str:
    return "\n".join(m.value for m in at.markdown if " · step " in m.value)


def _add(at, title: str, caption: str = "") -> None:
    open_story_panel(at)
    at.text_input(key="story_step_title").input(title)
    at.text_area(key="story_step_caption").input(caption)
    at.button(key="story_add").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_views_are_added_reordered_removed_and_played(monkeypatch, atlas_warehouse):
    at = open_page(
        monkeypatch, atlas_warehouse, "pages/timeline.py", region="africa", measure="starting"
    )
    _add(at, "Africa, year by year", "Projects starting each year.")
    at.switch_page("pages/pillars.py").run()
    [b for b in at.button if b.label == "Clear all filters"][0].click().run()
    _add(at, "Pillars")
    story = at.session_state[STORY_KEY]
    assert [s.title for s in story.steps] == ["Africa, year by year", "Pillars"]
    first = story.steps[0]
    assert first.page == "timeline"
    assert first.params == {"region": ["africa"], "measure": ["starting"]}  # the view, as codes
    assert first.caption == "Projects starting each year."
    assert story.steps[1].page == "pillars" and story.steps[1].params == {}
    at.button(key="story_down_0").click().run()
    assert [s.title for s in at.session_state[STORY_KEY].steps] == [
        "Pillars",
        "Africa, year by year",
    ]
    at.button(key="story_up_1").click().run()
    # play: step 1 is the Timeline with its filters and option, in presentation mode
    at.button(key="story_play").click().run()
    assert not at.exception
    assert "step 1 of 2" in _player(at) and "Africa, year by year" in _player(at)
    assert at.multiselect(key="region").value == ["Africa"]
    assert at.query_params.get("measure") == "starting"
    assert at.session_state["present"] is True
    at.button(key="story_next").click().run()
    assert "step 2 of 2" in _player(at)
    assert at.multiselect(key="region").value == []  # the step's own filters: none
    assert at.button(key="story_next").disabled
    at.button(key="story_prev").click().run()
    assert "step 1 of 2" in _player(at)
    at.button(key="story_remove_0").click().run()
    assert [s.title for s in at.session_state[STORY_KEY].steps] == ["Pillars"]
    at.button(key="story_stop").click().run()
    assert _player(at) == ""


def test_a_shipped_story_opens_from_its_link_at_its_step(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, story="city-to-city", step="3")
    assert "step 3 of 5" in _player(at)
    assert "Chefchaouen, September 2014" in _player(at)
    assert at.query_params["exchange"] == "mar-chefchaouen-2014-09-peer-learning"
    assert at.query_params["story"] == "city-to-city" and at.query_params["step"] == "3"
    at.button(key="story_next").click().run()
    assert at.query_params["step"] == "4"
    assert at.query_params["exchange"] == "col-pasto-2015-01-learning-exchange"


def test_an_unknown_story_in_a_link_plays_nothing(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, story="../../etc/passwd", step="2")
    assert _player(at) == ""
    assert any("There is no story" in w.value for w in at.warning)
    assert "story" not in at.query_params


def test_a_story_built_in_a_session_opens_from_its_link(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py", region="africa")
    _add(at, "Africa <b>bold</b>", "Caption with [a link](http://example.org)")
    at.switch_page("pages/pillars.py").run()
    _add(at, "Pillars")
    links = [c.value for c in at.code if "story_data=" in c.value]
    assert len(links) == 1, "the story panel shows its link"
    link = links[0]
    assert "/timeline?" in link and "step=1" in link and "region=africa" in link
    from urllib.parse import parse_qs, urlsplit

    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert stories.from_link_data(query["story_data"]) == at.session_state[STORY_KEY]
    # a colleague opens the link in a new session: the story plays from step 1
    other = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py", **query)
    assert not other.exception
    assert "step 1 of 2" in _player(other)
    assert "Africa \\<b\\>bold\\</b\\>" in _player(other)  # inert: no HTML
    assert other.multiselect(key="region").value == ["Africa"]
    assert other.session_state["present"] is True
    other.button(key="story_next").click().run()
    assert "step 2 of 2" in _player(other)
    assert other.query_params["story_data"] == query["story_data"]  # each step: its own URL
    assert other.query_params["step"] == "2"


def test_a_damaged_story_link_says_so_and_shows_the_page(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, story_data="eJzLSM3JyVcozy_KSQEAGgQEXQ", step="1")
    assert _player(at) == ""
    warnings = [w.value for w in at.warning]
    assert any("The story in this link cannot be opened" in w for w in warnings), warnings
    assert "story_data" not in at.query_params
    assert at.metric  # the page itself is drawn


def test_a_damaged_link_is_explained_in_the_readers_language(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, story_data="abc", lang="fr")
    (warning,) = [w.value for w in at.warning if "récit" in w.value]
    assert "le récit du lien est abîmé" in warning and "damaged" not in warning


def test_a_story_whose_title_was_cleared_plays_under_a_title(monkeypatch, atlas_warehouse):
    """QA: a cleared title showed the player's heading as a stray "****"."""
    at = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py")
    _add(at, "First")
    at.text_input(key="story_title").input("").run()
    at.button(key="story_play").click().run()
    assert "**My story** · step 1 of 1" in _player(at)
    assert "****" not in _player(at)


def test_the_story_panel_is_built_when_opened_and_keeps_what_was_typed(
    monkeypatch, atlas_warehouse
):
    """Closed, the panel's widgets are not built (issue 13: ~8% of every run); open, it
    stays open as steps are added (its label does not change), and half-typed text
    survives closing and opening it again."""
    at = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py")
    assert not [b for b in at.button if (b.key or "").startswith("story_")]
    assert not [t for t in at.text_input if (t.key or "").startswith("story_")]
    _add(at, "First")
    _add(at, "Second")
    assert at.button(key="story_play")  # still open after two steps
    at.switch_page("pages/map.py").run()
    assert at.button(key="story_play")  # and on another page
    at.switch_page("pages/timeline.py").run()
    assert [m.value for m in at.markdown if m.value.startswith(("1. ", "2. "))] == [
        "1. **First** · Timeline",
        "2. **Second** · Timeline",
    ]
    at.text_area(key="story_step_caption").input("Half a thought").run()
    at.text_input(key="story_title").input("My forum talk").run()
    at.session_state["story_panel"] = False  # closed, as a click does
    at.run()
    assert not [b for b in at.button if (b.key or "").startswith("story_")]
    at.switch_page("pages/pillars.py").run()  # a run or two with it closed
    assert not [b for b in at.button if (b.key or "").startswith("story_")]
    open_story_panel(at)
    assert at.text_area(key="story_step_caption").value == "Half a thought"
    assert at.text_input(key="story_title").value == "My forum talk"
    assert [s.title for s in at.session_state[STORY_KEY].steps] == ["First", "Second"]


def test_the_open_story_panel_stays_open_in_another_language(monkeypatch, atlas_warehouse):
    """Review: its label is translated, which makes a new expander; it must not close."""
    at = open_page(monkeypatch, atlas_warehouse, "pages/pillars.py")
    open_story_panel(at)
    at.selectbox(key="language").set_value("fr").run()
    assert not at.exception
    assert at.button(key="story_add").label == "Ajouter cette vue au récit"


def test_the_closed_story_panel_says_how_many_steps_the_story_has(monkeypatch, atlas_warehouse):
    from dashboard.ui.story import PANEL_KEY

    def said(at) -> list[str]:
        return [
            c.value for c in at.sidebar.caption if c.value.startswith(("The story", "Le récit"))
        ]

    at = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py")
    assert said(at) == []  # no story yet: nothing to say
    _add(at, "Africa")
    assert said(at) == []  # open: the steps are listed inside
    at.session_state[PANEL_KEY] = False
    at.run()
    assert said(at) == ["The story has 1 step."]
    _add(at, "Again")
    at.session_state[PANEL_KEY] = False  # closed by a click: a run of its own
    at.run()
    at.selectbox(key="language").set_value("fr").run()
    assert said(at) == ["Le récit compte 2 étapes."]


def test_the_default_story_title_follows_the_language_and_a_typed_one_stays(
    monkeypatch, atlas_warehouse
):
    """QA: a story begun in French kept "Mon récit" after switching to English."""
    at = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py", lang="fr")
    open_story_panel(at)
    assert at.text_input(key="story_title").value == "Mon récit"
    at.selectbox(key="language").set_value("en").run()
    assert not at.exception
    assert at.text_input(key="story_title").value == "My story"  # no step yet
    at.selectbox(key="language").set_value("fr").run()
    _add(at, "Afrique")
    assert at.session_state[STORY_KEY].title == "Mon récit"
    at.selectbox(key="language").set_value("en").run()
    assert at.text_input(key="story_title").value == "My story"
    assert at.session_state[STORY_KEY].title == "My story"  # the player and the files too
    at.text_input(key="story_title").input("Mon récit de Lyon").run()
    at.selectbox(key="language").set_value("es").run()
    assert at.text_input(key="story_title").value == "Mon récit de Lyon"  # typed: kept
    assert at.session_state[STORY_KEY].title == "Mon récit de Lyon"


def test_an_example_story_plays_stops_and_its_chooser_is_ready_for_another(
    monkeypatch, atlas_warehouse
):
    from dashboard.ui.story import PLAYING_KEY

    at = open_page(monkeypatch, atlas_warehouse, "pages/pillars.py")
    open_story_panel(at)
    at.selectbox(key="story_example").set_value("from-3-to-18").run()
    assert not at.exception
    assert at.session_state[PLAYING_KEY] == 0 and at.query_params["story"] == "from-3-to-18"
    assert at.selectbox(key="story_example").value is None  # ready for another choice
    at.button(key="story_stop").click().run()
    assert PLAYING_KEY not in at.session_state and "story" not in at.query_params
    at.selectbox(key="story_example").set_value("from-3-to-18").run()  # the same one again
    assert at.session_state[PLAYING_KEY] == 0


def test_a_story_with_the_default_french_title_plays_from_its_link_in_english(
    monkeypatch, atlas_warehouse
):
    """Its title is not renamed while it plays: the link carries the story itself, and
    a renamed story would no longer be the link's (it would start again)."""
    from urllib.parse import parse_qs, urlsplit

    at = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py", lang="fr")
    _add(at, "Un")
    at.switch_page("pages/pillars.py").run()
    _add(at, "Deux")
    (link,) = [c.value for c in at.code if "story_data=" in c.value]
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    query["lang"] = "en"
    other = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py", **query)
    assert not other.exception
    assert "step 1 of 2" in _player(other) and "Mon récit" in _player(other)
    other.button(key="story_next").click().run()
    other.run()
    assert "step 2 of 2" in _player(other)
    assert other.query_params["step"] == "2"


def test_a_story_step_on_a_record_keeps_its_player_in_view(monkeypatch, atlas_warehouse):
    """QA: a City-to-City step scrolled the page 3,800 px down to its exchange, out of
    sight of the player the room reads and the presenter's Next and Stop. The same
    record opened from a plain link still lands the reader at it."""
    from dashboard.ui.pickers import RECORD_ANCHOR

    def scrolls(at) -> bool:
        return any(RECORD_ANCHOR in h.proto.body and "<script>" in h.proto.body
                   for h in at.get("html"))  # fmt: skip

    at = open_page(monkeypatch, atlas_warehouse, story="city-to-city", step="2")
    assert "step 2 of 5" in _player(at)
    assert at.query_params.get("exchange")
    assert not scrolls(at)
    at.button(key="story_next").click().run()
    assert "step 3 of 5" in _player(at) and not scrolls(at)
    plain = open_page(
        monkeypatch, atlas_warehouse, "pages/exchanges.py", exchange=at.query_params["exchange"]
    )
    assert scrolls(plain)
