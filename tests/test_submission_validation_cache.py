"""The validation cache: an unchanged submission is not validated again (issue 5, incremental work)."""

from __future__ import annotations

import csv
import dataclasses
import logging
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipelines.submissions.ingest as ingest_module
from pipelines.paths import DBT_PROJECT_DIR
from pipelines.submissions import validation_cache
from pipelines.submissions.ingest import ingest_submissions
from pipelines.submissions.raw_tables import TABLES
from pipelines.submissions.reference import ReferenceData, default_reference_data, load_reference_data
from pipelines.submissions.validation_cache import CACHE_FOLDER_NAME, reference_fingerprint

SAMPLES = Path(__file__).resolve().parents[1] / "raw" / "submissions"
CORPUS = Path(__file__).parent / "submissions_corpus"


class Calls:
    """Counts (and names) the files given to the validator and the reports written."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.validated: list[str] = []
        self.reports: list[str] = []
        validate, write_report = ingest_module.validate_bytes, ingest_module.write_report

        def counting_validate(file_name, data, reference, history=None):
            self.validated.append(file_name)
            return validate(file_name, data, reference, history)

        def counting_report(result, stem_path, status=None, writer=None):
            self.reports.append(stem_path.name)
            return write_report(result, stem_path, status, writer)

        monkeypatch.setattr(ingest_module, "validate_bytes", counting_validate)
        monkeypatch.setattr(ingest_module, "write_report", counting_report)

    def reset(self) -> None:
        self.validated.clear()
        self.reports.clear()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    return Calls(monkeypatch)


def _inbox(root: Path) -> Path:
    """The 15 samples, plus an unreadable file and a duplicate pair from the corpus."""
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox)
    for rule in ("SUB-F01", "SUB-F04", "SUB-V03"):
        shutil.copytree(CORPUS / rule, inbox / "bad" / rule)
    return inbox


def _ingest(root: Path, reference: ReferenceData | None = None, **kwargs):
    return ingest_submissions(
        root / "inbox", root / "raw", root / "archive", reference or default_reference_data(), **kwargs
    )


def _tables(raw: Path) -> dict[str, bytes]:
    return {name: (raw / f"{name}.parquet").read_bytes() for name in TABLES}


def _statuses(raw: Path) -> dict[str, tuple]:
    rows = pq.read_table(raw / "submission_files.parquet").to_pylist()
    return {r["source_path"]: (r["status"], r["version"], r["is_current"], r["rule_ids"]) for r in rows}


def test_second_ingest_validates_nothing_and_writes_the_same_tables(tmp_path: Path, calls: Calls) -> None:
    _inbox(tmp_path)
    first = _ingest(tmp_path)
    files = 15 + 4  # the samples (one of them a CSV) and the corpus files
    assert (first.validated, first.from_cache, first.files) == (files, 0, files)
    assert len(calls.validated) == files
    tables, statuses = _tables(tmp_path / "raw"), _statuses(tmp_path / "raw")
    assert {s for s, *_ in statuses.values()} == {"accepted", "flagged", "rejected", "duplicate"}
    reports = {p: p.stat().st_mtime_ns for p in (tmp_path / "archive" / "files").rglob("*.errors.*")}

    calls.reset()
    second = _ingest(tmp_path)
    assert calls.validated == []  # the validator is not called at all
    assert (second.validated, second.from_cache) == (0, files)
    assert second.by_status == first.by_status and second.rows == first.rows
    assert _tables(tmp_path / "raw") == tables  # byte for byte
    assert _statuses(tmp_path / "raw") == statuses
    # and the reports, already saying the same, are neither rewritten nor read back
    assert calls.reports == []
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "archive" / "files").rglob("*.errors.*")} == reports
    assert "không đổi nên lấy từ bộ nhớ đệm 19" in second.text()


def test_cached_ingest_equals_a_fresh_validation(tmp_path: Path) -> None:
    """Tables from cached results equal those of the same archive validated with no cache at all."""
    _inbox(tmp_path)
    _ingest(tmp_path)
    _ingest(tmp_path)  # every result from the cache
    cached = {name: pq.read_table(tmp_path / "raw" / f"{name}.parquet") for name in TABLES}
    shutil.rmtree(tmp_path / "archive" / CACHE_FOLDER_NAME)
    summary = _ingest(tmp_path)
    assert summary.from_cache == 0
    for name in TABLES:
        assert pq.read_table(tmp_path / "raw" / f"{name}.parquet").equals(cached[name]), name


def test_a_changed_file_is_validated_again_and_only_that_one(tmp_path: Path, calls: Calls) -> None:
    inbox = _inbox(tmp_path)
    _ingest(tmp_path)
    # SYT sends its 2026-Q2 file again with an allocation above the plan (SUB-X03): new bytes, same name
    shutil.copy(CORPUS / "SUB-X03" / "SYT_2026-Q2.xlsx", inbox / "SYT_2026-Q2.xlsx")
    calls.reset()
    summary = _ingest(tmp_path)
    assert calls.validated == ["SYT_2026-Q2.xlsx"]
    assert (summary.validated, summary.from_cache) == (1, summary.files - 1)
    rows = pq.read_table(tmp_path / "raw" / "submission_files.parquet").to_pylist()
    syt = sorted(
        (r["received_at"], r["version"], r["rule_ids"])
        for r in rows
        if r["source_path"] == "SYT_2026-Q2.xlsx"
    )
    # The new content is received when it arrives, not on the manifest's date of the first file
    # (session 12): after SYT's other 2026-Q2 versions, so it is the newest one.
    versions = sorted(
        (r["received_at"], r["version"])
        for r in rows
        if (r["agency_code"], r["period"]) == ("SYT", "2026-Q2") and r["version"] is not None
    )
    assert syt[-1][1] == versions[-1][1] == len(versions) and syt[0][1] == 1
    assert "SUB-X03" in syt[-1][2]
    # only the new file's report is written; every other report already says what it should
    assert len(calls.reports) == 1 and calls.reports[0].endswith("SYT_2026-Q2.xlsx")


def test_changed_reference_data_or_code_validates_everything_again(
    tmp_path: Path, calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    _inbox(tmp_path)
    reference = default_reference_data()
    first = _ingest(tmp_path, reference)
    files = first.files
    cache = tmp_path / "archive" / CACHE_FOLDER_NAME
    generations = [p.name for p in cache.iterdir() if p.is_dir()]
    assert len(generations) == 1

    # a task removed from the plan: files reporting it now break SUB-C02
    tasks = dict(reference.tasks)
    del tasks[("I", "68")]
    changed = dataclasses.replace(reference, tasks=tasks)
    assert reference_fingerprint(changed) != reference_fingerprint(reference)
    assert reference_fingerprint(dataclasses.replace(reference, document_id="renamed")) == (
        reference_fingerprint(reference)
    )  # a label, not something a file is checked against
    calls.reset()
    summary = _ingest(tmp_path, changed)
    assert (summary.validated, summary.from_cache) == (files, 0) and len(calls.validated) == files
    rows = pq.read_table(tmp_path / "raw" / "submission_findings.parquet").to_pylist()
    assert any(r["rule_id"] == "SUB-C02" and r["value_provided"] == "68" for r in rows)
    # the entries of the old reference data are gone: one folder per reference data and code version
    assert [p.name for p in cache.iterdir() if p.is_dir()] != generations

    # back to the real plan, then a new code version: everything once more
    _ingest(tmp_path, reference)
    monkeypatch.setattr(validation_cache, "validation_code_version", lambda: "new-code-version")
    calls.reset()
    summary = _ingest(tmp_path, reference)
    assert (summary.validated, summary.from_cache) == (files, 0) and len(calls.validated) == files
    assert [p.name for p in cache.iterdir() if p.is_dir()] == [
        f"new-code-version-{reference_fingerprint(reference)}"
    ]
    calls.reset()
    assert _ingest(tmp_path, reference).validated == 0 and calls.validated == []


def _give_indicator_to(seeds: Path, indicator_code: str, agency_code: str) -> None:
    path = seeds / "map_indicator_agency.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    assert indicator_code in {r["indicator_code"] for r in rows}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(
            {**r, "agency_code": agency_code} if r["indicator_code"] == indicator_code else r for r in rows
        )


def test_a_change_to_the_indicator_agency_seed_validates_again(tmp_path: Path, calls: Calls) -> None:
    """map_indicator_agency is part of the reference fingerprint: a new assignment re-validates (SUB-C06)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(CORPUS / "SUB-C06" / "SKHCN_2026-Q2.xlsx", inbox)  # SKHCN reporting TFP, STC's indicator
    seeds = tmp_path / "seeds"
    shutil.copytree(DBT_PROJECT_DIR / "seeds", seeds)
    before = load_reference_data(seeds_dir=seeds)
    assert before == default_reference_data()
    assert _ingest(tmp_path, before).by_status == {"flagged": 1}
    assert _ingest(tmp_path, before).from_cache == 1

    _give_indicator_to(seeds, "TFP_CONTRIBUTION", "SKHCN")  # the seed is reviewed: SKHCN reports TFP
    after = load_reference_data(seeds_dir=seeds)
    assert after.indicator_agency["TFP_CONTRIBUTION"] == "SKHCN"
    assert reference_fingerprint(after) != reference_fingerprint(before)
    calls.reset()
    summary = _ingest(tmp_path, after)
    assert calls.validated == ["SKHCN_2026-Q2.xlsx"] and summary.from_cache == 0
    assert summary.by_status == {"accepted": 1}
    assert pq.read_table(tmp_path / "raw" / "submission_findings.parquet").num_rows == 0


def test_code_version_follows_the_validation_source() -> None:
    version = validation_cache.validation_code_version()
    assert len(version) == 16 and version == validation_cache.validation_code_version()
    assert "submissions/validator.py" in validation_cache._CODE_PARTS
    assert "submissions/rules.py" in validation_cache._CODE_PARTS


def test_a_damaged_entry_is_a_miss(tmp_path: Path, calls: Calls, caplog: pytest.LogCaptureFixture) -> None:
    _inbox(tmp_path)
    _ingest(tmp_path)
    tables = _tables(tmp_path / "raw")
    entries = sorted((tmp_path / "archive" / CACHE_FOLDER_NAME).rglob("*.pickle"))
    entries[0].write_bytes(entries[0].read_bytes()[:40])  # truncated
    entries[1].write_bytes(b"")  # empty
    calls.reset()
    with caplog.at_level(logging.WARNING, logger="pipelines.submissions.validation_cache"):
        summary = _ingest(tmp_path)
    assert summary.validated == 2 and len(calls.validated) == 2
    assert sum("unreadable" in r.getMessage() for r in caplog.records) == 2
    assert _tables(tmp_path / "raw") == tables
    calls.reset()
    assert _ingest(tmp_path).validated == 0  # written again


def test_an_unwritable_cache_is_only_slower(tmp_path: Path, calls: Calls) -> None:
    _inbox(tmp_path)
    blocked = tmp_path / "not_a_folder"
    blocked.write_text("a file where the cache folder should be")
    first = _ingest(tmp_path, cache_folder=blocked / "cache")
    tables = _tables(tmp_path / "raw")
    second = _ingest(tmp_path, cache_folder=blocked / "cache")
    assert second.validated == second.files == first.files  # nothing cached, nothing failed
    assert _tables(tmp_path / "raw") == tables


def test_cumulative_check_runs_over_cached_files(tmp_path: Path, calls: Calls) -> None:
    """SUB-X01 needs other files: it is worked out on every refresh, from cached results too."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(CORPUS / "SUB-X01" / "manifest.csv", inbox)
    # the later quarter arrives first (alone it is clean), the earlier quarter's file afterwards
    shutil.copy(CORPUS / "SUB-X01" / "SYT_2026-Q2.xlsx", inbox)
    assert _ingest(tmp_path).by_status == {"accepted": 1}
    shutil.copy(CORPUS / "SUB-X01" / "SYT_2026-Q1.xlsx", inbox)
    calls.reset()
    summary = _ingest(tmp_path)
    assert calls.validated == ["SYT_2026-Q1.xlsx"]  # the Q2 result comes from the cache ...
    statuses = _statuses(tmp_path / "raw")
    assert statuses["SYT_2026-Q2.xlsx"][0] == "rejected"  # ... and the history check still sees the drop
    assert statuses["SYT_2026-Q2.xlsx"][3] == "SUB-X01"
    assert summary.by_status == {"accepted": 1, "rejected": 1}
    # both cached: the same answer, and the report written when X01 first fired is kept
    calls.reset()
    summary = _ingest(tmp_path)
    assert (summary.validated, calls.validated, calls.reports) == (0, [], [])
    assert _statuses(tmp_path / "raw") == statuses
    findings = pq.read_table(tmp_path / "raw" / "submission_findings.parquet").to_pylist()
    assert [(f["file_name"], f["rule_id"]) for f in findings] == [("SYT_2026-Q2.xlsx", "SUB-X01")]
    xlsx = tmp_path / "archive" / _report_of(tmp_path, "SYT_2026-Q2.xlsx")
    assert xlsx.exists()


def _report_of(root: Path, file_name: str) -> str:
    rows = pq.read_table(root / "raw" / "submission_files.parquet").to_pylist()
    (row,) = [r for r in rows if r["file_name"] == file_name]
    return row["error_report_xlsx"]


def test_a_missing_report_is_written_again(tmp_path: Path, calls: Calls) -> None:
    _inbox(tmp_path)
    _ingest(tmp_path)
    rows = pq.read_table(tmp_path / "raw" / "submission_files.parquet").to_pylist()
    (row,) = [r for r in rows if r["source_path"] == "SYT_2026-Q2.xlsx"]  # flagged: csv and xlsx
    csv_path = tmp_path / "archive" / row["error_report_csv"]
    text = csv_path.read_bytes()
    csv_path.unlink()
    calls.reset()
    _ingest(tmp_path)
    assert calls.reports == [Path(row["archive_path"]).name] and csv_path.read_bytes() == text
