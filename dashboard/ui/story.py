"""Stories in the app (dashboard/stories.py): "add this view" and the story's steps in
the sidebar, a player above the page (next/previous buttons and the arrow keys, in
presentation mode), the story's file and its slides to download, and stories opened from
a link (`?story=<name>&step=<n>` for the ones shipped in data/stories/, `?story_data=…`
for any other: the story itself, in its link).

Going to a step is a callback (it sets the filters' widgets, which only a callback may
do once they are drawn) that leaves the step's page and URL for `follow_story()`, which
app.py calls before drawing anything: it switches to that page with that URL.
"""

from __future__ import annotations

import functools
import re

import streamlit as st

from dashboard import i18n, inert, slides, stories
from dashboard.i18n import _, ngettext
from dashboard.links import parse, unknown_params
from dashboard.pages import PAGES, PRESENT, STEP, STORY, STORY_DATA, PageSpec, by_path
from dashboard.ui.data import options, session_inventory, version
from dashboard.ui.sidebar import apply_filters, base_url, raw_params

STORY_KEY = "story"  # the story being built or played (stories.Story)
NAME_KEY = "story_name"  # its file stem when it is one of data/stories/ (links name it)
PLAYING_KEY = "story_playing"  # the index of the step on screen, while playing
PANEL_KEY = "story_panel"  # the sidebar's Story expander (True while open)
# (page, language) the panel was last drawn open for, None while closed: a page change
# drops the expander's own state, and a language change makes a new expander (its label)
_OPEN_ON_KEY = "_story_panel_open_on"
_TYPED = ("story_title", "story_step_title", "story_step_caption")  # the panel's fields
_GOTO_KEY = "_story_goto"  # (page file, query params) for follow_story()
_PAGE_WIDGETS = {p.key for spec in PAGES for p in spec.params}  # the pages' own choosers


def current_story() -> stories.Story:
    return st.session_state.get(STORY_KEY) or stories.Story(_("My story"))


@functools.cache
def _default_titles() -> frozenset[str]:
    """The default title, "My story", in every language of the interface."""
    titles = set()
    for code in i18n.LANGUAGES:
        with i18n.using(code):
            titles.add(_("My story"))
    return frozenset(titles)


def _default_title_follows_language() -> None:
    """A title the reader never typed ("Mon récit", the default when the story began in
    French) reads in the language chosen since (QA: it stayed French); a typed one stays.
    Not while a story plays or a link carries one: the link holds the story itself, and
    renamed it would no longer be the link's (it would start again)."""
    if PLAYING_KEY in st.session_state or STORY.key in st.query_params:
        return
    if STORY_DATA.key in st.query_params:
        return
    here = _("My story")
    typed = st.session_state.get("story_title")
    if typed is not None and typed != here and typed in _default_titles():
        st.session_state["story_title"] = here
    story = st.session_state.get(STORY_KEY)
    if story is not None and story.title != here and story.title in _default_titles():
        st.session_state[STORY_KEY] = story.renamed(here)


def _set_story(story: stories.Story, name: str | None = None) -> None:
    """The session's story; an edited one is the session's own (not a shipped story's
    link any more: `?story=` would open the shipped one again)."""
    if st.session_state.get(STORY_KEY) is None or st.session_state[STORY_KEY].title != story.title:
        st.session_state["story_title"] = story.title  # the title field follows (a callback)
    st.session_state[STORY_KEY] = story
    st.session_state[NAME_KEY] = name
    if name is None:
        _forget_story_link()


def _forget_story_link() -> None:
    for key in (STORY.key, STORY_DATA.key, STEP.key):
        if key in st.query_params:
            del st.query_params[key]


def _link_data(story: stories.Story) -> str | None:
    """The story as its link carries it (`story_data`); None when too long for one."""
    if not story.steps:
        return None
    try:
        return stories.link_data(story)
    except stories.StoryError:
        return None  # shared as its file (the panel says so)


def story_link_params(index: int | None = None) -> dict[str, list[str]]:
    """The current story's link parameters (and step `index`'s), `{}` without a link:
    a shipped story's name, or the story itself."""
    name = st.session_state.get(NAME_KEY)
    data = None if name else _link_data(current_story())
    if not (name or data):
        return {}
    query = {STORY.key: [name]} if name else {STORY_DATA.key: [data]}
    if index is not None:
        query[STEP.key] = [str(index + 1)]
    return query


def go_to_step(index: int) -> None:
    """Show step `index` of the current story, in presentation mode (a callback)."""
    story = current_story()
    if not story.steps:
        return
    index = max(0, min(index, len(story.steps) - 1))
    step = story.steps[index]
    spec = by_path(step.page) or PAGES[0]
    filters, _notes = parse(step.params, options(), spec)
    apply_filters(filters)
    for key in _PAGE_WIDGETS:  # the page's choosers read the step's link again
        st.session_state.pop(key, None)
    st.session_state[PRESENT.key] = True
    st.session_state[PLAYING_KEY] = index
    query = dict(step.params)  # presentation mode: the toggle's state (bound to the URL)
    query.update(story_link_params(index))
    if "lang" in st.query_params:
        query["lang"] = [st.query_params["lang"]]
    st.session_state[_GOTO_KEY] = (spec.file, query)


def stop_playing() -> None:
    st.session_state.pop(PLAYING_KEY, None)
    st.session_state[PRESENT.key] = False
    _forget_story_link()


def _story_from_link() -> tuple[stories.Story | None, str | None]:
    """The story the URL names or carries (and its name), when it is not the one
    playing already."""
    playing = PLAYING_KEY in st.session_state
    if STORY.key in st.query_params:
        name = st.query_params[STORY.key]
        if st.session_state.get(NAME_KEY) == name and playing:
            return None, None
        try:
            story = stories.shipped_story(name)
        except stories.StoryError:
            story = None
        if story is None:  # said, and the page shown without it
            _forget_story_link()
            st.warning(
                _("There is no story “{name}” here: the page is shown without it.").format(
                    name=inert.markdown(name[:80])
                ),
                icon=":material/link_off:",
            )
        return story, name
    if STORY_DATA.key in st.query_params:
        data = st.query_params[STORY_DATA.key]
        if playing and _link_data(current_story()) == data:
            return None, None
        try:
            return stories.from_link_data(data), None
        except stories.StoryError as exc:
            _forget_story_link()  # the page shows without it
            st.warning(
                _("The story in this link cannot be opened: {why}.").format(
                    why=inert.markdown(str(exc))
                ),
                icon=":material/link_off:",
            )
    return None, None


def follow_story() -> None:
    """app.py, before drawing: open a story the link names or carries, or go to the step
    a button asked for."""
    if _GOTO_KEY not in st.session_state:
        story, name = _story_from_link()
        if story is not None:
            _set_story(story, name)
            try:
                wanted = int(st.query_params.get(STEP.key, "1")) - 1
            except ValueError:
                wanted = 0
            go_to_step(wanted)
    target = st.session_state.pop(_GOTO_KEY, None)
    if target:
        file, query = target
        st.switch_page(file, query_params=query)


def story_player() -> None:
    """Above the page while a story plays: where we are, and the way on."""
    index = st.session_state.get(PLAYING_KEY)
    story = st.session_state.get(STORY_KEY)
    if index is None or story is None or not story.steps:
        return
    index = min(index, len(story.steps) - 1)
    step = story.steps[index]
    with st.container(border=True, key="story_player"):
        st.markdown(
            _("**{story}** · step {n} of {total}").format(
                story=inert.markdown(story.title or _("My story")),  # empty, "**" "**" showed
                n=index + 1,
                total=len(story.steps),
            )
            + (f"  \n### {inert.markdown(step.title)}" if step.title else "")
            + (f"\n\n{inert.markdown(step.caption)}" if step.caption else "")
        )
        with st.container(horizontal=True):  # buttons as wide as their words, never cut
            st.button(
                _("Previous"),
                key="story_prev",
                on_click=go_to_step,
                args=(index - 1,),
                disabled=index == 0,
                icon=":material/arrow_back:",
            )
            st.button(
                _("Next"),
                key="story_next",
                on_click=go_to_step,
                args=(index + 1,),
                disabled=index == len(story.steps) - 1,
                icon=":material/arrow_forward:",
                type="primary",
            )
            st.button(_("Stop"), key="story_stop", on_click=stop_playing)
    # The arrow keys press those buttons, unless the focus is in a widget that uses
    # them (a text field, a list, a slider, tabs).
    st.html(_ARROW_KEYS, unsafe_allow_javascript=True)


_ARROW_KEYS = """<script>
if (!window.atlasStoryKeys) {
  window.atlasStoryKeys = true;
  document.addEventListener('keydown', (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest && target.closest(
        'input, textarea, select, [role="slider"], [role="tab"], [role="listbox"], '
        + '[role="combobox"], [contenteditable="true"]')) return;
    const which = {ArrowRight: 'story_next', ArrowLeft: 'story_prev'}[event.key];
    if (!which) return;
    const button = document.querySelector('.st-key-' + which + ' button');
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
}
</script>"""


# --- building a story (the sidebar) -----------------------------------------------------


def _view_step(page: PageSpec | None, title: str = "", caption: str = "") -> stories.Step:
    """The view on screen as a story's step: its page, filters and options."""
    params = stories.view_params(raw_params())
    foreign = set(unknown_params(params, page))  # another page's, left in the URL
    return stories.Step(
        page=page.path if page else "",
        params={k: v for k, v in params.items() if k not in foreign},
        title=title.strip()[: stories.MAX_TITLE],
        caption=caption.strip()[: stories.MAX_CAPTION],
    )


def _this_view(page: PageSpec | None) -> stories.Story:
    title = _(page.title) if page else _("Overview")
    return stories.Story(title, (_view_step(page, title),))


def _add_view(page: PageSpec | None) -> None:
    story = current_story()
    step = _view_step(
        page,
        st.session_state.get("story_step_title", ""),
        st.session_state.get("story_step_caption", ""),
    )
    try:
        _set_story(story.with_step(step), None)
    except stories.StoryError as exc:
        st.session_state["story_problem"] = str(exc)
        return
    st.session_state["story_step_title"] = ""
    st.session_state["story_step_caption"] = ""


def _edit(change) -> None:
    _set_story(change(current_story()), None)


def _open_upload() -> None:
    upload = st.session_state.get("story_file")
    if upload is None:
        return
    try:
        _set_story(stories.loads(upload.getvalue()), None)
    except stories.StoryError as exc:
        st.session_state["story_problem"] = _(
            "The story file {name} cannot be read: {why}."
        ).format(name=inert.markdown(upload.name), why=inert.markdown(str(exc)))


def _open_example() -> None:
    """Play the example chosen; the chooser is emptied again (an action, not a state:
    QA saw a choice it kept start the story again in the run Stop made, on another page)."""
    name = st.session_state.get("story_example")
    st.session_state["story_example"] = None
    if name:
        _set_story(stories.shipped()[name], name)
        go_to_step(0)


def story_panel(page: PageSpec | None) -> None:
    """The sidebar's Story section: add this view, the steps, play, files and slides.

    Built only while open (issue 13: its dozen widgets were ~8% of every run's server
    time). Streamlit keys an expander's open state by its label and arguments too, so
    the label stays the same whatever the story holds (one that counted the steps made a
    new expander at each step, and clicks on it were lost: QA); the steps are listed
    inside. It stays open from page to page, and while it is closed what was typed in
    its fields is kept (Streamlit drops the state of a widget a run does not draw, or
    drew on another page, unless the run sets it again)."""
    _default_title_follows_language()
    story = current_story()
    open_on = st.session_state.get(_OPEN_ON_KEY)
    here = (page.path if page else "", i18n.language())
    if open_on is not None and open_on != here:
        st.session_state[PANEL_KEY] = True  # open before another page or language: reopen
    with st.sidebar:
        panel = st.expander(
            _("Story"), icon=":material/slideshow:", key=PANEL_KEY, on_change="rerun"
        )
    st.session_state[_OPEN_ON_KEY] = here if panel.open else None
    if not panel.open or open_on != here:
        # Set again: kept while unseen, and sent to the browser's new fields when drawn
        # anew (a widget drawn from its state alone shows empty in the browser).
        for key in _TYPED:
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    if not panel.open:
        if story.steps:  # what the label no longer says: the story is there, and its size
            st.sidebar.caption(
                ngettext(
                    "The story has {n} step.", "The story has {n} steps.", len(story.steps)
                ).format(n=len(story.steps))
            )
        return
    with panel:
        problem = st.session_state.pop("story_problem", None)
        if problem:
            st.error(problem)
        st.session_state.setdefault("story_title", story.title)
        st.text_input(
            _("Story title"),
            key="story_title",
            max_chars=stories.MAX_TITLE,
            on_change=lambda: _edit(lambda s: s.renamed(st.session_state["story_title"])),
        )
        st.text_input(_("Step title"), key="story_step_title", max_chars=stories.MAX_TITLE)
        st.text_area(
            _("Caption"), key="story_step_caption", max_chars=stories.MAX_CAPTION, height=80
        )
        st.button(
            _("Add this view to the story"),
            on_click=_add_view,
            args=(page,),
            key="story_add",
            icon=":material/add:",
            width="stretch",
        )
        for i, step in enumerate(story.steps):
            spec = by_path(step.page)
            where = _(spec.title) if spec else step.page
            st.markdown(f"{i + 1}. **{inert.markdown(step.title) or where}** · {where}")
            moves = (
                ("↑", "up", lambda s, i=i: s.moved(i, -1), i == 0, _("Earlier")),
                ("↓", "down", lambda s, i=i: s.moved(i, 1), i == len(story.steps) - 1, _("Later")),
                ("✕", "remove", lambda s, i=i: s.without(i), False, _("Remove this step")),
            )
            for column, (mark, what, change, off, meaning) in zip(
                st.columns(3), moves, strict=True
            ):
                column.button(
                    mark,
                    key=f"story_{what}_{i}",
                    on_click=_edit,
                    args=(change,),
                    disabled=off,
                    help=meaning,
                )
        if not story.steps:  # the current view alone, as one slide
            _slides_buttons(_this_view(page), None, "this-view")
        if story.steps:
            st.button(
                _("Play the story"),
                on_click=go_to_step,
                args=(0,),
                key="story_play",
                type="primary",
                icon=":material/play_arrow:",
                width="stretch",
            )
            _downloads(story)
        st.file_uploader(
            _("Open a story file (JSON)"),
            type=["json"],
            key="story_file",
            on_change=_open_upload,
            max_upload_size=1,
        )
        examples = stories.shipped()
        if examples:
            st.selectbox(
                _("Example stories"),
                list(examples),
                format_func=lambda name: examples[name].title,
                key="story_example",
                index=None,
                placeholder=_("Choose one to play it"),
                on_change=_open_example,
            )


def _file_stem(title: str) -> str:
    """A file name from the story's title ("Mon récit" → "mon-recit")."""
    from dashboard.filters import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:60] or "atlas-story"


def _story_link(story: stories.Story) -> None:
    """The story's link, to copy (its first step, played): the shipped story's name, or
    the story itself when it is short enough."""
    query = story_link_params(0)
    if not query:
        st.caption(
            _(
                "This story is too long for a link: share its file, which anyone can open "
                "here with “Open a story file”."
            )
        )
        return
    step = story.steps[0]
    if "lang" in st.query_params:
        query["lang"] = [st.query_params["lang"]]
    query[PRESENT.key] = ["true"]  # opens with the sidebar closed, as presented
    url = stories.Step(step.page, {**step.params, **query}).url(base_url())
    st.caption(
        _(
            "This story lives in this browser tab only: keep its link (it opens at step 1, "
            "in presentation mode) or its file."
        )
    )
    st.code(url, language=None, wrap_lines=False)


def _downloads(story: stories.Story) -> None:
    name = st.session_state.get(NAME_KEY)
    stem = name or _file_stem(story.title)
    _story_link(story)
    st.download_button(
        _("Story file (JSON)"),
        data=stories.dumps(story),
        file_name=f"{stem}.json",
        mime="application/json",
        on_click="ignore",
        key="story_json",
        icon=":material/download:",
        width="stretch",
    )
    _slides_buttons(story, name, stem)


def _slides_buttons(story: stories.Story, name: str | None, stem: str) -> None:
    """The story's slides as PPTX and PNG zip, drawn on click in this run's language."""
    code = i18n.language()
    v, opts, base = version(), options(), base_url()
    inventory = session_inventory()

    def made(titled: bool) -> list[slides.Slide]:
        with i18n.using(code):
            return list(
                slides.slides(
                    story,
                    v,
                    opts,
                    base_url=base,
                    story_name=name,
                    inventory_name=inventory.name if inventory else None,
                    titled=titled,
                )
            )

    st.download_button(
        _("Slides (PPTX)"),
        data=lambda: slides.deck(story, made(titled=False)),
        file_name=f"{stem}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore",
        key=f"story_pptx_{stem}",
        icon=":material/slideshow:",
        width="stretch",
        help=_("One 16:9 slide per step; each step takes a few seconds to draw."),
    )
    st.download_button(
        _("Slide images (PNG zip)"),
        data=lambda: slides.png_zip(made(titled=True)),
        file_name=f"{stem}-png.zip",
        mime="application/zip",
        on_click="ignore",
        key=f"story_png_{stem}",
        icon=":material/folder_zip:",
        width="stretch",
    )
