"""An inventory uploaded in the browser (dashboard/uploads.py): staged, checked with the
CLI's own report, built into a private warehouse, and removed after."""

from __future__ import annotations

import gc
import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from conftest import MINI, MINI_PROJECTS, edited_mini, tree_digest

from dashboard.uploads import Upload, UploadLimits, build_inventory, latest_files, sweep
from etl.build import load
from etl.template import write_template


def _csvs(directory: Path = MINI) -> list[Upload]:
    return [Upload(p.name, p.read_bytes()) for p in sorted(directory.glob("*.csv"))]


def _zipped(files: list[Upload], name: str = "inventory.zip", folder: str = "") -> Upload:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for upload in files:
            archive.writestr(folder + upload.name, upload.data)
    return Upload(name, buffer.getvalue())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


def test_csv_files_a_zip_and_a_workbook_give_the_same_inventory(tmp_path, root):
    workbook = tmp_path / "inventory.xlsx"
    write_template(workbook, source=MINI)
    results = [
        build_inventory(files, root=root)
        for files in (
            _csvs(),
            [_zipped(_csvs(), folder="my inventory/")],  # a zipped folder, as Windows makes
            [Upload("Inventaire 2026.xlsx", workbook.read_bytes())],
        )
    ]
    for outcome in results:
        assert outcome.problems == [], outcome.problem_rows()[:3]
        assert outcome.inventory.projects == MINI_PROJECTS
        assert outcome.inventory.exists
    assert len({o.inventory.directory for o in results}) == 3  # each its own warehouse
    assert results[2].inventory.name == "Inventaire 2026.xlsx"


def test_a_valid_upload_never_touches_the_published_warehouse(monkeypatch, mini_warehouse, root):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(mini_warehouse))
    before = tree_digest(mini_warehouse)
    outcome = build_inventory(_csvs(), root=root)
    assert outcome.inventory is not None
    assert tree_digest(mini_warehouse) == before
    assert outcome.inventory.warehouse.is_relative_to(root)


def _broken(tmp_path: Path) -> Path:
    """The mini catalogue with three mistakes in two files."""
    broken = edited_mini(
        tmp_path / "broken", {(0, "start_year"): "20x5", (1, "region"): "Atlantis"}
    )
    exchanges = (broken / "exchanges.csv").read_text(encoding="utf-8").splitlines()
    exchanges.append(exchanges[1])  # the same exchange twice
    (broken / "exchanges.csv").write_text("\n".join(exchanges) + "\n", encoding="utf-8")
    return broken


def test_every_mistake_is_reported_as_the_cli_reports_it(tmp_path, root):
    broken = _broken(tmp_path)
    _catalogue, cli = load(broken)
    outcome = build_inventory(_csvs(broken), root=root)
    assert outcome.inventory is None
    got = [(r["file"], r["row"], r["column"], r["problem"]) for r in outcome.problem_rows()]
    expected = [(Path(p.file).name, p.row, p.column or "", p.message) for p in cli.problems]
    assert got == expected  # every problem, not only the first, and in the same words
    assert {"projects.csv", "exchanges.csv"} <= {r[0] for r in got}
    start = next(r for r in outcome.problem_rows() if r["column"] == "start_year")
    assert start["row"] == 2 and start["value"] == "20x5"
    assert not any(str(root) in str(value) for r in outcome.problem_rows() for value in r.values())
    assert list(root.iterdir()) == []  # nothing left behind


def test_a_zips_mistakes_name_the_zip_and_the_file_inside(tmp_path, root):
    outcome = build_inventory([_zipped(_csvs(_broken(tmp_path)))], root=root)
    files = {r["file"] for r in outcome.problem_rows()}
    assert "inventory.zip › projects.csv" in files


def _limits(**changes) -> UploadLimits:
    return UploadLimits(**{**UploadLimits().__dict__, **changes})


def test_limits_each_have_a_clear_message(root):
    too_big = build_inventory(_csvs(), root=root, limits=_limits(max_bytes=1000))
    assert "over the 1,000 bytes limit" in too_big.problems[0].message
    assert "ATLAS_MAX_UPLOAD_MB" in too_big.problems[0].suggestion
    rows = build_inventory(_csvs(), root=root, limits=_limits(max_rows=2))
    assert rows.problems and all("rows, over the 2" in p.message for p in rows.problems)
    assert {p.file for p in rows.problems} >= {"projects.csv"}
    slow = build_inventory(_csvs(), root=root, limits=_limits(max_seconds=0.05))
    assert "took longer than" in slow.problems[0].message
    assert "python -m etl build" in slow.problems[0].suggestion
    kinds = build_inventory([Upload("notes.docx", b"PK..")], root=root)
    assert kinds.problems[0].file == "notes.docx"
    assert "not a catalogue" in kinds.problems[0].message
    assert ".xlsx" in kinds.problems[0].suggestion
    alone = build_inventory([Upload("a.xlsx", b"x"), *_csvs()], root=root)
    assert any("must come alone" in p.message for p in alone.problems)
    for outcome in (too_big, rows, slow, kinds, alone):
        assert outcome.inventory is None
    assert list(root.iterdir()) == []


def test_a_zip_bomb_and_odd_members_are_refused_before_unpacking(root):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("projects.csv", b"a" * (30 * 1024 * 1024))
    outcome = build_inventory([Upload("bomb.zip", bomb.getvalue())], root=root)
    assert outcome.inventory is None
    assert "zip bomb" in outcome.problems[0].message or "unpack" in outcome.problems[0].message
    # a member's folders are dropped: nothing is written outside the upload's directory
    escape = _zipped([Upload("../../escaped.csv", b"a,b\n1,2\n"), *_csvs()])
    refused = build_inventory([escape], root=root)
    assert any("escaped.csv" in p.file and "unexpected file" in p.message for p in refused.problems)
    assert not (root.parent / "escaped.csv").exists()
    not_zip = build_inventory([Upload("inventory.zip", b"not a zip")], root=root)
    assert "cannot open as a zip" in not_zip.problems[0].message


def test_a_damaged_or_encrypted_zip_member_is_reported_and_nothing_is_left(root):
    files = _csvs()
    good = _zipped(files).data
    # damaged: one byte of projects.csv's compressed data changed (its CRC no longer holds)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo("projects.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    damaged = bytearray(good)
    damaged[start] ^= 0xFF
    # encrypted: the member says so (general-purpose flag bit 0), in both headers
    encrypted = bytearray(good)
    encrypted[info.header_offset + 6] |= 0x01
    for at in _central_entries(bytes(encrypted)):
        if encrypted[at + 46 : at + 46 + len(b"projects.csv")] == b"projects.csv":
            encrypted[at + 8] |= 0x01
    for data, why in ((damaged, "cannot be unpacked"), (encrypted, "it is encrypted")):
        outcome = build_inventory([Upload("inventory.zip", bytes(data))], root=root)
        assert outcome.inventory is None
        assert any(
            p.file == "inventory.zip › projects.csv" and why in p.message for p in outcome.problems
        ), outcome.problems
        assert not any(root.iterdir())  # refused: its folder removed


def _central_entries(data: bytes) -> list[int]:
    at, found = data.find(b"PK\x01\x02"), []
    while at != -1:
        found.append(at)
        at = data.find(b"PK\x01\x02", at + 4)
    return found


def test_an_unforeseen_failure_says_so_and_leaves_nothing(monkeypatch, root):
    import dashboard.uploads as uploads

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(uploads, "stage", broken)
    outcome = build_inventory(_csvs(), root=root)
    assert outcome.inventory is None
    assert "internal error, not a problem in your files" in outcome.problems[0].message
    assert not any(root.iterdir())


def test_an_inventory_is_removed_when_released_or_forgotten(root):
    outcome = build_inventory(_csvs(), root=root)
    directory = outcome.inventory.directory
    outcome.inventory.release()
    assert not directory.exists()
    second = build_inventory(_csvs(), root=root).inventory
    directory = second.directory
    del second  # the session's state is gone
    gc.collect()
    assert not directory.exists()


def test_idle_inventories_are_swept_and_used_ones_kept(root):
    kept = build_inventory(_csvs(), root=root).inventory
    idle = build_inventory(_csvs(), root=root).inventory
    old = time.time() - 3 * 3600
    os.utime(idle.directory / "last_used", (old, old))
    kept.touch()
    assert sweep(root, idle_seconds=3600) == 1
    assert kept.exists and not idle.exists


def test_a_workbooks_rows_are_counted_by_the_build_not_the_server(tmp_path, root):
    workbook = tmp_path / "inventory.xlsx"
    write_template(workbook, source=MINI)
    outcome = build_inventory(
        [Upload("big.xlsx", workbook.read_bytes())], root=root, limits=_limits(max_rows=2)
    )
    assert outcome.inventory is None
    rows = [p for p in outcome.problems if "more than 2 rows" in p.message]
    assert rows and rows[0].file == "big.xlsx" and rows[0].sheet == "projects"


def test_sweep_removes_only_upload_directories(root, tmp_path):
    build_inventory(_csvs(), root=root)  # makes the root
    precious = root / "not-an-upload"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    lookalike = root / ("a" * 24)  # an upload's kind of name, without the marker
    lookalike.mkdir()
    old = time.time() - 10 * 3600
    for path in (precious, lookalike):
        os.utime(path, (old, old))
    sweep(root, idle_seconds=60)
    assert (precious / "keep.txt").exists() and lookalike.exists()


def test_a_value_that_looks_like_a_formula_is_reported_as_typed(tmp_path, root):
    broken = edited_mini(tmp_path / "formula", {(0, "region"): "=HYPERLINK(evil)"})
    outcome = build_inventory(_csvs(broken), root=root)
    region = next(r for r in outcome.problem_rows() if r["column"] == "region")
    assert region["value"] == "=HYPERLINK(evil)"  # as typed on screen
    from dashboard import exports

    frame = __import__("pandas").DataFrame(outcome.problem_rows())
    assert b"'=HYPERLINK(evil)" in exports.csv_bytes(frame)  # inert in the download


def test_the_last_whole_inventory_dropped_replaces_the_earlier_ones():
    """bad.zip then fixed.zip: only fixed.zip is checked (not two of every CSV); a CSV
    dropped again replaces its earlier copy."""
    dropped = [
        Upload("bad.zip", b"1"),
        Upload("projects.csv", b"old"),
        Upload("inventory.xlsx", b"2"),
        Upload("fixed.zip", b"3"),
        Upload("Projects.csv", b"new"),
    ]
    chosen = latest_files(dropped)
    assert [(u.name, u.data) for u in chosen] == [("fixed.zip", b"3"), ("Projects.csv", b"new")]
