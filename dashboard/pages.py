"""The app's pages: file, title, icon, URL path and the URL parameters each one reads —
one list, used by the navigation (app.py), by the URL parser (an undeclared parameter
is reported as ignored) and by every link between pages (dashboard/links.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dashboard.figures.timeline import MEASURES, STACKS
from dashboard.i18n import LANGUAGES, N_
from dashboard.queries import PROJECT_SORTS


@dataclass(frozen=True)
class PageParam:
    """A page's own URL parameter (not a filter): its key, and for a fixed set of
    choices, code → label (the URL carries the code; older links the label). The first
    choice is the default, which stays out of the URL."""

    key: str
    choices: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str  # English, marked for translation: shown as _(title)
    icon: str
    path: str  # URL path; "" for the default page (served at "/")
    params: tuple[PageParam, ...] = ()

    def param(self, key: str) -> PageParam:
        for param in self.params:
            if param.key == key:
                return param
        raise KeyError(f"the {self.title} page declares no URL parameter {key!r}")


# Parameters every page reads (presentation mode and the language are app-wide). With no
# `lang` the browser's language is used; a link carries `lang` only when it differs.
PRESENT = PageParam("present")
LANG = PageParam("lang", LANGUAGES)
STORY = PageParam("story")  # a story being played (dashboard/stories.py), and its step
STORY_DATA = PageParam("story_data")  # a story carried in its link (stories.link_data)
STEP = PageParam("step")
APP_PARAMS: tuple[PageParam, ...] = (PRESENT, LANG, STORY, STORY_DATA, STEP)

OVERVIEW = PageSpec("pages/overview.py", N_("Overview"), ":material/dashboard:", "")
MAP = PageSpec("pages/map.py", N_("Map"), ":material/public:", "map", (PageParam("country_focus"),))
TIMELINE = PageSpec(
    "pages/timeline.py",
    N_("Timeline"),
    ":material/timeline:",
    "timeline",
    (
        PageParam("measure", MEASURES),
        PageParam("stack", STACKS),
    ),
)
PILLARS = PageSpec("pages/pillars.py", N_("Pillars"), ":material/view_column:", "pillars")
PROJECTS = PageSpec(
    "pages/projects.py",
    N_("Projects"),
    ":material/list_alt:",
    "projects",
    (
        PageParam("project"),
        PageParam("sort", {code: label for code, (label, _) in PROJECT_SORTS.items()}),
    ),
)
EXCHANGES = PageSpec(
    "pages/exchanges.py",
    N_("City-to-City exchanges"),
    ":material/hub:",
    "exchanges",
    (PageParam("exchange"),),
)
DATA = PageSpec("pages/data.py", N_("Data"), ":material/database:", "data")

PAGES: tuple[PageSpec, ...] = (OVERVIEW, MAP, TIMELINE, PILLARS, PROJECTS, EXCHANGES, DATA)


def by_path(path: str) -> PageSpec | None:
    """The page served at a URL path ('' or 'overview' is the Overview)."""
    path = path.strip("/")
    return next((p for p in PAGES if p.path == path or (p.path == "" and path == "overview")), None)
