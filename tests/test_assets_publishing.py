"""The publish asset's helpers: the docs site travels with the warehouse it describes."""

from __future__ import annotations

from pipelines.assets import dbt_assets, publishing


def test_published_docs_site_keeps_its_code_stamp(monkeypatch, tmp_path):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("NQ57_DUCKDB_PATH", str(tmp_path / "build" / "w.duckdb"))
    assert publishing.publish_dbt_docs() is None  # no site built: nothing published
    built = tmp_path / "build" / "dbt_docs"
    built.mkdir(parents=True)
    (built / "index.html").write_text("<html>new site</html>")
    (built / dbt_assets.DOCS_STAMP).write_text("code-2\n")
    published = tmp_path / "warehouse" / "dbt_docs"
    published.mkdir(parents=True)
    (published / "index.html").write_text("<html>old site</html>")
    (published / dbt_assets.DOCS_STAMP).write_text("code-1\n")
    assert publishing.publish_dbt_docs() == str(published / "index.html")
    assert (published / "index.html").read_text() == "<html>new site</html>"
    assert (published / dbt_assets.DOCS_STAMP).read_text() == "code-2\n"
    assert not list(published.glob(".*.tmp"))
    # The next refresh with the same code reuses it.
    assert dbt_assets.reuse_published_docs("code-2") is not None
