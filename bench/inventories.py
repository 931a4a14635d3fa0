"""Generated inventories and warehouses for the benchmarks, cached between runs, and the
ETL measured against DuckDB's raw CSV read of the same files.

A 1M inventory takes about a minute and 400 MB to generate, so each is kept under the
cache directory, keyed by size, seed and a digest of etl/synth.py (a changed generator
makes a new one). Builds and raw reads run in child processes so that each one's peak
memory is its own (`os.wait4` gives the rusage of exactly that child).

`python -m bench.inventories count-csv DIR` is the raw read: what a child runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = ROOT / "bench" / ".cache"
MAX_SIZE_MB = 1000  # a 1M inventory is ~400 MB of CSV, over the ETL's default 50 MB limit


READ_SECONDS = "read seconds: "


@dataclass(frozen=True)
class ChildRun:
    """What one child process cost: wall time, CPU time and peak resident memory."""

    wall_s: float
    cpu_s: float
    peak_mb: float
    output: str

    def reported_seconds(self) -> float | None:
        """The time the child measured itself (the raw read, without Python's start-up)."""
        lines = [line for line in self.output.splitlines() if line.startswith(READ_SECONDS)]
        return float(lines[-1].removeprefix(READ_SECONDS)) if lines else None


def run_child(args: list[str]) -> ChildRun:
    """Run a command and return its cost; raise with its output when it fails."""
    started = time.perf_counter()
    with subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        output = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage, not all children's
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{output[-3000:]}")
    return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def _synth_digest() -> str:
    return hashlib.sha256((ROOT / "etl" / "synth.py").read_bytes()).hexdigest()[:8]


def inventory(projects: int, seed: int, cache: Path) -> Path:
    """A generated catalogue of `projects` projects (CSV files), generated once per key."""
    out = cache / f"synth-{projects}-seed{seed}-{_synth_digest()}"
    if (out / "about.csv").is_file():
        return out
    for kind in ("synth", "warehouse"):  # made by an older generator: never read again
        for stale in cache.glob(f"{kind}-{projects}-seed{seed}-*"):
            shutil.rmtree(stale)
        for lock in cache.glob(f".{kind}-{projects}-seed{seed}-*.lock"):  # the build's
            lock.unlink()
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    print(f"  generating {projects:,} projects (seed {seed}) in {out} …", file=sys.stderr)
    command = ["-m", "etl", "synth", str(projects), "--out", str(partial), "--seed", str(seed)]
    run_child([sys.executable, *command])
    partial.rename(out)  # only a complete inventory gets the cache's name
    return out


def warehouse_for(source: Path) -> Path:
    """Where the warehouse built from an inventory lives (next to it in the cache)."""
    return source.with_name(source.name.replace("synth-", "warehouse-", 1))


def build(source: Path, warehouse: Path) -> ChildRun:
    """`python -m etl build` of the inventory, as a user runs it."""
    command = ["-m", "etl", "build", "--source", str(source), "--warehouse", str(warehouse)]
    return run_child([sys.executable, *command, "--max-size-mb", str(MAX_SIZE_MB)])


def raw_csv_read(source: Path) -> ChildRun:
    """DuckDB reading every CSV of the inventory (`count(*)` of read_csv): the floor."""
    return run_child([sys.executable, "-m", "bench.inventories", "count-csv", str(source)])


def csv_megabytes(source: Path) -> float:
    return sum(p.stat().st_size for p in source.glob("*.csv")) / 1e6


def count_csv(source: Path) -> dict[str, int]:
    """Rows of each CSV file, as DuckDB's CSV reader (with its sniffer) finds them."""
    import duckdb

    con = duckdb.connect()
    counts = {}
    for path in sorted(source.glob("*.csv")):
        quoted = str(path).replace("'", "''")
        counts[path.name] = con.execute(f"select count(*) from read_csv('{quoted}')").fetchone()[0]
    return counts


if __name__ == "__main__":
    if sys.argv[1:2] != ["count-csv"] or len(sys.argv) != 3:
        sys.exit("usage: python -m bench.inventories count-csv DIR")
    started = time.perf_counter()
    for name, rows in count_csv(Path(sys.argv[2])).items():
        print(f"{name}: {rows}")
    print(f"{READ_SECONDS}{time.perf_counter() - started:.6f}")  # without start-up, imports
