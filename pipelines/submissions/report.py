"""The error report sent back to a department: one row per finding, as xlsx and csv, and as text.

Every file gets the CSV; the xlsx (summary sheet TomTat + findings sheet ChiTiet) is written when there
is something to fix. A clean file's CSV holds one row saying there are no findings.

Two readers, two forms of the same findings:

- the xlsx is for the civil servant who fixes the file: Vietnamese only, columns named as the template
  prints them ("Giải ngân lũy kế …" with the cell F3, not ``disbursed_cumulative_mvnd``), severity in
  words, the rule ID last as a small reference to the catalogue in docs/submissions.md;
- the csv is for analysts' scripts: column codes, rule IDs, severities as codes and both messages, as
  before; the Vietnamese words of the xlsx (``severity_vi``, ``column_label_vi``) are added at the end,
  so a script reading the earlier columns by name or by position keeps working.

Every text cell is neutralised against formula injection: a department's "=HYPERLINK(...)" comes back
as text, never as a live formula.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
from pathlib import Path

from pipelines.export_safety import neutralise_formula
from pipelines.submissions import layout
from pipelines.submissions.filewriter import FileWriter
from pipelines.submissions.validator import Finding, ValidationResult
from pipelines.submissions.xlsx_writer import xlsx_bytes

# The csv's header: never removed or reordered (analysts script against it); new columns go at the end.
CSV_COLUMNS = (
    "sheet",
    "row",
    "column",
    "cell",
    "value_provided",
    "expected",
    "rule_id",
    "severity",
    "message_vi",
    "message_en",
    "severity_vi",
    "column_label_vi",
)
# The xlsx's header, what the department reads.
XLSX_COLUMNS = (
    "Trang tính",
    "Dòng",
    "Cột",
    "Ô",
    "Giá trị đã ghi",
    "Giá trị cần có",
    "Mức độ",
    "Nội dung lỗi",
    "Mã quy tắc",
)
log = logging.getLogger(__name__)
REPORT_INDEX_NAME = "report_index.json"
_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# layout.py: the xlsx names columns by the labels it holds.
_REPORT_CODE = (
    "submissions/report.py",
    "submissions/xlsx_writer.py",
    "submissions/layout.py",
    "export_safety.py",
)
SEVERITY_VI = {"fatal": "nghiêm trọng", "warning": "cảnh báo"}
# What each severity means for the file, on the summary sheet.
SEVERITY_MEANING_VI = {
    "fatal": "tệp chưa được nạp: vui lòng sửa các ô này rồi gửi lại cả tệp",
    "warning": "tệp đã được nạp; vui lòng kiểm tra lại các ô này",
}
REPORT_TITLE_VI = "BÁO CÁO KIỂM TRA TỆP BÁO CÁO"
NO_FINDINGS_VI = "Không phát hiện lỗi nào: tệp đạt mọi quy tắc kiểm tra."
NO_FINDINGS_EN = "No findings: the file passes every rule."
STATUS_VI = {
    "accepted": "Đạt — đã nạp",
    "flagged": "Đã nạp, có cảnh báo cần kiểm tra",
    "rejected": "Không nạp — vui lòng sửa các lỗi nghiêm trọng và gửi lại",
    "duplicate": "Tệp trùng với tệp đã nhận — không nạp lại",
}
# What `nq57 validate` prints: it loads nothing, so it says what a refresh would do with the file
# (it said "Đạt — đã nạp", loaded, of a file checked before it was sent).
PREVIEW_STATUS_VI = {
    "accepted": "Đạt — tệp sẽ được nạp",
    "flagged": "Tệp sẽ được nạp, có cảnh báo cần kiểm tra",
    "rejected": "Tệp sẽ không được nạp — vui lòng sửa các lỗi nghiêm trọng rồi mới gửi",
    "duplicate": "Tệp trùng với tệp đã nhận — sẽ không được nạp lại",
}


def _safe(value: object) -> object:
    return neutralise_formula(value) if isinstance(value, str) else value


def shown_value(finding: Finding) -> str:
    """The value as the xlsx shows it: the Vietnamese half of a file-level reading detail.

    A file that cannot be read (SUB-F01/F02/F03/E01) has no cell; its finding carries the reader's
    detail written "Vietnamese / English" (``readers.SubmissionReadError``). The csv keeps it whole.
    """
    value = finding.value or ""
    if finding.sheet is None and finding.category in ("file", "encoding") and " / " in value:
        return value.split(" / ", 1)[0]
    return value


def csv_row(finding: Finding) -> list[object]:
    return [
        _safe(finding.sheet or ""),
        finding.row_no,
        _safe(finding.column or ""),
        finding.cell_ref or "",
        _safe(finding.value if finding.value is not None else ""),
        _safe(finding.expected or ""),
        finding.rule_id,
        finding.severity,
        _safe(finding.message_vi),
        _safe(finding.message_en),
        SEVERITY_VI.get(finding.severity, finding.severity),
        _safe(layout.column_label(finding.sheet, finding.column)),
    ]


def xlsx_row(finding: Finding) -> list[object]:
    return [
        _safe(finding.sheet or ""),
        finding.row_no,
        _safe(layout.column_label(finding.sheet, finding.column)),
        finding.cell_ref or "",
        _safe(shown_value(finding)),
        _safe(finding.expected or ""),
        SEVERITY_VI.get(finding.severity, finding.severity),
        _safe(finding.message_vi),
        finding.rule_id,
    ]


def sorted_findings(result: ValidationResult) -> list[Finding]:
    # Fatal first, then in reading order, so the department starts with what blocks loading.
    return sorted(
        result.findings,
        key=lambda f: (f.severity != "fatal", f.sheet or "", f.row_no or 0, f.cell_ref or "", f.rule_id),
    )


def report_csv_text(result: ValidationResult) -> str:
    """The findings, one per row; a file without findings gets one row saying so (NO_FINDINGS_VI/_EN)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for finding in sorted_findings(result):
        writer.writerow(["" if v is None else v for v in csv_row(finding)])
    if not result.findings:
        writer.writerow(["", "", "", "", "", "", "", "", NO_FINDINGS_VI, NO_FINDINGS_EN, "", ""])
    return buffer.getvalue()


def summary_rows(
    result: ValidationResult, status: str | None = None, preview: bool = False
) -> list[list[object]]:
    """The summary sheet. ``preview``: the file was only checked (`nq57 validate --report`), so the
    result says what a refresh would do with it, not that it was loaded."""
    status = status or result.status
    words = PREVIEW_STATUS_VI if preview else STATUS_VI
    return [
        [REPORT_TITLE_VI],
        ["Tệp", _safe(result.file_name)],
        ["Cơ quan", result.agency_code or result.agency_code_from_name or "(không xác định)"],
        ["Kỳ báo cáo", (result.period or result.period_from_name or "(không xác định)").__str__()],
        ["Kết quả", words.get(status, status)],
        ["Số lỗi nghiêm trọng", result.fatal_count],
        ["Số cảnh báo", result.warning_count],
        [
            "Dữ liệu mẫu",
            "CÓ" if result.is_sample else ("KHÔNG" if result.is_sample is False else "(không rõ)"),
        ],
        *([f"Mức độ '{SEVERITY_VI[s]}'", SEVERITY_MEANING_VI[s]] for s in ("fatal", "warning")),
    ]


def report_xlsx_bytes(result: ValidationResult, status: str | None = None, preview: bool = False) -> bytes:
    details: list[list[object]] = [list(XLSX_COLUMNS)]
    details.extend(xlsx_row(f) for f in sorted_findings(result))
    return xlsx_bytes([("TomTat", summary_rows(result, status, preview)), ("ChiTiet", details)])


def write_report(
    result: ValidationResult,
    stem_path: Path,
    status: str | None = None,
    writer: FileWriter | None = None,
    preview: bool = False,
) -> tuple[Path, ...]:
    """The report files beside ``stem_path``: ``<stem>.errors.csv`` always (UTF-8 with BOM so Excel shows
    Vietnamese), ``<stem>.errors.xlsx`` only when there are findings.

    A clean file's report is the CSV with its one "no findings" row: an Excel workbook saying nothing
    cost as much to write as validating the file, and most files are clean. Returns the paths written
    or kept, the xlsx first when there is one. With a ``writer`` the files are written on its thread.
    """
    xlsx_path = stem_path.with_name(stem_path.name + ".errors.xlsx")
    csv_path = stem_path.with_name(stem_path.name + ".errors.csv")
    csv_bytes = report_csv_text(result).encode("utf-8-sig")
    wanted = (xlsx_path, csv_path) if result.findings else (csv_path,)
    own_writer = writer is None
    writer = writer or FileWriter()
    try:
        if not result.findings:
            writer.remove(xlsx_path)  # findings of an earlier run are gone (history changed): no stale report
        # A nightly refresh re-validates every archived file; most reports do not change (the findings
        # decide the status and the summary), and rewriting them would cost more than the validation.
        if all(writer.exists(p) for p in wanted):
            writer.wait(csv_path)  # the same report queued earlier in this run (same archived copy)
            if csv_path.read_bytes() == csv_bytes:
                return wanted
        if result.findings:
            writer.write(xlsx_path, report_xlsx_bytes(result, status, preview))
        writer.write(csv_path, csv_bytes)
    finally:
        if own_writer:
            writer.close()
    return wanted


def report_text(result: ValidationResult) -> str:
    """What ``nq57 validate`` prints: what a refresh would do with the file (PREVIEW_STATUS_VI)."""
    period = result.period or result.period_from_name
    sample = "CÓ" if result.is_sample else ("KHÔNG" if result.is_sample is False else "?")
    lines = [
        f"{result.file_name}: {PREVIEW_STATUS_VI[result.status]} ({result.status}) — "
        f"{result.fatal_count} lỗi nghiêm trọng, {result.warning_count} cảnh báo",
        f"  cơ quan: {result.agency_code or '?'}  kỳ: {period or '?'}  mẫu: {sample}  "
        f"phiên bản: {result.template_version or '?'}  dòng: kinh phí {len(result.budget_rows)}, "
        f"tiến độ {len(result.progress_rows)}, chỉ tiêu {len(result.kpi_rows)}",
    ]
    for finding in sorted_findings(result):
        where = " ".join(
            part
            for part in (
                finding.sheet or "",
                f"dòng {finding.row_no}" if finding.row_no else "",
                finding.cell_ref or "",
                f"[{finding.column}]" if finding.column else "",
            )
            if part
        )
        lines.append(f"  {finding.rule_id} {finding.severity:<7} {where or '(tệp)'}")
        if finding.value is not None or finding.expected:
            # A finding about the whole file (SUB-C01: nothing filled in) has nothing written to show.
            written = "(không có)" if finding.value is None else repr(finding.value)
            lines.append(f"      đã ghi: {written}  cần: {finding.expected or ''}")
        lines.append(f"      {finding.message_vi}")
        lines.append(f"      ({finding.message_en})")
    return "\n".join(lines)


# ── Which reports are already on disk ───────────────────────────────────────────────────────
def report_code_version() -> str:
    """A short hash of the code that writes the reports: a change rewrites every report once."""
    digest = hashlib.sha256()
    for part in _REPORT_CODE:
        digest.update(part.encode() + b"\0" + (_PACKAGE_ROOT / part).read_bytes())
    return digest.hexdigest()[:16]


def report_digest(result: ValidationResult, status: str) -> str:
    """Everything a file's report shows: its status, summary and findings (the reprs are exact)."""
    shown = repr((status, summary_rows(result, status), result.findings))
    return hashlib.sha256(shown.encode()).hexdigest()[:24]


def reports_on_disk(stem_path: Path, has_findings: bool, writer: FileWriter) -> bool:
    """The csv is there, and the xlsx is there exactly when there are findings (from the writer's listing)."""
    xlsx_path = stem_path.with_name(stem_path.name + ".errors.xlsx")
    csv_path = stem_path.with_name(stem_path.name + ".errors.csv")
    return writer.exists(csv_path) and writer.exists(xlsx_path) == has_findings


class ReportIndex:
    """Archive path → digest of the report written beside it, so that a refresh whose report would say
    the same (unchanged file, unchanged history) neither reads it back nor rewrites it.

    One JSON file, valid for one report code version. It is removed before the first report of a run is
    written and saved again once every report is on disk, so it never vouches for a report a crashed run
    may have replaced. Unreadable → every report is compared with its file as before (with a warning);
    not writable → the same, next time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.code_version = report_code_version()
        self.digests: dict[str, str] = {}
        self._dirty = False
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            log.warning("report index %s unreadable (%s): comparing every report with its file", path, error)
            return
        if isinstance(stored, dict) and stored.get("code_version") == self.code_version:
            reports = stored.get("reports")
            if isinstance(reports, dict):
                self.digests = {str(k): str(v) for k, v in reports.items()}

    def unchanged(self, archive_path: str, digest: str) -> bool:
        return self.digests.get(archive_path) == digest

    def record(self, archive_path: str, digest: str) -> None:
        if self.digests.get(archive_path) == digest:
            return
        if not self._dirty:
            self._dirty = True
            try:
                self.path.unlink(missing_ok=True)  # from now on it would not tell the truth
            except OSError as error:
                log.warning("report index %s not removed: %s", self.path, error)
        self.digests[archive_path] = digest

    def save(self, archive_paths: set[str]) -> None:
        """Write the index (of the given archive paths) if it changed; call once every report is written."""
        stale = set(self.digests) - archive_paths
        if not self._dirty and not stale:
            return
        reports = {k: v for k, v in sorted(self.digests.items()) if k in archive_paths}
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(
                json.dumps({"code_version": self.code_version, "reports": reports}), encoding="utf-8"
            )
            os.replace(tmp, self.path)
        except OSError as error:
            log.warning("report index %s not written (%s): reports are compared next time", self.path, error)
