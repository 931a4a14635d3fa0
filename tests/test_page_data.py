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
