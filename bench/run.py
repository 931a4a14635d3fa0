"""Benchmarks, run by hand (`make bench`) and recorded in bench/RESULTS.md.

1. ETL: build time for the curated catalogue and for a synthetic inventory of N
   projects (generated here, never committed; the warehouse says synthetic=true).
2. Dashboard: time to run every page's queries for a filter change, cold (no cache)
   — what a user waits for after changing a filter — on both warehouses.

Usage: python bench/run.py [--projects 5000]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import queries  # noqa: E402
from dashboard.db import WarehouseVersion  # noqa: E402
from dashboard.filters import Filters  # noqa: E402
from etl.build import build  # noqa: E402
from etl.vocab import PILLARS  # noqa: E402

COUNTRIES = ["Brazil", "Morocco", "Philippines", "Kenya", "Chile", "Türkiye", "Indonesia",
             "Mozambique", "Lebanon", "Kyrgyzstan", "Sénégal", "México", "Viet Nam",
             "Egypt"]  # fmt: skip
TOPICS = ["child labour", "informal economy", "youth employment", "local economic development",
          "social dialogue", "green jobs", "tourism", "cooperatives"]  # fmt: skip


def synthetic_catalogue(directory: Path, n: int, seed: int = 7) -> Path:
    """A catalogue of n generated projects with localities (benchmark only)."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "projects.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["project_id", "title", "countries", "start_year", "end_year", "pillar",
                    "topics", "beneficiary_groups", "beneficiaries_count", "partners",
                    "summary", "source_ref"])  # fmt: skip
        for i in range(n):
            start = rng.randint(1995, 2020)
            end = "ongoing" if rng.random() < 0.1 else str(start + rng.randint(0, 6))
            groups = rng.sample(["youth", "women", "children", "farmers"], 2)
            w.writerow([
                f"syn-{i}", f"Synthetic project {i}",
                "; ".join(rng.sample(COUNTRIES, rng.randint(1, 3))), start, end,
                rng.choice(list(PILLARS)), "; ".join(rng.sample(TOPICS, 3)), "; ".join(groups),
                f"{groups[0]}: {rng.randint(10, 10000)}", "UN-Habitat [un_agency]",
                "Generated for benchmarks.", "synthetic",
            ])  # fmt: skip
    with (directory / "about.csv").open("w", newline="", encoding="utf-8") as f:
        f.write("key,value\nsource,SYNTHETIC benchmark data\nas_of_year,2020\n")
    return directory


def page_queries(v: WarehouseVersion, f: Filters) -> None:
    for name in ("projects", "project_countries", "localities", "active_years", "spans",
                 "pillar_region", "exchanges", "participants", "documented_counts",
                 "beneficiary_counts"):  # fmt: skip
        getattr(queries, name)(v, f)
    for facet in ("topic", "group", "partner"):
        queries.facet_counts(v, f, facet)


def time_it(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def version_of(warehouse: Path) -> WarehouseVersion:
    stat = (warehouse / "atlas.duckdb").stat()
    return WarehouseVersion(str(warehouse / "atlas.duckdb"), stat.st_mtime_ns, stat.st_size)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        build(ROOT / "data" / "catalogue", tmp / "wh-real", progress=lambda m: None)
        print(f"ETL build, curated catalogue: {time.perf_counter() - t:.2f} s")
        synthetic = synthetic_catalogue(tmp / "syn", args.projects)
        t = time.perf_counter()
        build(synthetic, tmp / "wh-syn", synthetic=True, progress=lambda m: None)
        print(f"ETL build, {args.projects} synthetic projects: {time.perf_counter() - t:.2f} s")
        for label, wh in (("curated", tmp / "wh-real"), ("synthetic", tmp / "wh-syn")):
            v = version_of(wh)
            for name, f in (("no filter", Filters()), ("region+years+search", Filters(
                region=("Africa",), years=(2005, 2012), q="project")),):  # fmt: skip
                seconds = time_it(lambda v=v, f=f: page_queries(v, f))
                print(f"All page queries, {label}, {name}: {seconds * 1000:.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
