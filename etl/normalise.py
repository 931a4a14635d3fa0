"""Pure parsers for catalogue cells. Each returns the clean value or raises BadValue.

They know nothing of files or rows; the validator adds the location.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from etl import vocab

YEAR_MIN, YEAR_MAX = 1900, 2100
ONGOING_WORDS = {"ongoing", "on-going", "onward", "onwards", "present", "en cours", "en curso"}


class BadValue(ValueError):
    """A cell value that cannot be used; `suggestion` says how to fix it."""

    def __init__(self, message: str, suggestion: str | None = None):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for matching names (cached: the
    same names and labels recur across a large inventory)."""
    decomposed = unicodedata.normalize("NFKD", text)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = no_accents.casefold().replace("&", " and ")
    lowered = re.sub(r"['’`´.]", "", lowered)
    return re.sub(r"[^0-9a-z]+", " ", lowered).strip()


def slug(text: str) -> str:
    """A stable code for free text in links: 'Child labour' → 'child-labour'. Spellings
    with one slug are one value in the warehouse (`etl.transform.one_spelling`)."""
    return fold(text).replace(" ", "-") or "-"


def suggest(value: str, choices, cutoff: float = 0.75) -> str | None:
    """The closest choice to `value`, if any is close enough to be a likely typo."""
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(fold(choice), choice)
    match = difflib.get_close_matches(fold(value), list(by_key), n=1, cutoff=cutoff)
    return by_key[match[0]] if match else None


_SEPARATORS = re.compile(r"[;\n\r]+")


def split_multi(cell: str) -> list[str]:
    """Split a multi-value cell on ';' (or line breaks); trim; drop empties and repeats."""
    cell = cell or ""
    if ";" not in cell and "\n" not in cell and "\r" not in cell:  # one value
        item = " ".join(cell.split())
        return [item] if item else []
    return list(_split_multi(cell))


@lru_cache(maxsize=1 << 14)
def _split_multi(cell: str) -> tuple[str, ...]:
    seen: set[str] = set()
    values = []
    for part in _SEPARATORS.split(cell or ""):
        item = " ".join(part.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            values.append(item)
    return tuple(values)


def parse_year(cell: str) -> int | None:
    """A four-digit year (Excel may give '2012.0'); empty means not reported."""
    text = (cell or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})(?:\.0+)?", text)
    if not match:
        raise BadValue("not a year", "write a four-digit year such as 2012, or leave it empty")
    year = int(match.group(1))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise BadValue(f"year outside {YEAR_MIN}-{YEAR_MAX}", "check for a typo")
    return year


def parse_end_year(cell: str) -> tuple[int | None, bool]:
    """End year or 'ongoing' → (year, ongoing)."""
    text = (cell or "").strip()
    if text.casefold() in ONGOING_WORDS:
        return None, True
    try:
        return parse_year(text), False
    except BadValue as exc:
        raise BadValue(
            "not a year or 'ongoing'", "write a four-digit year, 'ongoing', or leave it empty"
        ) from exc


@dataclass(frozen=True)
class Phase:
    label: str | None
    start_year: int
    end_year: int | None  # None and not ongoing: the source does not state the end
    ongoing: bool


_PHASE = re.compile(
    r"^(?:(?P<label>[^:]+):\s*)?(?P<start>\d{4})"
    r"(?:\s*[-–—]\s*(?P<end>\d{4}|ongoing|onward|onwards|\?|unknown|not stated))?$",
    re.IGNORECASE,
)
# A phase whose start the source gives but not its end ("initial phase 2000"): `2000-?`
OPEN_END_WORDS = {"?", "unknown", "not stated"}


def parse_phases(cell: str) -> list[Phase]:
    """'Phase 1: 1997-2003; Phase 2: 2006-2008' → phases in order. A phase is a span
    (`1997-2003`), one year (`2012`), ongoing (`2006-ongoing`), or a start whose end the
    source does not state (`2000-?`: end_year None and not ongoing)."""
    phases = []
    for part in split_multi(cell):
        match = _PHASE.match(part)
        if not match:
            raise BadValue(
                f"cannot read phase {part!r}",
                "write phases as 'label: 1997-2003; label: 2006-ongoing' "
                "('label: 2000-?' when the source gives only the start)",
            )
        start = parse_year(match.group("start"))
        end_text = match.group("end")
        ongoing = bool(end_text) and end_text.casefold() in ONGOING_WORDS
        open_end = bool(end_text) and end_text.casefold() in OPEN_END_WORDS
        end = start if end_text is None else (None if ongoing or open_end else parse_year(end_text))
        if end is not None and end < start:
            raise BadValue(f"phase {part!r} ends before it starts")
        label = match.group("label").strip() if match.group("label") else None
        if phases and (phases[-1].ongoing or start < phases[-1].start_year):
            raise BadValue(
                "phases must be in chronological order, and only the last may be ongoing",
                "list the phases from first to last",
            )
        phases.append(Phase(label, start, end, ongoing))
    return phases


def parse_pillar(cell: str) -> str:
    """Pillar code or label in any case → code."""
    key = fold(cell or "")
    if not key:
        raise BadValue("pillar is required", "one of: " + ", ".join(vocab.PILLARS))
    for code, label in vocab.PILLARS.items():
        if key in (fold(code), fold(label)):
            return code
    if key in vocab.PILLAR_ALIASES:
        return vocab.PILLAR_ALIASES[key]
    options = list(vocab.PILLARS) + list(vocab.PILLARS.values())
    hint = suggest(cell, options, cutoff=0.6)
    code = next((c for c, lab in vocab.PILLARS.items() if hint in (c, lab)), None)
    raise BadValue(
        "unknown pillar",
        f"did you mean '{code}'?" if code else "use one of: " + ", ".join(vocab.PILLARS),
    )


def parse_choice(cell: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
    """A value from a closed list, case-insensitive; empty → default."""
    text = (cell or "").strip()
    if not text:
        return default
    key = fold(text).replace(" ", "_")
    for choice in choices:
        if key == choice.casefold():
            return choice
    hint = suggest(text, choices, cutoff=0.6)
    raise BadValue(
        "not an allowed value",
        f"did you mean '{hint}'?" if hint else "use one of: " + ", ".join(choices),
    )


def parse_region(cell: str) -> str | None:
    """An ILO region by name, or by the wording the publication uses ('Asia', 'LAC')."""
    text = (cell or "").strip()
    if not text:
        return None
    for region in vocab.ILO_REGIONS:
        if fold(text) == fold(region):
            return region
    if fold(text) in vocab.REGION_ALIASES:
        return vocab.REGION_ALIASES[fold(text)]
    if fold(text) in vocab.REGION_HINTS:
        raise BadValue("not an ILO region", vocab.REGION_HINTS[fold(text)])
    hint = suggest(text, vocab.ILO_REGIONS, cutoff=0.5)
    raise BadValue(
        "not an ILO region",
        f"did you mean '{hint}'?" if hint else "use one of: " + "; ".join(vocab.ILO_REGIONS),
    )


MAX_COUNT = 10**12
COUNT_QUALIFIERS = {
    "about": "about",
    "approx": "about",
    "approximately": "about",
    "around": "about",
    "~": "about",
    "at least": "at_least",
    "more than": "more_than",
    "over": "more_than",
    "up to": "up_to",
    "target": "target",
    "target at least": "target_at_least",  # "sought to reach at least 10,000"
}


_COUNT_SPACES = re.compile(r"[\s\u00a0\u202f]")
_POINT_ZERO = re.compile(r"\.0+$")


def _grouped_thousands(text: str) -> bool:
    """'1,234', '1.234.567' (digits in groups of three after the first one to three)."""
    if "," not in text and "." not in text:
        return False
    groups = text.replace(".", ",").split(",")
    return (
        len(groups) > 1
        and 1 <= len(groups[0]) <= 3
        and all(g.isdecimal() for g in groups)
        and all(len(g) == 3 for g in groups[1:])
    )


def parse_count(text: str) -> int:
    """'10,000', '10 000', '10.000' or '10000' → 10000."""
    raw = (text or "").strip()
    compact = raw if raw.isdecimal() else _COUNT_SPACES.sub("", raw)
    if _grouped_thousands(compact):
        compact = compact.replace(".", "").replace(",", "")
    if "." in compact:
        compact = _POINT_ZERO.sub("", compact)
    if not compact.isdecimal():  # what the regex \d+ accepts: Unicode decimal digits
        raise BadValue(f"{raw!r} is not a whole number", "write digits only, e.g. 10000")
    if len(compact) > 13 or int(compact) > MAX_COUNT:
        raise BadValue(f"{raw!r} is too large to be a count", "check for a typo")
    return int(compact)


_LONGEST_QUALIFIER_FIRST = sorted(COUNT_QUALIFIERS.items(), key=lambda kv: -len(kv[0]))
_QUALIFIER_WORDS = tuple(COUNT_QUALIFIERS)


def parse_qualified_count(text: str) -> tuple[int, str | None]:
    """'about 130000000', 'at least 8', 'target 10000' → (number, qualifier)."""
    raw = " ".join((text or "").split())
    lowered = raw.casefold()
    if lowered.startswith(_QUALIFIER_WORDS):
        for words, qualifier in _LONGEST_QUALIFIER_FIRST:
            if lowered.startswith(words):
                return parse_count(raw[len(words) :].strip(" .")), qualifier
    return parse_count(raw), None


@dataclass(frozen=True)
class Count:
    label: str
    value: int
    qualifier: str | None  # about | at_least | more_than | up_to | target | target_at_least


# One plainly written count, 'local authorities: 308,946' or 'youth: at least 5': read
# by one regular expression (most cells of a large inventory look like this); anything
# else takes the general path. tests/test_normalise.py holds both to the same results.
_ONE_COUNT = re.compile(
    r"([^:;\s]+(?: [^:;\s]+)*): ?(?:("
    + "|".join(re.escape(w) for w in sorted(COUNT_QUALIFIERS, key=len, reverse=True) if w != "~")
    + r") )?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,13})"
)


def parse_counts(cell: str, groups: list[str]) -> list[Count]:
    """'youth: target 10000; municipalities: 41' → Count pairs with their qualifiers."""
    match = _ONE_COUNT.fullmatch(cell) if cell else None
    if match:
        label, qualifier, number = match.groups()
        value = int(number.replace(",", ""))
        if value <= MAX_COUNT:
            return [Count(label, value, COUNT_QUALIFIERS[qualifier] if qualifier else None)]
    return _parse_counts(cell, groups)


def _parse_counts(cell: str, groups: list[str]) -> list[Count]:
    counts: list[Count] = []
    for part in split_multi(cell):
        if ":" in part:
            label, _, number = part.rpartition(":")
            label = " ".join(label.split())
            if not label:
                raise BadValue(f"{part!r} has no label", "write 'label: number'")
        elif len(groups) == 1:
            label, number = groups[0], part
        else:
            raise BadValue(
                f"{part!r} has no label",
                "write 'group: number' pairs, e.g. 'youth: 10000'"
                + ("" if groups else ", or fill beneficiary_groups"),
            )
        value, qualifier = parse_qualified_count(number)
        counts.append(Count(label, value, qualifier))
    labels = [fold(c.label) for c in counts]
    if len(set(labels)) != len(labels):
        raise BadValue("the same label is counted twice")
    return counts


def parse_partner(item: str) -> tuple[str, str | None]:
    """'UN-Habitat [un_agency]' → ('UN-Habitat', 'un_agency')."""
    match = re.fullmatch(r"(?P<name>.+?)\s*\[(?P<kind>[^\]]*)\]\s*", item)
    if not match:
        if "[" in item or "]" in item:
            raise BadValue(f"cannot read partner {item!r}", "write 'Name [type]'")
        return item.strip(), None
    kind = parse_choice(match.group("kind"), vocab.PARTNER_TYPES)
    return match.group("name").strip(), kind


def parse_coordinate(cell: str, limit: float) -> float | None:
    """Decimal degrees; a decimal comma (Excel in many locales) is accepted."""
    text = (cell or "").strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError as exc:
        raise BadValue("not a number", "write decimal degrees, e.g. -25.96553") from exc
    if not -limit <= value <= limit:
        raise BadValue(f"outside -{limit:g}..{limit:g}", "check latitude/longitude are not swapped")
    return value


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the source gives it: first day of its period + precision."""

    first_day: date
    last_day: date
    precision: str  # 'year' | 'month' | 'day'
    text: str


def parse_partial_date(cell: str) -> PartialDate | None:
    """'2015', '2015-01' or '2015-01-28' (Excel dates arrive as '2015-01-28')."""
    import calendar

    text = (cell or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        raise BadValue("not a date", "write YYYY, YYYY-MM or YYYY-MM-DD")
    year = parse_year(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return PartialDate(date(year, 1, 1), date(year, 12, 31), "year", text)
        last = calendar.monthrange(year, month)[1]
        if day is None:
            return PartialDate(date(year, month, 1), date(year, month, last), "month", text)
        exact = date(year, month, day)
        return PartialDate(exact, exact, "day", text)
    except ValueError as exc:
        raise BadValue(f"no such date ({exc})", "write YYYY, YYYY-MM or YYYY-MM-DD") from exc


def parse_number(cell: str) -> float:
    text = (cell or "").strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError as exc:
        raise BadValue("not a number") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise BadValue("not a number")
    return value


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def parse_slug(cell: str) -> str:
    text = (cell or "").strip()
    if not _SLUG.fullmatch(text):
        fixed = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
        raise BadValue(
            "not a valid id (lowercase letters, digits and '-')",
            f"e.g. '{fixed}'" if fixed else None,
        )
    return text


def parse_http_url(cell: str) -> str | None:
    """A link the source cites: an absolute http(s) URL, or None when empty.

    Anything else (`javascript:`, `data:`, a bare domain, spaces, quotes) is refused:
    the app turns this value into a clickable link.
    """
    text = (cell or "").strip()
    if not text:
        return None
    bad = next((ch for ch in text if ch in "\r\n\t\x00 <>\"'`" or ord(ch) < 32), None)
    if bad is not None:
        raise BadValue(
            f"a link cannot contain {'a space' if bad == ' ' else repr(bad)}",
            "write spaces as %20 and remove quotes or angle brackets",
        )
    scheme, _, rest = text.partition(":")
    if scheme.lower() not in ("http", "https") or not rest.startswith("//") or len(rest) < 3:
        if "://" not in text and "." in text.split("/")[0] and ":" not in text:
            raise BadValue("not a full web address", f"write it as 'https://{text}'")
        raise BadValue(
            "not a web link: source_url must start with http:// or https://",
            "give the web address of the source, or leave the cell empty",
        )
    return text
