"""`python -m etl synth`: a generated inventory that the ETL reads without a problem,
looks like real inventories (three languages, mixed spellings, gaps), is the same for
the same seed, and says it is synthetic."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, quiet, sql_rows, tree_digest

from etl.build import build, load
from etl.synth import country_pool, synthesize


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "catalogue"
    counts = synthesize(600, out, seed=11, progress=quiet)
    return out, counts


def test_the_etl_reads_it_without_a_problem_and_marks_it_synthetic(generated, tmp_path):
    out, counts = generated
    catalogue, report = load(out)
    assert report.ok, report.render()[:2000]
    assert len(catalogue.projects) == counts["projects"] == 600
    warehouse = tmp_path / "wh"
    build(out, warehouse, progress=quiet)
    meta = dict(sql_rows(warehouse, "select key, value from meta"))
    assert meta["synthetic"] == "true"  # the app shows its banner
    assert "SYNTHETIC" in meta["catalogue_source"]


def test_it_looks_like_a_real_inventory(generated, tmp_path):
    out, _ = generated
    build(out, tmp_path / "wh", progress=quiet)
    one = lambda q: sql_rows(tmp_path / "wh", q)[0][0]  # noqa: E731
    assert one("select count(distinct status) from projects") == 3  # ongoing, completed, unknown
    assert one("select count(*) from projects where record_type = 'programme'") > 0
    assert one("select count(*) from project_phases") > 0
    assert one("select count(distinct qualifier) from project_counts") >= 4
    assert one("select count(distinct partner_type) from project_partners") >= 5
    assert one("select count(*) from project_localities where lat is null") > 0  # not located
    assert one("select count(*) from project_localities where lat is not null") > 0
    assert one("select count(*) from exchanges where follows is not null") > 0
    assert one("select count(distinct date_precision) from exchanges") == 3
    text = (out / "projects.csv").read_text(encoding="utf-8")
    pillars = {line.split(",")[-9] for line in text.splitlines()[1:50]}
    assert len(pillars) > 4  # codes, labels and aliases, as curators write them


def test_countries_are_written_in_three_languages_and_as_codes():
    pool = {iso3: names for iso3, names, _ in country_pool()}
    assert pool["CIV"][0] == "CIV"
    assert "Côte d'Ivoire" in pool["CIV"]
    assert "Grèce" in pool["GRC"] and "Grecia" in pool["GRC"]  # French, Spanish
    assert "Alemania" in pool["DEU"] and "Allemagne" in pool["DEU"]


def test_the_same_seed_gives_the_same_files(generated, tmp_path):
    out, _ = generated
    again = tmp_path / "again"
    synthesize(600, again, seed=11, progress=quiet)
    assert tree_digest(again) == tree_digest(out)
    other = tmp_path / "other"
    synthesize(600, other, seed=12, progress=quiet)
    assert tree_digest(other)["projects.csv"] != tree_digest(out)["projects.csv"]


def test_the_command_writes_a_catalogue_and_refuses_a_folder_that_is_not_one(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "etl", "synth", "50", "--out", str(tmp_path / "c")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "projects 50" in done.stdout and (tmp_path / "c" / "projects.csv").is_file()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "thesis.docx").write_bytes(b"precious")
    refused = subprocess.run(
        [sys.executable, "-m", "etl", "synth", "50", "--out", str(tmp_path / "notes")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 1 and "not empty" in refused.stderr
    assert (tmp_path / "notes" / "thesis.docx").read_bytes() == b"precious"
    assert not (tmp_path / "notes" / "projects.csv").exists()
