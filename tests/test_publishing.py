"""A steward publishes a validated inventory, and rolls back (dashboard/publishing.py):
no secret, a wrong secret, guessing, a concurrent publication, a rollback, the diff and
the audit log."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import CATALOGUE, MINI, MINI_PROJECTS, quiet, sql_rows, tree_digest

from dashboard import publishing
from dashboard.publishing import Attempts, Refused, audit_entries, diff, versions_dir
from etl.build import build

SECRET = "correct horse battery staple"


def _projects(warehouse: Path) -> int:
    return sql_rows(warehouse, "select count(*) from projects")[0][0]


@pytest.fixture
def published(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv(publishing.VERSIONS_ENV, raising=False)
    warehouse = tmp_path / "published"
    build(CATALOGUE, warehouse, progress=quiet)
    return warehouse


@pytest.fixture
def candidate(tmp_path) -> Path:
    warehouse = tmp_path / "candidate"
    build(MINI, warehouse, progress=quiet)
    return warehouse


def _publish(candidate, published, **kw):
    args = {
        "steward": "Ana Steward",
        "secret": SECRET,
        "expected_secret": SECRET,
        "source": "inventory.xlsx",
        "attempts": Attempts(),
    }
    return publishing.publish(candidate, published, **{**args, **kw})


def test_no_secret_configured_means_publishing_is_off(published, candidate):
    before = tree_digest(published)
    with pytest.raises(Refused, match="publishing is off.*secrets.toml"):
        _publish(candidate, published, expected_secret=None)
    with pytest.raises(Refused, match="publishing is off"):
        _publish(candidate, published, expected_secret="", secret="")
    assert tree_digest(published) == before


def test_a_wrong_secret_changes_nothing_and_is_recorded(published, candidate):
    before = tree_digest(published)
    with pytest.raises(Refused, match="wrong steward secret"):
        _publish(candidate, published, secret="guess")
    assert tree_digest(published) == before
    (entry,) = audit_entries(versions_dir(published))
    assert entry["action"] == "refused" and entry["steward"] == "Ana Steward"
    assert "guess" not in str(entry)  # the secret tried is never written down


def test_guessing_is_locked_out_even_with_the_right_secret_after(published, candidate):
    attempts = Attempts()
    for _ in range(publishing.MAX_FAILURES):
        with pytest.raises(Refused, match="wrong"):
            _publish(candidate, published, secret="guess", attempts=attempts)
    with pytest.raises(Refused, match="too many wrong secrets"):
        _publish(candidate, published, attempts=attempts)
    assert _projects(published) == 21
    refused = [e for e in audit_entries(versions_dir(published)) if e["action"] == "refused"]
    assert len(refused) == publishing.MAX_FAILURES  # a locked-out guess is not logged again
    # once the window has passed, the right secret works again
    later = publishing.time.time() + publishing.FAILURE_WINDOW_S + 1
    publishing.check_secret(SECRET, SECRET, attempts=attempts, now=later)


def test_a_diff_that_is_no_longer_true_is_not_published(published, candidate):
    seen = publishing.fingerprint(published)
    build(CATALOGUE, published, progress=quiet)  # rebuilt meanwhile (or published by another)
    with pytest.raises(Refused, match="changed since the diff"):
        _publish(candidate, published, seen=seen)
    assert _projects(published) == 21
    _publish(candidate, published, seen=publishing.fingerprint(published))
    assert _projects(published) == MINI_PROJECTS


def test_a_command_line_rebuild_after_a_publication_can_be_rolled_back_to(published, candidate):
    _publish(candidate, published)
    build(CATALOGUE, published, progress=quiet)  # a curator rebuilds from the catalogue
    _publish(candidate, published)
    kept = publishing.list_versions(versions_dir(published))
    assert [v.steward for v in kept] == [
        "Ana Steward",
        "command line build",
        "Ana Steward",
        "command line build",
    ]
    assert kept[1].projects == 21


def test_the_diff_names_added_removed_and_changed_fields(published, candidate, tmp_path):
    changes = diff(published, candidate)
    mini_ids = {r[0] for r in sql_rows(candidate, "select project_id from projects")}
    atlas_ids = {r[0] for r in sql_rows(published, "select project_id from projects")}
    assert set(changes["projects"].added) == mini_ids - atlas_ids
    assert set(changes["projects"].removed) == atlas_ids - mini_ids
    # one field changed by hand in a copy of the published catalogue
    edited = tmp_path / "edited"
    edited.mkdir()
    for path in CATALOGUE.glob("*.csv"):
        (edited / path.name).write_bytes(path.read_bytes())
    text = (edited / "projects.csv").read_text(encoding="utf-8")
    first_id = sorted(atlas_ids)[0]
    (title,) = sql_rows(published, "select title from projects where project_id = ?", (first_id,))[
        0
    ]
    (edited / "projects.csv").write_text(text.replace(title, title + " (revised)", 1), "utf-8")
    build(edited, tmp_path / "edited-warehouse", progress=quiet)
    one = diff(published, tmp_path / "edited-warehouse")["projects"]
    assert one.added == [] and one.removed == []
    assert one.changed.to_dict("records") == [
        {"id": first_id, "field": "title", "before": title, "after": title + " (revised)"}
    ]
    assert diff(published, published)["projects"].empty


def test_the_diff_sees_a_records_lists_and_the_reported_figures(published, tmp_path):
    """Localities and participants dropped, a reported figure changed: the steward is
    told, record by record (not "nothing changes" while the map loses its points)."""
    edited = tmp_path / "edited"
    edited.mkdir()
    for path in CATALOGUE.glob("*.csv"):
        (edited / path.name).write_bytes(path.read_bytes())
    for name in ("localities.csv", "exchange_participants.csv"):
        header = (CATALOGUE / name).read_text(encoding="utf-8").splitlines()[0]
        (edited / name).write_text(header + "\n", encoding="utf-8")
    figures = (edited / "reported_figures.csv").read_text(encoding="utf-8")
    (edited / "reported_figures.csv").write_text(
        figures.replace("pardev-2014-projects-asia,projects_with_local_authorities,"
                        "region:Asia and the Pacific,Asia,36,",
                        "pardev-2014-projects-asia,projects_with_local_authorities,"
                        "region:Asia and the Pacific,Asia,37,"),
        encoding="utf-8",
    )  # fmt: skip
    build(edited, tmp_path / "edited-warehouse", progress=quiet)
    changes = diff(published, tmp_path / "edited-warehouse")
    located = {
        r[0] for r in sql_rows(published, "select distinct project_id from project_localities")
    }
    lost = changes["projects"].changed
    assert set(lost.loc[lost["field"] == "localities", "id"]) == located
    assert (lost.loc[lost["field"] == "localities", "after"] == "").all()
    with_participants = {
        r[0] for r in sql_rows(published, "select distinct exchange_id from exchange_participants")
    }
    gone = changes["exchanges"].changed
    assert set(gone.loc[gone["field"] == "participants", "id"]) == with_participants
    assert changes["reported_figures"].changed.to_dict("records") == [
        {"id": "pardev-2014-projects-asia", "field": "value", "before": "36.0", "after": "37.0"}
    ]


def test_publish_then_roll_back(published, candidate):
    version = _publish(candidate, published, source_sha256="ab" * 32)
    assert _projects(published) == MINI_PROJECTS
    versions = publishing.list_versions(versions_dir(published))
    assert [v.id for v in versions][0] == version.id
    assert version.steward == "Ana Steward" and version.source_sha256 == "ab" * 32
    initial = versions[1]  # the command line's warehouse was kept before it was replaced
    assert initial.projects == 21
    publishing.rollback(
        initial.id,
        published,
        steward="Ana Steward",
        secret=SECRET,
        expected_secret=SECRET,
        attempts=Attempts(),
    )
    assert _projects(published) == 21
    assert publishing.current_version(versions_dir(published)) == initial.id
    actions = [e["action"] for e in audit_entries(versions_dir(published))]
    assert actions == ["publish", "rollback"]
    with pytest.raises(Refused, match="wrong"):
        publishing.rollback(
            version.id,
            published,
            steward="X",
            secret="nope",
            expected_secret=SECRET,
            attempts=Attempts(),
        )
    assert _projects(published) == 21


def test_only_the_last_ten_versions_are_kept(published, candidate, monkeypatch):
    monkeypatch.setattr(publishing, "KEEP", 3)
    ids = [_publish(candidate, published).id for _ in range(4)]
    kept = [v.id for v in publishing.list_versions(versions_dir(published))]
    assert kept == ids[::-1][:3]
    assert len(audit_entries(versions_dir(published))) == 4  # the log keeps everything
    # the published version is never pruned, however old
    publishing.rollback(
        kept[-1], published, steward="A", secret=SECRET, expected_secret=SECRET,
        attempts=Attempts(),
    )  # fmt: skip
    versions = versions_dir(published)
    for _ in range(3):  # three newer versions kept: the published one is now the oldest
        publishing._keep(versions, candidate, "B", "x.xlsx")
    publishing._prune(versions)
    left = [v.id for v in publishing.list_versions(versions)]
    assert kept[-1] in left and len(left) == 4


def test_concurrent_publications_run_one_after_the_other(published, candidate, tmp_path):
    other = tmp_path / "other"
    build(CATALOGUE, other, progress=quiet)
    errors: list[BaseException] = []

    def run(source: Path, name: str) -> None:
        try:
            _publish(source, published, steward=name)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(candidate, "One")),
        threading.Thread(target=run, args=(other, "Two")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = [e for e in audit_entries(versions_dir(published)) if e["action"] == "publish"]
    assert sorted(e["steward"] for e in entries) == ["One", "Two"]
    # the warehouse is whole, and is the last publication's
    last = entries[-1]
    assert _projects(published) == last["projects"]
    assert publishing.current_version(versions_dir(published)) == last["version"]


def test_a_steward_must_give_a_name(published, candidate):
    with pytest.raises(Refused, match="give your name"):
        _publish(candidate, published, steward=" \n\t ")
    assert _projects(published) == 21
    version = _publish(candidate, published, steward="<b>Ana</b>\nRow")
    assert version.steward == "<b>Ana</b> Row"  # kept as typed, on one line: shown inert


def test_a_damaged_audit_line_hides_no_other_entry(published, candidate):
    _publish(candidate, published)
    log = versions_dir(published) / publishing.AUDIT_LOG
    with log.open("a", encoding="utf-8") as handle:
        handle.write('{"when": "2026-12-03T10:00:00+00:00", "action": "publ')  # cut short
    entries = audit_entries(versions_dir(published))
    assert [e["action"] for e in entries][-1] == "unreadable line"
    assert any(e["action"] == "publish" for e in entries)


def test_a_version_is_kept_whole_or_not_at_all(published, candidate, monkeypatch):
    """A copy that fails half-way (a full disk) leaves no half version behind, and the
    published warehouse is unchanged."""
    before = tree_digest(published)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publishing.shutil, "copytree", full_disk)
    with pytest.raises(OSError):
        _publish(candidate, published)
    assert tree_digest(published) == before
    versions = versions_dir(published)
    assert not [p for p in versions.iterdir() if p.is_dir()] if versions.exists() else True
