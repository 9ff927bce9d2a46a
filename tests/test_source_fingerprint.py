"""The code fingerprint behind every cache and the rebuild decision: any change to a file counts."""

from __future__ import annotations

from pathlib import Path

from pipelines.source_fingerprint import source_fingerprint


def _tree(root: Path) -> None:
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("A = 1\n")
    (root / "pkg" / "sub" / "b.py").write_text("B = 2\n")
    (root / "pkg" / "notes.txt").write_text("not code\n")
    (root / "models").mkdir()
    (root / "models" / "m.sql").write_text("select 1\n")


def test_content_names_and_extras_change_the_fingerprint(tmp_path: Path) -> None:
    _tree(tmp_path)
    parts = ["pkg", ("models", "**/*")]
    first = source_fingerprint(tmp_path, parts)
    assert len(first) == 16 and first == source_fingerprint(tmp_path, parts)
    (tmp_path / "pkg" / "sub" / "b.py").write_text("B = 3\n")
    second = source_fingerprint(tmp_path, parts)
    assert second != first
    (tmp_path / "pkg" / "sub" / "b.py").rename(tmp_path / "pkg" / "sub" / "c.py")
    assert source_fingerprint(tmp_path, parts) != second  # same bytes, another name
    assert source_fingerprint(tmp_path, parts, ["calamine==1"]) != source_fingerprint(
        tmp_path, parts, ["calamine==2"]
    )
    (tmp_path / "models" / "m.sql").write_text("select 2\n")
    assert source_fingerprint(tmp_path, ["pkg"]) == source_fingerprint(tmp_path, ["pkg"])


def test_only_the_named_files_count(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = source_fingerprint(tmp_path, ["pkg", "models/m.sql"])
    (tmp_path / "pkg" / "notes.txt").write_text("edited notes\n")  # not *.py
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "a.cpython-311.py").write_text("compiled\n")
    assert source_fingerprint(tmp_path, ["pkg", "models/m.sql"]) == before
    (tmp_path / "models" / "m.sql").write_text("select 3\n")  # a single file part
    assert source_fingerprint(tmp_path, ["pkg", "models/m.sql"]) != before
