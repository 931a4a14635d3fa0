"""Command line: python -m etl {build,validate,template,reference}."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from etl import SCHEMA_VERSION
from etl.build import DEFAULT_SOURCE, build, load
from etl.problems import CatalogueError
from etl.reading import DEFAULT_SIZE_LIMIT_MB, MB, ROWS_LIMIT_ENV, SIZE_LIMIT_ENV, Limits
from etl.warehouse import NotAWarehouse, default_warehouse, schema_version


def _progress(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


def _cmd_build(args: argparse.Namespace) -> int:
    warehouse = args.warehouse or default_warehouse()
    if args.if_outdated:
        found = schema_version(warehouse)
        if found == SCHEMA_VERSION:
            print(f"The warehouse at {warehouse} is up to date (schema {found}).")
            return 0
        if found is not None:
            print(f"Rebuilding {warehouse}: schema {found}, this version needs {SCHEMA_VERSION}.")
    try:
        tables = build(
            args.source,
            warehouse,
            synthetic=args.synthetic,
            progress=_progress,
            source_name=args.source_name,
        )
    except CatalogueError as exc:
        if args.problems_csv:
            exc.report.write_csv(args.problems_csv)
        print(exc.report.render(), file=sys.stderr)
        print(f"\nThe warehouse at {warehouse} was left unchanged.", file=sys.stderr)
        return 1
    except NotAWarehouse as exc:
        print(f"Cannot build there: {exc}.", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug, not the user's input: say so, keep the warehouse
        import traceback

        log = Path(tempfile.gettempdir()) / "atlas-build-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        print(
            f"Internal error while building ({type(exc).__name__}: {exc}).\n"
            f"This is a bug in the ETL, not a problem in your catalogue; details in {log}.\n"
            f"The warehouse at {warehouse} was left unchanged.",
            file=sys.stderr,
        )
        return 2
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in tables.items())
    print(f"Built {warehouse}: {counts}")
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from etl.synth import synthesize

    out: Path = args.out
    if out.exists() and any(out.iterdir()) and not (out / "about.csv").is_file():
        print(f"{out} is not empty and holds no catalogue: choose another --out.", file=sys.stderr)
        return 1
    started = time.perf_counter()
    counts = synthesize(args.projects, out, seed=args.seed, progress=_progress)
    rows = ", ".join(f"{name} {n:,}" for name, n in counts.items())
    print(f"Wrote a synthetic catalogue to {out} in {time.perf_counter() - started:.1f} s: {rows}")
    largest = max(path.stat().st_size for path in out.glob("*.csv")) / MB
    limit = (
        f" --max-size-mb {int(largest) + 1}"
        if largest > Limits.from_env().max_file_bytes / MB
        else ""
    )
    print(f"Build it with: python -m etl build --source {out} --warehouse <DIR>{limit}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    catalogue, report = load(args.source)
    if args.problems_csv:
        report.write_csv(args.problems_csv)
    if not report.ok:
        print(report.render(written=False), file=sys.stderr)
        return 1
    print(
        f"{args.source}: valid — {len(catalogue.project_table)} projects, "
        f"{len(catalogue.locality_table)} localities, {len(catalogue.exchanges)} exchanges, "
        f"{len(catalogue.participants)} exchange participants, "
        f"{len(catalogue.figures)} reported figures."
    )
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from etl.template import write_template

    try:
        write_template(args.out, source=args.from_catalogue)
    except ValueError as exc:
        print(f"Cannot write the template: {exc}", file=sys.stderr)
        return 1
    filled = f", filled from {args.from_catalogue}" if args.from_catalogue else ""
    print(f"Wrote the catalogue template to {args.out}{filled}")
    return 0


def _cmd_reference(args: argparse.Namespace) -> int:
    from etl.reference import write_reference

    write_reference(args.out)
    print(f"Wrote reference data to {args.out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate the catalogue and (re)build the warehouse")
    b.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="CSV directory or .xlsx")
    b.add_argument(
        "--warehouse", type=Path, default=None, help="default: $ATLAS_WAREHOUSE or data/warehouse"
    )
    b.add_argument(
        "--source-name",
        default=None,
        help="what meta records as the source (default: the --source path), e.g. the "
        "name a file had when it was uploaded",
    )
    b.add_argument(
        "--synthetic", action="store_true", help="mark the warehouse as built from synthetic data"
    )
    b.add_argument(
        "--if-outdated",
        action="store_true",
        help="do nothing when the warehouse exists and has this version's schema",
    )
    b.set_defaults(func=_cmd_build)
    s = sub.add_parser(
        "synth", help="write a generated inventory in the template format (benchmarks)"
    )
    s.add_argument("projects", type=int, help="how many projects, e.g. 1000000")
    s.add_argument("--out", type=Path, required=True, help="directory for the CSV files")
    s.add_argument("--seed", type=int, default=1, help="the same seed gives the same files")
    s.set_defaults(func=_cmd_synth)
    v = sub.add_parser("validate", help="report every problem in a catalogue; write nothing")
    v.add_argument("source", type=Path, nargs="?", default=DEFAULT_SOURCE)
    v.set_defaults(func=_cmd_validate)
    for command in (b, v):
        command.add_argument(
            "--max-rows",
            type=int,
            default=None,
            help=f"most rows a sheet may hold (default ${ROWS_LIMIT_ENV}, else no limit)",
        )
        command.add_argument(
            "--problems-csv",
            type=Path,
            default=None,
            help="also write every problem found to this CSV file (file, sheet, row, "
            "column, value, problem, suggestion)",
        )
        command.add_argument(
            "--max-size-mb",
            type=float,
            default=None,
            help=f"largest catalogue file accepted (default ${SIZE_LIMIT_ENV} or "
            f"{DEFAULT_SIZE_LIMIT_MB})",
        )
    t = sub.add_parser("template", help="write an empty catalogue workbook (.xlsx)")
    t.add_argument("out", type=Path)
    t.add_argument(
        "--from",
        dest="from_catalogue",
        type=Path,
        default=None,
        help="fill the template with this CSV catalogue directory",
    )
    t.set_defaults(func=_cmd_template)
    r = sub.add_parser("reference", help="regenerate data/reference from maintained sources")
    r.add_argument("--out", type=Path, default=Path("data/reference"))
    r.set_defaults(func=_cmd_reference)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "max_size_mb", None) is not None:
        os.environ[SIZE_LIMIT_ENV] = str(args.max_size_mb)  # read by Limits.from_env
    if getattr(args, "max_rows", None) is not None:
        os.environ[ROWS_LIMIT_ENV] = str(args.max_rows)
    return args.func(args)
