"""A data steward replaces the published atlas with a validated inventory, or rolls back.

- **Who.** Publishing needs the steward secret: `steward_secret` in
  `.streamlit/secrets.toml`, or `$ATLAS_STEWARD_SECRET`. With neither, publishing is off.
  The secret is compared in constant time (`hmac.compare_digest` of SHA-256 digests), and
  after `MAX_FAILURES` wrong secrets within `FAILURE_WINDOW_S`, every attempt is refused
  until the window has passed (per server process; a lock-out also stops a guesser who
  opens many sessions).
- **What.** `diff` says what a publication changes: projects and exchanges added,
  removed and changed, field by field.
- **How.** The inventory's warehouse is kept as a *version* (`<versions>/<id>/warehouse`
  with `version.json`: when, by which steward, the source's SHA-256) and swapped in
  place of the published warehouse in one step (`etl.warehouse.install`, the CLI's own
  atomic swap under its lock). The last `KEEP` versions are kept; a rollback swaps one
  of them in again. The first publication also keeps the warehouse it replaces (built by
  the command line), so it can be rolled back to.
- **Record.** `audit.log` (JSON lines, only ever appended) records every publication,
  rollback and refused secret.

`<versions>` is `$ATLAS_VERSIONS_DIR`, else `<warehouse>-versions` beside the warehouse.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import shutil
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.transform import COPIED_COLUMNS
from etl.warehouse import DUCKDB_FILE, build_lock, install

SECRET_ENV = "ATLAS_STEWARD_SECRET"
VERSIONS_ENV = "ATLAS_VERSIONS_DIR"
KEEP = 10
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60
AUDIT_LOG = "audit.log"
CURRENT = "current"  # the file naming the published version's id

# Records and the key that names each; fields compared in a diff are those both sides
# have, less the row numbers a build gives (they change between builds).
DIFFED = {"projects": "project_id", "exchanges": "exchange_id", "reported_figures": "figure_id"}
_BUILD_NUMBERS = {"project_no", "exchange_no"}
# A record's lists (one row each in their own table) compared as one field each: a
# project that loses its localities, an exchange its participants, shows as changed.
LISTS = {
    "projects": {
        "countries": "project_countries",
        "localities": "project_localities",
        "topics": "project_topics",
        "beneficiaries": "project_beneficiaries",
        "counts": "project_counts",
        "partners": "project_partners",
        "phases": "project_phases",
    },
    "exchanges": {"topics": "exchange_topics", "participants": "exchange_participants"},
}


def versions_dir(warehouse: Path) -> Path:
    configured = os.environ.get(VERSIONS_ENV)
    return Path(configured) if configured else warehouse.parent / f"{warehouse.name}-versions"


# --- the secret --------------------------------------------------------------------


class Refused(Exception):
    """A publication or rollback was refused; the message says why, for the steward."""


class LockedOut(Refused):
    """Refused without looking at the secret: too many wrong ones lately (not logged
    again, so guessing cannot grow the audit log)."""


@dataclass
class Attempts:
    """Wrong secrets lately (per process), to refuse guessing."""

    failures: deque = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_locked(self, now: float) -> float:
        """Seconds until attempts are accepted again (0: now); `lock` must be held."""
        while self.failures and now - self.failures[0] > FAILURE_WINDOW_S:
            self.failures.popleft()
        if len(self.failures) < MAX_FAILURES:
            return 0.0
        return FAILURE_WINDOW_S - (now - self.failures[0])


ATTEMPTS = Attempts()


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def check_secret(
    given: str, expected: str | None, *, attempts: Attempts = ATTEMPTS, now: float | None = None
) -> None:
    """Raise Refused unless `given` is the steward secret (and guessing is not locked).
    Checking and counting a failure happen under one lock: parallel guesses cannot pass
    the limit."""
    now = time.time() if now is None else now
    if not expected:
        raise Refused(
            f"publishing is off: no steward secret is configured (set steward_secret in "
            f".streamlit/secrets.toml or ${SECRET_ENV})"
        )
    with attempts.lock:
        wait = attempts.wait_locked(now)
        if wait > 0:
            raise LockedOut(f"too many wrong secrets: try again in {int(wait // 60) + 1} minute(s)")
        # both digests are 32 bytes: the comparison's time says nothing of the secret
        if not hmac.compare_digest(_digest(given), _digest(expected)):
            attempts.failures.append(now)
            raise Refused("wrong steward secret")


# --- what a publication changes -------------------------------------------------------


@dataclass
class TableDiff:
    added: list[str]
    removed: list[str]
    changed: pd.DataFrame  # id, field, before, after

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed and self.changed.empty


def _records(database: Path, table: str, key: str) -> pd.DataFrame:
    """A table as text (NULL as ""), indexed by its key: values compare as the file
    holds them (an integer column with a NULL is not read as 2012.0 on one side)."""
    with duckdb.connect(str(database), read_only=True) as con:
        columns = [c[0] for c in con.execute(f'select * from "{table}" limit 0').description]
        kept = [c for c in columns if c not in _BUILD_NUMBERS]
        cast = ", ".join(f'coalesce(cast("{c}" as varchar), \'\') as "{c}"' for c in kept)
        frame = con.execute(f'select {cast} from "{table}"').df().set_index(key)
        listed = con.execute("select table_name from information_schema.tables").fetchall()
        tables = {row[0] for row in listed}
        for field, child in LISTS.get(table, {}).items():
            if child in tables:
                frame[field] = _list_field(con, child, key).reindex(frame.index).fillna("")
    return frame


def _list_field(con: duckdb.DuckDBPyConnection, child: str, key: str) -> pd.Series:
    """Each record's rows in `child` as one text: its rows' values, sorted, joined."""
    columns = [c[0] for c in con.execute(f'select * from "{child}" limit 0').description]
    copied = COPIED_COLUMNS.get(child, ())  # the project's own pillar, repeated
    shown = [c for c in columns if c not in (key, *_BUILD_NUMBERS, *copied)]
    # empty values left out: "youth · 250", not "local authorities ·  · "
    row = "concat_ws(' · ', " + ", ".join(f"nullif(\"{c}\"::varchar, '')" for c in shown) + ")"
    frame = con.execute(
        f"select \"{key}\", string_agg({row}, '; ' order by {row}) as items "
        f'from "{child}" group by "{key}"'
    ).df()
    return frame.set_index(key)["items"]


def diff(published: Path, candidate: Path) -> dict[str, TableDiff]:
    """What replacing the warehouse in `published` by the one in `candidate` changes,
    for projects, exchanges (each with its lists: localities, participants…) and the
    reported figures: ids added and removed, and each changed field."""
    out: dict[str, TableDiff] = {}
    for table, key in DIFFED.items():
        before = _records(published / DUCKDB_FILE, table, key)
        after = _records(candidate / DUCKDB_FILE, table, key)
        both = before.index.intersection(after.index)
        fields = [c for c in after.columns if c in before.columns]
        old, new = before.loc[both, fields], after.loc[both, fields]
        changed = (old != new).stack()  # (id, field) → whether it changed, all at once
        where = changed[changed].index
        changes = pd.DataFrame(
            {
                "id": where.get_level_values(0),
                "field": where.get_level_values(1),
                "before": [old.at[i, f] for i, f in where],
                "after": [new.at[i, f] for i, f in where],
            },
            columns=["id", "field", "before", "after"],
        )
        out[table] = TableDiff(
            added=sorted(set(after.index) - set(before.index)),
            removed=sorted(set(before.index) - set(after.index)),
            changed=changes,
        )
    return out


# --- versions, publication, rollback ------------------------------------------------


@dataclass(frozen=True)
class Version:
    id: str
    when: str  # ISO 8601, UTC
    steward: str
    source: str
    source_sha256: str
    projects: int
    exchanges: int
    built_at: str = ""  # the build's own time and catalogue digest (meta): together they
    build_sha256: str = ""  # know a warehouse again (the time alone is to the second)


def fingerprint(warehouse: Path) -> str:
    """Which build the published warehouse is (its file's time and size): what a steward
    looked at when shown the diff."""
    stat = (warehouse / DUCKDB_FILE).stat()
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def _meta(database: Path) -> tuple[dict[str, str], int, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        meta = dict(con.execute("select key, value from meta").fetchall())
        projects = con.execute("select count(*) from projects").fetchone()[0]
        exchanges = con.execute("select count(*) from exchanges").fetchone()[0]
    return meta, int(projects), int(exchanges)


@contextmanager
def _locked(versions: Path) -> Iterator[None]:
    """One publication or rollback at a time, across sessions and processes."""
    versions.mkdir(parents=True, exist_ok=True)
    with open(versions / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def audit(versions: Path, action: str, steward: str, **details: object) -> None:
    """Append one line to the audit log (never rewritten)."""
    versions.mkdir(parents=True, exist_ok=True)
    line = {"when": _now(), "action": action, "steward": steward, **details}
    with open(versions / AUDIT_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(line, ensure_ascii=False) + "\n")
        log.flush()
        os.fsync(log.fileno())


def audit_entries(versions: Path) -> list[dict]:
    path = versions / AUDIT_LOG
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:  # one damaged line (a disk full mid-write) never hides the others
            entry = json.loads(line) if line.strip() else None
        except ValueError:
            entry = {"when": "", "action": "unreadable line", "detail": line[:200]}
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _keep(
    versions: Path, warehouse: Path, steward: str, source: str, sha256: str | None = None
) -> Version:
    """Copy the warehouse in `warehouse` into a new version directory. `sha256`: the
    source file's (default: the one the build recorded)."""
    meta, projects, exchanges = _meta(warehouse / DUCKDB_FILE)
    sha = sha256 or meta.get("source_sha256", "")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version = Version(
        id=f"{stamp}-{sha[:8] or 'unknown'}",
        when=_now(),
        steward=steward,
        source=source,
        source_sha256=sha,
        projects=projects,
        exchanges=exchanges,
        built_at=meta.get("built_at", ""),
        build_sha256=meta.get("source_sha256", ""),
    )
    target = versions / version.id
    try:  # whole or not at all: version.json, written last and atomically, makes it one
        shutil.copytree(warehouse, target / "warehouse")
        partial = target / "version.json.partial"
        partial.write_text(json.dumps(version.__dict__, indent=1), "utf-8")
        os.replace(partial, target / "version.json")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return version


def list_versions(versions: Path) -> list[Version]:
    """The kept versions, newest first."""
    if not versions.is_dir():
        return []
    found = []
    for path in versions.glob("*/version.json"):
        try:
            found.append(Version(**json.loads(path.read_text("utf-8"))))
        except (ValueError, TypeError):
            continue  # a damaged record is left alone, not shown
    return sorted(found, key=lambda v: v.id, reverse=True)


def current_version(versions: Path) -> str | None:
    path = versions / CURRENT
    return path.read_text("utf-8").strip() if path.is_file() else None


def _set_current(versions: Path, version_id: str) -> None:
    temporary = versions / f".{CURRENT}.tmp"
    temporary.write_text(version_id, "utf-8")
    os.replace(temporary, versions / CURRENT)


def _prune(versions: Path) -> None:
    current = current_version(versions)
    for old in list_versions(versions)[KEEP:]:
        if old.id != current:
            shutil.rmtree(versions / old.id, ignore_errors=True)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def steward_name(name: str) -> str:
    """A steward's name as recorded: as typed (it is shown as inert text), on one line,
    at most 80 characters."""
    cleaned = " ".join(_CONTROL.sub(" ", name or "").split())[:80]
    if not cleaned:
        raise Refused("give your name: it is recorded with the publication")
    return cleaned


def _checked(
    secret: str, expected: str | None, steward: str, versions: Path, attempts: Attempts
) -> None:
    """check_secret, with a wrong secret recorded in the audit log (never the guess)."""
    try:
        check_secret(secret, expected, attempts=attempts)
    except LockedOut:
        raise
    except Refused as refusal:
        audit(versions, "refused", " ".join((steward or "").split())[:80], reason=str(refusal))
        raise


def _keep_unrecorded(versions: Path, published: Path) -> None:
    """Keep the published warehouse as a version when no kept version is it (the first
    publication, or a `python -m etl build` since the last one), so it can be rolled
    back to."""
    if not (published / DUCKDB_FILE).is_file():
        return
    meta = _meta(published / DUCKDB_FILE)[0]
    build = (meta.get("built_at", ""), meta.get("source_sha256", ""))
    current = current_version(versions)
    known = next((v for v in list_versions(versions) if v.id == current), None)
    if known is None or (known.built_at, known.build_sha256) != build:
        kept = _keep(versions, published, "command line build", "python -m etl build")
        _set_current(versions, kept.id)


def publish(
    candidate: Path,
    published: Path,
    *,
    steward: str,
    secret: str,
    expected_secret: str | None,
    source: str,
    source_sha256: str | None = None,
    seen: str | None = None,
    attempts: Attempts = ATTEMPTS,
) -> Version:
    """Replace the published warehouse by the one in `candidate` (atomically), kept as
    a new version; recorded in the audit log. `seen`: the published warehouse's
    `fingerprint` when the steward was shown the diff (refused if it changed since).
    Raises Refused."""
    versions = versions_dir(published)
    _checked(secret, expected_secret, steward, versions, attempts)
    name = steward_name(steward)
    # the build lock too: a command-line build cannot land between the check and the swap
    with _locked(versions), build_lock(published):
        published_now = fingerprint(published) if (published / DUCKDB_FILE).is_file() else None
        if seen is not None and published_now != seen:
            raise Refused(
                "the published atlas changed since the diff was shown (another "
                "publication or a rebuild): look at the new diff, then publish again"
            )
        _keep_unrecorded(versions, published)
        version = _keep(versions, candidate, name, source, source_sha256)
        install(
            versions / version.id / "warehouse", published, progress=lambda _m: None, lock_held=True
        )
        _set_current(versions, version.id)
        audit(
            versions,
            "publish",
            name,
            version=version.id,
            source=source,
            source_sha256=version.source_sha256,
            projects=version.projects,
            exchanges=version.exchanges,
        )
        _prune(versions)
    return version


def rollback(
    version_id: str,
    published: Path,
    *,
    steward: str,
    secret: str,
    expected_secret: str | None,
    attempts: Attempts = ATTEMPTS,
) -> Version:
    """Swap a kept version in again (atomically); recorded in the audit log."""
    versions = versions_dir(published)
    _checked(secret, expected_secret, steward, versions, attempts)
    name = steward_name(steward)
    with _locked(versions), build_lock(published):
        _keep_unrecorded(versions, published)
        chosen = next((v for v in list_versions(versions) if v.id == version_id), None)
        if chosen is None:
            raise Refused(f"version {version_id} is no longer kept")
        install(
            versions / chosen.id / "warehouse", published, progress=lambda _m: None, lock_held=True
        )
        previous = current_version(versions)
        _set_current(versions, chosen.id)
        audit(versions, "rollback", name, version=chosen.id, previous=previous)
    return chosen
