"""Data page: dictionary of every table, provenance from meta, downloads."""

from __future__ import annotations

from apptest_support import markdown_text, open_page


def test_data_page_documents_every_table(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, "pages/data.py")
    labels = [e.label for e in at.expander]
    for table in ("projects", "exchanges", "reported_figures", "project_years", "meta"):
        assert any(f"`{table}`" in label for label in labels), table
    assert "GeoNames" in markdown_text(at)
    downloads = [el for el in at.get("download_button")]
    assert len(downloads) >= 4


def test_a_generated_warehouse_compares_nothing_and_counts_rows_with_separators(
    monkeypatch, tmp_path
):
    # the 1M QA warehouse: no reported figures, tables of a million rows
    import json

    from conftest import quiet

    from etl.build import build
    from etl.synth import synthesize

    synthesize(30, tmp_path / "source", seed=3, progress=quiet)
    build(tmp_path / "source", tmp_path / "wh", synthetic=True, progress=quiet)
    at = open_page(monkeypatch, tmp_path / "wh", "pages/data.py")
    assert not [s for s in at.subheader if "against the reported figures" in s.value]
    assert any("No reported figures in this warehouse" in m.value for m in at.markdown)
    assert "As of:** 2" in markdown_text(at) and " — \n" not in markdown_text(at) + "\n"
    (rows,) = [d for d in at.dataframe if "rows" in d.value.columns]
    assert json.loads(rows.proto.columns)["rows"]["type_config"]["format"] == "%,d"


def test_the_curated_coverage_is_unchanged(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, "pages/data.py")
    assert [s for s in at.subheader if "against the reported figures" in s.value]
    assert not any("No reported figures" in c.value for c in at.caption)
