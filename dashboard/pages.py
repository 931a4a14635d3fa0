"""The app's pages: file, title, icon and URL path — one list, used by the navigation
and by every link between pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    path: str  # URL path; "" for the default page (served at "/")


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", ""),
    PageSpec("pages/map.py", "Map", ":material/public:", "map"),
    PageSpec("pages/timeline.py", "Timeline", ":material/timeline:", "timeline"),
    PageSpec("pages/pillars.py", "Pillars", ":material/view_column:", "pillars"),
    PageSpec("pages/projects.py", "Projects", ":material/list_alt:", "projects"),
    PageSpec("pages/exchanges.py", "City-to-City exchanges", ":material/hub:", "exchanges"),
    PageSpec("pages/data.py", "Data", ":material/database:", "data"),
)
BY_TITLE = {p.title: p for p in PAGES}


def path_of(title: str) -> str:
    return BY_TITLE[title].path
