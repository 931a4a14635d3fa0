"""Stories for forums: a sequence of views (page, filters and options), each with a
title and a caption its author wrote, played in presentation mode.

A story is a small JSON file (`FORMAT`), downloaded and uploaded as it is:

    {"format": "atlas-story/1", "title": "…",
     "steps": [{"page": "timeline", "params": {"region": ["africa"], "measure": ["starting"]},
                "title": "…", "caption": "…"}]}

`params` are the view's URL parameters (codes, the same in every language): a step is a
link. Stories shipped in data/stories/ open from a link (`?story=<file stem>&step=2`);
any other story travels in its link (`?story_data=…`: its JSON, compressed and
base64url-encoded, `link_data()`), as long as that stays under `MAX_LINK_CHARS`. Every
step of a story being played has its own URL.

Story text is data: read with limits (`MAX_BYTES`, `MAX_STEPS`, lengths), shown inert.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from dashboard.i18n import _, number
from dashboard.links import unknown_params
from dashboard.pages import APP_PARAMS, PAGES, by_path

FORMAT = "atlas-story/1"
STORIES_DIR = Path(__file__).resolve().parent.parent / "data" / "stories"
MAX_BYTES = 256 * 1024
MAX_STEPS = 50
MAX_TITLE = 200
MAX_CAPTION = 1000
# A story in its link: about 25 steps with short captions. Longer links break in mail
# clients and chat tools; a longer story is shared as its file.
MAX_LINK_CHARS = 8000
# Not part of a step: the app-wide parameters (language, presentation, the story's own)
_NOT_A_VIEW = {p.key for p in APP_PARAMS}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


class StoryError(ValueError):
    """A story file that cannot be read; the message says what and how to fix it."""


@dataclass(frozen=True)
class Step:
    page: str  # a page's URL path ('' for the Overview)
    params: dict[str, list[str]] = field(default_factory=dict)
    title: str = ""
    caption: str = ""

    def query(self, **extra: str) -> str:
        pairs = [(k, v) for k, values in self.params.items() for v in values]
        pairs += [(k, v) for k, v in extra.items() if v not in (None, "")]
        return urlencode(pairs)

    def url(self, base: str, **extra: str) -> str:
        query = self.query(**extra)
        return f"{base.rstrip('/')}/{self.page}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Story:
    title: str
    steps: tuple[Step, ...] = ()

    def with_step(self, step: Step) -> Story:
        if len(self.steps) >= MAX_STEPS:
            raise StoryError(f"a story holds at most {MAX_STEPS} steps")
        return Story(self.title, (*self.steps, step))

    def without(self, index: int) -> Story:
        return Story(self.title, tuple(s for i, s in enumerate(self.steps) if i != index))

    def moved(self, index: int, by: int) -> Story:
        """Step `index` moved `by` places (-1: earlier); unchanged at either end."""
        target = index + by
        if not (0 <= index < len(self.steps) and 0 <= target < len(self.steps)):
            return self
        steps = list(self.steps)
        steps[index], steps[target] = steps[target], steps[index]
        return Story(self.title, tuple(steps))

    def renamed(self, title: str) -> Story:
        return Story(_text(title, "title", MAX_TITLE), self.steps)


def view_params(params: dict[str, list[str]]) -> dict[str, list[str]]:
    """A URL's parameters that make the view (filters and the page's options)."""
    return {k: list(v) for k, v in params.items() if k not in _NOT_A_VIEW and v}


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise StoryError(f"{what} must be text")
    value = " ".join(value.split()) if what == "title" else value.strip()
    if len(value) > limit:
        raise StoryError(f"{what} is {len(value):,} characters; at most {limit:,}")
    return value


def _step(raw: object, number: int) -> Step:
    where = f"step {number}"
    if not isinstance(raw, dict):
        raise StoryError(f"{where} must be an object with page, params, title and caption")
    page = raw.get("page", "")
    spec = by_path(page) if isinstance(page, str) else None
    if spec is None:
        known = ", ".join(p.path or "overview" for p in PAGES)
        raise StoryError(f"{where}: unknown page {page!r}; use one of: {known}")
    params = raw.get("params") or {}
    if not isinstance(params, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for k, v in params.items()
    ):
        raise StoryError(
            f'{where}: params must map names to lists of text, e.g. {{"region": ["africa"]}}'
        )
    params = view_params(params)
    unknown = unknown_params(params, spec)
    if unknown:
        raise StoryError(
            f"{where}: the {spec.path or 'overview'} page has no parameter {unknown[0]!r}"
        )
    return Step(
        page=spec.path,
        params=params,
        title=_text(raw.get("title", ""), f"{where}'s title", MAX_TITLE),
        caption=_text(raw.get("caption", ""), f"{where}'s caption", MAX_CAPTION),
    )


def loads(data: bytes | str) -> Story:
    """A story from its JSON file; StoryError says what is wrong."""
    if len(data) > MAX_BYTES:
        raise StoryError(f"the file is over {MAX_BYTES // 1024} KB: a story is a small file")
    try:
        raw = json.loads(data)
    except RecursionError as exc:  # "[[[[…": a few hundred bytes that exhaust the parser
        raise StoryError(_("not a story: its JSON is nested too deeply")) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise StoryError(f"not a JSON file ({exc})") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise StoryError(f'not an atlas story: the file must say "format": "{FORMAT}"')
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise StoryError("the story has no steps")
    if len(steps) > MAX_STEPS:
        raise StoryError(f"the story has {len(steps)} steps; at most {MAX_STEPS}")
    return Story(
        title=_text(raw.get("title", ""), "title", MAX_TITLE),
        steps=tuple(_step(s, i) for i, s in enumerate(steps, start=1)),
    )


def _as_file(story: Story) -> dict:
    return {"format": FORMAT, "title": story.title, "steps": [asdict(s) for s in story.steps]}


def dumps(story: Story) -> str:
    return json.dumps(_as_file(story), ensure_ascii=False, indent=1)


def link_data(story: Story) -> str:
    """The story as a URL parameter's value (`?story_data=`); StoryError when too long."""
    compact = json.dumps(_as_file(story), ensure_ascii=False, separators=(",", ":"))
    packed = zlib.compress(compact.encode("utf-8"), 9)
    text = base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")
    if len(text) > MAX_LINK_CHARS:
        raise StoryError(
            f"the story is too long for a link ({len(text):,} characters; at most "
            f"{MAX_LINK_CHARS:,}): share its file instead"
        )
    return text


_LINK_DATA = re.compile(r"^[A-Za-z0-9_-]+$")


def from_link_data(text: str) -> Story:
    """The story a link carries (`link_data()`); StoryError says what is wrong. A link is
    text anyone can write: it is read with the file's limits, and never inflated past
    them (a small link must not unpack into a huge story)."""
    if len(text) > MAX_LINK_CHARS:
        raise StoryError(
            _("the link's story is over {n} characters").format(n=number(MAX_LINK_CHARS))
        )
    damaged = _("the link's story is damaged (it was cut or changed): ask for it again")
    if not _LINK_DATA.match(text):
        raise StoryError(damaged)
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        unpacker = zlib.decompressobj()
        data = unpacker.decompress(packed, MAX_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise StoryError(damaged) from exc
    if len(data) > MAX_BYTES or unpacker.unconsumed_tail:
        raise StoryError(_("the link's story is over {n} KB").format(n=MAX_BYTES // 1024))
    if not unpacker.eof:
        raise StoryError(_("the link's story is cut short: copy the whole link"))
    return loads(data)


def shipped() -> dict[str, Story]:
    """The stories in data/stories/, by file stem (the `?story=` of their links)."""
    found = {}
    for path in sorted(STORIES_DIR.glob("*.json")):
        if _NAME.match(path.stem):
            found[path.stem] = loads(path.read_bytes())
    return found


def shipped_story(name: str | None) -> Story | None:
    if not name or not _NAME.match(name):
        return None
    path = STORIES_DIR / f"{name}.json"
    return loads(path.read_bytes()) if path.is_file() else None
