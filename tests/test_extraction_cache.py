"""The per-document extraction cache: unchanged documents are not read again, changed ones are."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipelines.extract.run as run_module
from pipelines.extract.cache import ExtractionCache, extraction_code_version
from pipelines.extract.run import extract_folder, write_raw_tables
from tests.conftest import FIXTURES_DIR


@pytest.fixture
def documents(resolution_txt: Path, slides_txt: Path, tmp_path: Path) -> Path:
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(resolution_txt, docs)
    shutil.copy(slides_txt, docs)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    return docs


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the extraction actually opens."""
    opened: list[str] = []
    real = run_module.read_document

    def counting(path: Path):
        opened.append(path.name)
        return real(path)

    monkeypatch.setattr(run_module, "read_document", counting)
    return opened


def _raw_rows(run, out: Path) -> dict[str, list[dict]]:
    write_raw_tables(run, out)
    return {p.stem: pq.read_table(p).to_pylist() for p in sorted(out.glob("*.parquet"))}


def test_second_extraction_reads_nothing_and_gives_the_same_raw_tables(documents, tmp_path, monkeypatch):
    opened = _reads(monkeypatch)
    cache = ExtractionCache(tmp_path / "cache")
    first = _raw_rows(extract_folder(documents, cache), tmp_path / "raw1")
    assert sorted(opened) == ["000_a74ee38357d31740.txt", "004_373ec9bcf51e9bdb.txt", "broken.pdf"]
    assert (cache.hits, cache.misses) == (0, 3)

    opened.clear()
    again = ExtractionCache(tmp_path / "cache")
    second = _raw_rows(extract_folder(documents, again), tmp_path / "raw2")
    assert opened == []
    assert (again.hits, again.misses) == (3, 0)
    assert second == first
    # The cached figures are the document's: Appendix I state budget rows sum to 5.861.734.
    items = [r for r in second["plan_items"] if r["appendix"] == "I"]
    assert sum(r["state_budget_mvnd"] or 0 for r in items) == Decimal("5861734")
    # A failed document stays failed, with its reason, from the cache too.
    failed = {
        d["file_name"]: d["extraction_error"]
        for d in second["documents"]
        if d["extraction_status"] == "failed"
    }
    assert list(failed) == ["broken.pdf"] and failed["broken.pdf"]


def test_a_changed_document_is_read_again_and_only_that_one(documents, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    extract_folder(documents, ExtractionCache(cache_dir))
    slides = documents / "004_373ec9bcf51e9bdb.txt"
    slides.write_text(slides.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    opened = _reads(monkeypatch)
    cache = ExtractionCache(cache_dir)
    extract_folder(documents, cache)
    assert opened == ["004_373ec9bcf51e9bdb.txt"]
    assert (cache.hits, cache.misses) == (2, 1)
    # The old entry of the changed document is gone: one entry per document.
    assert len(list(cache_dir.glob("004_373ec9bcf51e9bdb.*.pickle"))) == 1


def test_new_extraction_code_reads_everything_again(documents, tmp_path, monkeypatch):
    extract_folder(documents, ExtractionCache(tmp_path / "cache", code_version="old-code"))
    opened = _reads(monkeypatch)
    cache = ExtractionCache(tmp_path / "cache", code_version="new-code")
    extract_folder(documents, cache)
    assert len(opened) == 3 and cache.misses == 3
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 3


def test_a_damaged_cache_entry_is_extracted_again(documents, tmp_path, monkeypatch, caplog):
    cache_dir = tmp_path / "cache"
    extract_folder(documents, ExtractionCache(cache_dir))
    for entry in cache_dir.glob("000_*.pickle"):
        entry.write_bytes(b"not a pickle")
    opened = _reads(monkeypatch)
    run = extract_folder(documents, ExtractionCache(cache_dir))
    assert opened == ["000_a74ee38357d31740.txt"]
    assert "unreadable" in caplog.text
    assert sum(1 for r in run.results for i in r.plan_items if i.item_level == "task") == 85


def test_an_unwritable_cache_only_costs_time(documents, tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    cache = ExtractionCache(blocked)
    run = extract_folder(documents, cache)
    assert [d.extraction_status for d in run.documents].count("ok") == 2


def test_detected_metadata_comes_back_from_the_cache(tmp_path):
    # A PDF not in the manifest: issuer and date are detected from its text on the first read.
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(FIXTURES_DIR / "resolution.pdf", docs / "new_resolution.pdf")
    first = extract_folder(docs, ExtractionCache(tmp_path / "cache")).documents[0]
    second = extract_folder(docs, ExtractionCache(tmp_path / "cache")).documents[0]
    assert first.metadata_source == "detected" and first.issuer and first.document_date
    assert second == first


def test_code_version_changes_with_the_extraction_code(tmp_path, monkeypatch):
    import pipelines.extract.cache as cache_module

    package = Path(cache_module.__file__).resolve().parents[1]
    copy = tmp_path / "pipelines"
    for part in ("extract", "readers", "parsing"):
        shutil.copytree(package / part, copy / part)
    for name in ("document_model.py", "manifest.py"):
        shutil.copy(package / name, copy / name)
    monkeypatch.setattr(cache_module, "_PACKAGE_ROOT", copy)
    before = extraction_code_version()
    assert before == cache_module.extraction_code_version()  # stable
    numbers = copy / "parsing" / "numbers.py"
    numbers.write_text(numbers.read_text(encoding="utf-8") + "\n# a fix\n", encoding="utf-8")
    assert extraction_code_version() != before


def test_files_with_the_same_bytes_and_stem_keep_their_own_reasons(tmp_path, monkeypatch):
    # Three empty files: one sha256, one stem; each format fails in its own way.
    docs = tmp_path / "documents"
    docs.mkdir()
    for name in ("empty.docx", "empty.pdf", "empty.txt"):
        (docs / name).write_bytes(b"")
    expected = {
        "empty.docx": "empty.docx: không phải tệp DOCX (not a DOCX/zip file)",
        "empty.pdf": "empty.pdf: không phải tệp PDF (not a PDF file)",
        "empty.txt": "empty.txt: tệp rỗng (empty file)",
    }
    opened = _reads(monkeypatch)
    cache = ExtractionCache(tmp_path / "cache")
    first = extract_folder(docs, cache)
    assert {d.file_name: d.extraction_error for d in first.documents} == expected
    assert sorted(opened) == sorted(expected) and (cache.hits, cache.misses) == (0, 3)
    again = ExtractionCache(tmp_path / "cache")
    second = extract_folder(docs, again)
    assert {d.file_name: d.extraction_error for d in second.documents} == expected
    assert (again.hits, again.misses) == (3, 0)
    # One entry per file, named by it.
    assert sorted(p.name.split(".pickle")[0].rsplit(".", 2)[0] for p in (tmp_path / "cache").iterdir()) == [
        "empty.docx",
        "empty.pdf",
        "empty.txt",
    ]


def test_a_copy_is_not_read_and_has_no_cache_entry(documents, tmp_path, monkeypatch):
    shutil.copy(documents / "000_a74ee38357d31740.txt", documents / "ban sao.txt")
    opened = _reads(monkeypatch)
    cache = ExtractionCache(tmp_path / "cache")
    run = extract_folder(documents, cache)
    assert "ban sao.txt" not in opened and (cache.hits, cache.misses) == (0, 3)
    copy = next(d for d in run.documents if d.file_name == "ban sao.txt")
    assert (copy.extraction_status, copy.record_count) == ("duplicate", 0)
    assert not list((tmp_path / "cache").glob("ban sao.txt.*"))
