"""Country names in English, French or Spanish (accents optional) or ISO3 → ISO3.

Matching uses maintained data only: ISO 3166 names and their French and Spanish
translations from pycountry, and the name patterns of country_converter's table
(read directly: its converter class does not run under pandas 3).
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from pathlib import Path

import pandas as pd

from etl.normalise import BadValue, fold, suggest

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"


@cache
def _coco_table() -> pd.DataFrame:
    import country_converter

    path = Path(country_converter.__file__).parent / "country_data.tsv"
    return pd.read_csv(path, sep="\t", encoding="utf-8", keep_default_na=False, dtype=str)


@cache
def country_table() -> pd.DataFrame:
    """iso3 → display name and ILO region (data/reference/country_regions.csv)."""
    table = pd.read_csv(
        REFERENCE_DIR / "country_regions.csv", keep_default_na=False, dtype=str, encoding="utf-8"
    )
    return table.set_index("iso3")


@cache
def iso_translations() -> tuple[gettext.NullTranslations, ...]:
    """pycountry's French and Spanish translations of ISO country names."""
    import pycountry

    return tuple(
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in ("fr", "es")
    )


@cache
def _aliases() -> dict[str, str]:
    """Folded name → ISO3, from ISO names and their fr/es translations."""
    import pycountry

    translations = iso_translations()
    countries = list(pycountry.countries)

    def names_of(country) -> list[str]:
        names = [country.name, getattr(country, "official_name", None)]
        names.append(getattr(country, "common_name", None))
        return [n for n in names if n]

    aliases: dict[str, str] = {}
    # Highest priority first: English ISO names, then maintained short names, then
    # translations, then the part before a comma ("Bolivia, Plurinational State of")
    # only where it names a single country ("Congo" stays the Republic of the Congo).
    for country in countries:
        for name in names_of(country):
            aliases.setdefault(fold(name), country.alpha_3)
    table = _coco_table()
    for short, official, iso3 in zip(
        table.name_short, table.name_official, table.ISO3, strict=False
    ):
        if iso3:
            aliases.setdefault(fold(short), iso3)
            aliases.setdefault(fold(official), iso3)
    for iso3, row in country_table().iterrows():
        aliases.setdefault(fold(row["country"]), iso3)
    for t in translations:
        for country in countries:
            for name in names_of(country):
                aliases.setdefault(fold(t.gettext(name)), country.alpha_3)
    prefixes: dict[str, set[str]] = {}
    for country in countries:
        for name in names_of(country):
            if "," in name:
                prefixes.setdefault(fold(name.split(",")[0]), set()).add(country.alpha_3)
    for key, codes in prefixes.items():
        if len(codes) == 1:
            aliases.setdefault(key, codes.pop())
    return aliases


@cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    table = _coco_table()
    current = table[table.obsolete.eq("") | table.obsolete.isna()]
    return [
        (re.compile(r, re.IGNORECASE), i)
        for r, i in zip(current.regex, current.ISO3, strict=False)
        if r
    ]


@cache
def resolve_country(text: str) -> str:
    """ISO3 for a country name or code; BadValue with a suggestion otherwise."""
    raw = " ".join((text or "").split())
    if not raw:
        raise BadValue("country is empty")
    known = country_table()
    if re.fullmatch(r"[A-Za-z]{3}", raw) and raw.upper() in known.index:
        return raw.upper()
    key = fold(raw)
    aliases = _aliases()
    if key in aliases:
        return aliases[key]
    matches = {iso3 for pattern, iso3 in _patterns() if pattern.search(raw)}
    if len(matches) == 1:
        return matches.pop()
    if len(matches) > 1:
        names = ", ".join(sorted(known.loc[m, "country"] for m in matches if m in known.index))
        raise BadValue("ambiguous country name", f"could be: {names}; use the ISO3 code")
    hint = suggest(raw, list(aliases), cutoff=0.8)
    if hint:
        iso3 = aliases[fold(hint)]
        name = known.loc[iso3, "country"] if iso3 in known.index else iso3
        raise BadValue("unknown country", f"did you mean {name} ({iso3})?")
    raise BadValue(
        "unknown country", "use an English, French or Spanish country name or an ISO3 code"
    )


@cache
def _names_and_regions() -> tuple[dict[str, str], dict[str, str | None]]:
    """iso3 → display name, iso3 → ILO region, as dicts (looked up per record)."""
    table = country_table()
    names = dict(zip(table.index, table["country"], strict=True))
    regions = {
        iso3: region or None for iso3, region in zip(table.index, table["region"], strict=True)
    }
    return names, regions


def country_name(iso3: str) -> str:
    return _names_and_regions()[0].get(iso3, iso3)


def country_region(iso3: str) -> str | None:
    return _names_and_regions()[1].get(iso3)
