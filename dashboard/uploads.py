"""An inventory uploaded in the browser, built into a private warehouse for one session.

The published warehouse is never touched: each upload gets its own directory under the
uploads root (`$ATLAS_UPLOADS_DIR`, else the system's temporary folder), holding the
staged files (`source/`) and the warehouse built from them (`warehouse/`). The build is
the CLI's own (`python -m etl build`), run as a child process: it can be stopped when it
takes too long, its memory is returned when it ends, and the server's other sessions
keep their Python thread meanwhile. Its report is the CLI's, every problem, with the
staged paths replaced by the names the user uploaded.

Limits (each refused with a message naming the file, never a traceback):
- size: `$ATLAS_MAX_UPLOAD_MB` (default 20) for the upload, and for a zip's CSVs unpacked
  times 10, no member unpacking more than 200 times its stored size;
- rows: `$ATLAS_MAX_UPLOAD_ROWS` (default 100,000) in any one sheet or CSV;
- time: `$ATLAS_UPLOAD_SECONDS` (default 120) for the build;
- memory: nothing of an upload is parsed in the server's process; the build child
  refuses a workbook whose parts unpack to more than 10 times the size limit, or one
  part more than 200 times its stored size (a zip bomb), before reading it
  (etl/reading.py), and the time limit stops it;
- type: one .xlsx workbook, or CSV files, or one .zip of CSV files.

A directory is removed when its session lets go of it (`Inventory.release`, also run
when the session's state is garbage-collected), or by `sweep` once idle for
`$ATLAS_UPLOAD_IDLE_MINUTES` (default 120). Directories are private (mode 700), and
`sweep` removes only upload directories (their random name and a marker file), never
anything else in the root.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import weakref
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.formulas import restore
from etl.problems import Problem, Report
from etl.schema import SHEETS_BY_NAME
from etl.warehouse import DUCKDB_FILE

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent
LOG = logging.getLogger(__name__)
MARKER = ".atlas-upload"  # in every upload directory: the only ones `sweep` removes
_DIRECTORY = re.compile(r"^[0-9a-f]{24}$")
# What the build child does not need to see
_NOT_FOR_THE_CHILD = {"ATLAS_WAREHOUSE", "ATLAS_STEWARD_SECRET"}
UPLOADS_ENV = "ATLAS_UPLOADS_DIR"
LAST_USED = "last_used"  # a file whose modification time is the session's last visit
PROBLEM_COLUMNS = Report.COLUMNS  # the CLI's problems CSV: the same table


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 20 * MB
    max_rows: int = 100_000
    max_seconds: float = 120.0
    idle_seconds: float = 120 * 60
    unpacked_factor: int = 10
    max_ratio: int = 200

    @classmethod
    def from_env(cls) -> UploadLimits:
        return cls(
            max_bytes=int(_env_number("ATLAS_MAX_UPLOAD_MB", 20) * MB),
            max_rows=int(_env_number("ATLAS_MAX_UPLOAD_ROWS", 100_000)),
            max_seconds=_env_number("ATLAS_UPLOAD_SECONDS", 120),
            idle_seconds=_env_number("ATLAS_UPLOAD_IDLE_MINUTES", 120) * 60,
        )


def uploads_root() -> Path:
    return Path(os.environ.get(UPLOADS_ENV) or Path(tempfile.gettempdir()) / "atlas-uploads")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the user's computer gave it, and its bytes."""

    name: str
    data: bytes


def _size(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n >= MB / 10 else f"{n:,} bytes"


def _plain_name(name: str) -> str:
    """The file's own name, without folders (a zip's member, a browser's path)."""
    return re.split(r"[\\/]", name)[-1].strip()


# --- staging: the uploaded files as a catalogue the ETL reads ---------------------------


def _problem(file: str, message: str, suggestion: str | None = None, **kw) -> Problem:
    return Problem(file=file, message=message, suggestion=suggestion, **kw)


def _count_rows(data: bytes) -> int:
    """Records in a CSV, roughly (its line breaks less the header, whether they are
    LF, CRLF or CR): an upper bound good enough to refuse a file before it is parsed."""
    breaks = max(data.count(b"\n"), data.count(b"\r"))
    return max(0, breaks - 1 + (0 if data.endswith((b"\n", b"\r")) else 1))


def _zip_members(upload: Upload, limits: UploadLimits) -> tuple[list[Upload], list[Problem]]:
    """The CSV files inside a zip, each checked before it is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
    except zipfile.BadZipFile:
        return [], [
            _problem(upload.name, "cannot open as a zip archive", "zip the CSV files again")
        ]
    members, problems = [], []
    with archive:
        infos = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not _plain_name(i.filename).startswith(".")
            and "__MACOSX" not in i.filename
        ]
        allowed = limits.max_bytes * limits.unpacked_factor
        if sum(i.file_size for i in infos) > allowed:
            return [], [
                _problem(
                    upload.name,
                    f"the archive's files unpack to over {_size(allowed)}",
                    "split the inventory, or ask the atlas's administrator to raise "
                    "ATLAS_MAX_UPLOAD_MB",
                )
            ]
        for info in infos:
            name = _plain_name(info.filename)
            where = f"{upload.name} › {name}"
            if not name.lower().endswith(".csv"):
                problems.append(
                    _problem(
                        where, "not a CSV file", "put only the catalogue's CSV files in the zip"
                    )
                )
            elif info.file_size > MB and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                problems.append(
                    _problem(
                        where,
                        "refused before unpacking: it unpacks "
                        f"{info.file_size // max(info.compress_size, 1):,} times its size "
                        "(a zip bomb or a damaged file)",
                        "zip the CSV files again",
                    )
                )
            else:
                try:
                    members.append(Upload(name, archive.read(info)))
                except (
                    zipfile.BadZipFile,
                    zlib.error,
                    RuntimeError,
                    NotImplementedError,
                    OSError,
                ) as exc:
                    # a damaged file (bad CRC), an encrypted one, an unknown compression
                    why = (
                        "it is encrypted"
                        if "encrypted" in str(exc)
                        else "the archive is damaged or uses an unknown compression"
                    )
                    problems.append(
                        _problem(
                            where,
                            f"cannot be unpacked ({why})",
                            "zip the CSV files again, without a password",
                        )
                    )
    return members, problems


def stage(uploads: list[Upload], source: Path, limits: UploadLimits) -> list[Problem]:
    """Write `uploads` under `source` as a catalogue: a workbook `source/<name>.xlsx`, or
    CSV files in `source/`. Returns what refuses the upload (nothing is built then)."""
    if not uploads:
        return [_problem("(no file)", "nothing was uploaded", "choose an .xlsx, CSVs or a .zip")]
    total = sum(len(u.data) for u in uploads)
    names = ", ".join(u.name for u in uploads)
    if total > limits.max_bytes:
        return [
            _problem(
                names,
                f"the upload is {_size(total)}, over the {_size(limits.max_bytes)} limit",
                "split the inventory, or ask the atlas's administrator to raise "
                "ATLAS_MAX_UPLOAD_MB",
            )
        ]
    kinds = {Path(u.name).suffix.lower() for u in uploads}
    source.mkdir(parents=True)
    if kinds == {".xlsx"} and len(uploads) == 1:  # its rows are counted by the ETL child
        (source / "inventory.xlsx").write_bytes(uploads[0].data)
        return []
    problems: list[Problem] = []
    files: list[tuple[str, str, bytes]] = []  # (name shown, plain file name, bytes)
    for upload in uploads:
        suffix = Path(upload.name).suffix.lower()
        if suffix == ".zip":
            members, found = _zip_members(upload, limits)
            files += [(f"{upload.name} › {m.name}", m.name.lower(), m.data) for m in members]
            problems += found
        elif suffix == ".csv":
            files.append((upload.name, _plain_name(upload.name).lower(), upload.data))
        elif suffix == ".xlsx":
            problems.append(
                _problem(upload.name, "a workbook must come alone", "upload the .xlsx by itself")
            )
        else:
            problems.append(
                _problem(
                    upload.name,
                    f"a {suffix or 'file without extension'} file is not a catalogue",
                    "upload one .xlsx workbook, the CSV files, or one .zip of the CSV files "
                    "(the template format: python -m etl template)",
                )
            )
    known = ", ".join(f"{name}.csv" for name in SHEETS_BY_NAME)
    seen: dict[str, str] = {}
    for shown, plain, data in files:
        if plain in seen:
            problems.append(_problem(shown, f"a second {plain} (also {seen[plain]})", "keep one"))
        elif Path(plain).stem not in SHEETS_BY_NAME:
            problems.append(_problem(shown, f"unexpected file; the catalogue files are: {known}"))
        elif _count_rows(data) > limits.max_rows:
            problems.append(_problem(shown, _rows_message(_count_rows(data), limits), _ROWS_FIX))
        else:
            (source / plain).write_bytes(data)
        seen.setdefault(plain, shown)
    if not problems and not files:
        problems.append(_problem(names, "no CSV file found", "upload the catalogue's CSV files"))
    return problems


def _rows_message(rows: int, limits: UploadLimits) -> str:
    return f"{rows:,} rows, over the {limits.max_rows:,} an upload may hold"


_ROWS_FIX = (
    "explore a part of the inventory here, or build the whole one on the server "
    "(python -m etl build)"
)


# --- building -----------------------------------------------------------------------


@dataclass
class Inventory:
    """A session's own warehouse. `release()` removes its files (also run when the
    object is garbage-collected with the session's state)."""

    directory: Path
    name: str  # what was uploaded, as the user named it
    sha256: str
    projects: int
    exchanges: int
    _finalizer: weakref.finalize | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.directory, True)

    @property
    def warehouse(self) -> Path:
        return self.directory / "warehouse"

    def touch(self) -> None:
        """Mark the inventory as used now (idle ones are swept)."""
        with contextlib.suppress(OSError):  # removed meanwhile: the page says so
            (self.directory / LAST_USED).touch()

    def release(self) -> None:
        if self._finalizer is not None:
            self._finalizer()

    @property
    def exists(self) -> bool:
        return (self.warehouse / DUCKDB_FILE).is_file()


@dataclass
class Outcome:
    """What an upload gave: an inventory to explore, or every problem found."""

    inventory: Inventory | None
    problems: list[Problem]
    seconds: float

    def problem_rows(self) -> list[dict[str, object]]:
        return [
            {
                "file": p.file,
                "sheet": p.sheet or "",
                "row": p.row,
                "column": p.column or "",
                "value": p.value or "",
                "problem": p.message,
                "suggestion": p.suggestion or "",
            }
            for p in self.problems
        ]


def _zip_names(uploads: list[Upload]) -> dict[str, str]:
    """A staged CSV's name → the name shown to the user (`inventory.zip › projects.csv`)."""
    names: dict[str, str] = {}
    for upload in uploads:
        if upload.name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
                    for info in archive.infolist():
                        plain = _plain_name(info.filename)
                        names.setdefault(plain.lower(), f"{upload.name} › {plain}")
            except zipfile.BadZipFile:
                pass
        else:
            names.setdefault(_plain_name(upload.name).lower(), upload.name)
    return names


def build_inventory(
    uploads: list[Upload],
    *,
    root: Path | None = None,
    limits: UploadLimits | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Outcome:
    """Stage, validate and build `uploads` into a new private warehouse. Nothing is left
    on disk when the upload is refused, nor when anything unforeseen fails on the way
    (the error is logged, and the person told it is not their files' fault)."""
    limits = limits or UploadLimits.from_env()
    root = root or uploads_root()
    started = time.perf_counter()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep(root, limits.idle_seconds)
    directory = root / secrets.token_hex(12)
    try:
        return _build(uploads, directory, limits, progress, started)
    except Exception:  # never a traceback in the page, never a folder left behind
        LOG.exception("an uploaded inventory could not be built")
        shutil.rmtree(directory, ignore_errors=True)
        return Outcome(
            None,
            _internal_error(uploads),
            time.perf_counter() - started,
        )


def latest_files(files: list[Upload]) -> list[Upload]:
    """The files to check, of all those dropped (in the order dropped): a file dropped
    again (corrected) replaces the one of the same name, and the last whole inventory
    (a workbook or a zip) replaces the workbooks and zips dropped before it."""
    latest: dict[str, Upload] = {}
    for upload in files:
        latest.pop(upload.name.lower(), None)  # dropped again: it moves to the end
        latest[upload.name.lower()] = upload
    whole = [name for name in latest if name.endswith((".xlsx", ".zip"))]
    for older in whole[:-1]:
        del latest[older]
    return list(latest.values())


def _internal_error(uploads: list[Upload]) -> list[Problem]:
    return [
        _problem(
            ", ".join(u.name for u in uploads),
            "the inventory could not be built (an internal error, not a problem in your files)",
            "tell the atlas's maintainers; the server log has the details",
        )
    ]


def _build(
    uploads: list[Upload],
    directory: Path,
    limits: UploadLimits,
    progress: Callable[[str], None],
    started: float,
) -> Outcome:
    source = directory / "source"
    directory.mkdir(mode=0o700)
    (directory / MARKER).touch()
    # One file: its own SHA-256 (what `sha256sum` says of it); several: over names and bytes
    digest = hashlib.sha256(uploads[0].data) if len(uploads) == 1 else hashlib.sha256()
    if len(uploads) > 1:
        for upload in sorted(uploads, key=lambda u: u.name):
            digest.update(upload.name.encode())
            digest.update(upload.data)

    def refused(problems: list[Problem]) -> Outcome:
        shutil.rmtree(directory, ignore_errors=True)
        return Outcome(None, problems, time.perf_counter() - started)

    progress("checking the files")
    problems = stage(uploads, source, limits)
    if problems:
        return refused(problems)
    xlsx = source / "inventory.xlsx"
    report = directory / "problems.csv"
    command = [
        sys.executable,
        "-m",
        "etl",
        "build",
        "--source",
        str(xlsx if xlsx.exists() else source),
        "--warehouse",
        str(directory / "warehouse"),
        "--problems-csv",
        str(report),
        "--source-name",
        "uploaded: " + ", ".join(u.name for u in uploads),
        "--max-size-mb",
        str(limits.max_bytes / MB),
        "--max-rows",
        str(limits.max_rows),
    ]
    progress("validating and building (the same checks as python -m etl build)")
    env = {k: v for k, v in os.environ.items() if k not in _NOT_FOR_THE_CHILD}
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=limits.max_seconds,
        )
    except subprocess.TimeoutExpired:
        return refused(
            [
                _problem(
                    ", ".join(u.name for u in uploads),
                    f"processing took longer than {limits.max_seconds:.0f} s and was stopped",
                    "explore a part of the inventory here, or build the whole one on the "
                    "server (python -m etl build)",
                )
            ]
        )
    if done.returncode != 0:
        if report.is_file():
            names = _zip_names(uploads)
            found = [_renamed(p, source, xlsx, uploads, names) for p in _read_csv(report)]
            if found:
                return refused(found)
        LOG.error("an uploaded inventory could not be built:\n%s", done.stderr[-5000:])
        return refused(_internal_error(uploads))
    progress("opening your inventory")
    database = directory / "warehouse" / DUCKDB_FILE
    with duckdb.connect(str(database), read_only=True) as con:
        projects = con.execute("select count(*) from projects").fetchone()[0]
        exchanges = con.execute("select count(*) from exchanges").fetchone()[0]
    shutil.rmtree(source, ignore_errors=True)  # the warehouse holds what is needed
    name = ", ".join(u.name for u in uploads)
    inventory = Inventory(directory, name, digest.hexdigest(), int(projects), int(exchanges))
    inventory.touch()
    return Outcome(inventory, [], time.perf_counter() - started)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _renamed(
    row: dict[str, str], source: Path, xlsx: Path, uploads: list[Upload], names: dict[str, str]
) -> Problem:
    """One row of the CLI's problems CSV, its file named as the user named it."""
    row = {key: restore(value) for key, value in row.items()}  # written formula-safe
    file = row["file"]
    if file == str(xlsx):
        file = uploads[0].name
    elif file.startswith(str(source)):
        plain = _plain_name(file)
        file = names.get(plain.lower(), plain)
    return Problem(
        file=file,
        sheet=row["sheet"] or None,
        row=int(row["row"]) if row["row"] else None,
        column=row["column"] or None,
        value=row["value"] or None,
        message=row["problem"],
        suggestion=row["suggestion"] or None,
    )


def sweep(root: Path, idle_seconds: float, now: float | None = None) -> int:
    """Remove the upload directories not used for `idle_seconds`; returns how many."""
    now = time.time() if now is None else now
    removed = 0
    if not root.is_dir():
        return 0
    for directory in root.iterdir():
        # only an upload's own directory (its name and marker): never anything else
        if (
            directory.is_symlink()
            or not directory.is_dir()
            or not _DIRECTORY.match(directory.name)
            or not (directory / MARKER).is_file()
        ):
            continue
        marker = directory / LAST_USED
        try:
            used = (marker if marker.exists() else directory).stat().st_mtime
        except OSError:
            continue
        if now - used > idle_seconds:
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed
