"""The app's pages: file, title, icon and URL path — one list, used by the navigation
(app.py) and by every link between pages (`pages.PROJECTS.path`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    path: str  # URL path; "" for the default page (served at "/")


OVERVIEW = PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "")
MAP = PageSpec("pages/map.py", "Map", ":material/public:", "map")
TIMELINE = PageSpec("pages/timeline.py", "Timeline", ":material/timeline:", "timeline")
PILLARS = PageSpec("pages/pillars.py", "Pillars", ":material/view_column:", "pillars")
PROJECTS = PageSpec("pages/projects.py", "Projects", ":material/list_alt:", "projects")
EXCHANGES = PageSpec("pages/exchanges.py", "City-to-City exchanges", ":material/hub:", "exchanges")
DATA = PageSpec("pages/data.py", "Data", ":material/database:", "data")

PAGES: tuple[PageSpec, ...] = (OVERVIEW, MAP, TIMELINE, PILLARS, PROJECTS, EXCHANGES, DATA)
