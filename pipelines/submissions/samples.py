"""Synthetic submissions: the shipped samples, the test corpus of bad files, and the benchmark corpus.

Every figure here is INVENTED, derived from the plan by fixed rules so the samples look like real
reports (allocation = the plan's share for the year, disbursement rising through the year). Every file
is marked as a sample inside (a red banner on the instructions sheet and ``is_sample = CÓ`` on the
info sheet), and ingestion carries ``is_sample`` into every table. Nothing random: the same
reference data always gives the same files.

    python -m pipelines.submissions.samples samples raw/submissions
    python -m pipelines.submissions.samples corpus tests/submissions_corpus
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from pipelines.submissions import layout
from pipelines.submissions.layout import Period
from pipelines.submissions.reference import ReferenceData
from pipelines.submissions.template import (
    SubmissionContent,
    prefilled_content,
    write_csv,
    write_plain_xlsx,
    write_template_xlsx,
)
from pipelines.submissions.xlsx_writer import Formula

# Share of the year's allocation disbursed by the end of each quarter (cumulative), before variation.
_DISBURSED_SHARE = {1: Decimal("0.12"), 2: Decimal("0.31"), 3: Decimal("0.55"), 4: Decimal("0.83")}
_KPI_SAMPLE = {  # plausible values near the document's baselines; invented, marked as sample
    "TFP_CONTRIBUTION": Decimal("44.6"),
    "PII_SCORE": Decimal("45.3"),
    "ST_HIGHTECH_ENTERPRISES": Decimal("24"),
    "DTI_RANK": Decimal("15"),
    "DIGITAL_ECONOMY_SHARE": Decimal("14.2"),
    "ADULT_DIGITAL_SKILLS": Decimal("71.5"),
}


def _vary(key: str, low: int, high: int) -> int:
    """A fixed pseudo-random integer in [low, high] for a key (stable across runs and machines)."""
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return low + digest % (high - low + 1)


def filled_content(
    reference: ReferenceData, agency: str, period: Period, prepared_by: str = ""
) -> SubmissionContent:
    """A complete, clean submission for one agency and period (sample data)."""
    content = prefilled_content(reference, agency, period, is_sample=True)
    content.prepared_by = prepared_by or "Cán bộ tổng hợp (mẫu)"
    content.contact = "0272 000 000 (mẫu)"
    budget = []
    for row in content.budget:
        source = reference.funding_sources[row["funding_source"]]
        plan = reference.plan_for(row["appendix"], row["item_no"], source.is_state_budget, period.year)
        if plan is None or plan == 0:
            continue  # no planned money this year: a department leaves the row empty
        key = f"{agency}:{row['appendix']}:{row['item_no']}:{row['funding_source']}:{period.year}"
        allocated = (plan * _vary(key, 85, 100) / 100).quantize(Decimal(1), ROUND_DOWN)
        share = _DISBURSED_SHARE[period.quarter] * _vary(key + ":d", 70, 120) / 100
        disbursed = min(allocated, (allocated * share).quantize(Decimal("0.001"), ROUND_DOWN))
        budget.append({**row, "allocated_mvnd": allocated, "disbursed_cumulative_mvnd": disbursed})
    content.budget = budget
    progress = []
    quarter_index = (period.year - 2025) * 4 + period.quarter  # 2025-Q1 = 1
    for row in content.progress:
        task = reference.tasks[(row["appendix"], row["item_no"])]
        key = f"{agency}:{row['appendix']}:{row['item_no']}"
        percent = min(100, quarter_index * _vary(key, 3, 9))
        if task.deadline_date and task.deadline_date < period.end:
            percent = 100
        status = "done" if percent >= 100 else ("in_progress" if percent > 0 else "not_started")
        note = "Đang triển khai theo kế hoạch (mẫu)" if status == "in_progress" else None
        progress.append({**row, "status": layout.STATUSES[status], "percent_complete": percent, "note": note})
    content.progress = progress
    for row in content.kpi:
        row["value"] = _KPI_SAMPLE.get(row["indicator_code"])
        row["note"] = "Số liệu mẫu"
    return content


# ── the shipped samples ─────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class SampleFile:
    file_name: str
    agency: str
    period: str
    received_at: str
    note: str
    kind: str = "xlsx"  # 'xlsx' | 'csv1258'
    change: Callable[[SubmissionContent], None] | None = None


def _typo_in_disbursement(content: SubmissionContent) -> None:
    # The first version of a resubmitted report: one cumulative figure typed ten times too large.
    row = max(content.budget, key=lambda r: r["allocated_mvnd"])
    row["disbursed_cumulative_mvnd"] = row["disbursed_cumulative_mvnd"] * 10


def _with_warnings(content: SubmissionContent) -> None:
    # Loaded but flagged: one disbursement above its allocation, one task 'done' at 95 %.
    content.budget[0]["disbursed_cumulative_mvnd"] = content.budget[0]["allocated_mvnd"] + 250
    content.progress[-1].update(status=layout.STATUSES["done"], percent_complete=95)


def _negative_amount(content: SubmissionContent) -> None:
    content.budget[1]["allocated_mvnd"] = -content.budget[1]["allocated_mvnd"]


# The science department's files report all six KPI indicators, TFP among them, which the curated
# mapping (map_indicator_agency) gives to STC: loaded, with a warning, as a real mix-up would be.
SKHCN_TFP = "warning SUB-C06: also reports TFP, an indicator assigned to STC"

SAMPLES = (
    SampleFile("SYT_2025-Q4.xlsx", "SYT", "2025-Q4", "2026-01-12T09:15:00+07:00", "clean"),
    SampleFile("SGDDT_2025-Q4.xlsx", "SGDDT", "2025-Q4", "2026-01-14T14:02:00+07:00", "clean"),
    SampleFile("SKHCN_2025-Q4.xlsx", "SKHCN", "2025-Q4", "2026-01-15T10:40:00+07:00", SKHCN_TFP),
    SampleFile("VPTU_2025-Q4.xlsx", "VPTU", "2025-Q4", "2026-01-16T08:30:00+07:00", "clean (Appendix II)"),
    SampleFile("SYT_2026-Q1.xlsx", "SYT", "2026-Q1", "2026-04-08T16:20:00+07:00", "clean"),
    SampleFile("STC_2026-Q1.xlsx", "STC", "2026-Q1", "2026-04-09T11:05:00+07:00", "clean"),
    SampleFile(
        "SNNMT_2026-Q1.csv", "SNNMT", "2026-Q1", "2026-04-10T09:00:00+07:00", "CSV in Windows-1258", "csv1258"
    ),
    SampleFile(
        "SKHCN_2026-Q1.xlsx",
        "SKHCN",
        "2026-Q1",
        "2026-04-11T15:45:00+07:00",
        f"first version of a resubmission: one figure ten times too large (SUB-X02); {SKHCN_TFP}",
        change=_typo_in_disbursement,
    ),
    SampleFile(
        "SKHCN_2026-Q1_v2.xlsx",
        "SKHCN",
        "2026-Q1",
        "2026-04-20T08:10:00+07:00",
        f"resubmission (corrected); {SKHCN_TFP}",
    ),
    SampleFile("SGDDT_2026-Q1.xlsx", "SGDDT", "2026-Q1", "2026-04-14T10:00:00+07:00", "clean"),
    SampleFile(
        "SYT_2026-Q2.xlsx",
        "SYT",
        "2026-Q2",
        "2026-07-09T09:30:00+07:00",
        "warnings (SUB-X02, SUB-V06)",
        change=_with_warnings,
    ),
    SampleFile("SKHCN_2026-Q2.xlsx", "SKHCN", "2026-Q2", "2026-07-10T14:00:00+07:00", SKHCN_TFP),
    SampleFile(
        "SGDDT_2026-Q2.xlsx",
        "SGDDT",
        "2026-Q2",
        "2026-07-13T08:45:00+07:00",
        "rejected (SUB-V02 negative amount)",
        change=_negative_amount,
    ),
    SampleFile(
        "SGDDT_2026-Q2_v2.xlsx", "SGDDT", "2026-Q2", "2026-07-15T09:20:00+07:00", "resubmission (corrected)"
    ),
    SampleFile("VPTU_2026-Q2.xlsx", "VPTU", "2026-Q2", "2026-07-16T10:00:00+07:00", "clean (Appendix II)"),
)
SAMPLE_MANIFEST_COLUMNS = ("file_name", "received_at", "is_sample", "note")


def write_samples(reference: ReferenceData, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in SAMPLES:
        period = layout.parse_period(sample.period)
        assert period is not None
        content = filled_content(reference, sample.agency, period)
        if sample.change:
            sample.change(content)
        path = folder / sample.file_name
        if sample.kind == "csv1258":
            write_csv(content, path, encoding="cp1258")
        else:
            write_template_xlsx(content, path)
        written.append(path)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SAMPLE_MANIFEST_COLUMNS)
        for sample in SAMPLES:
            writer.writerow(
                [sample.file_name, sample.received_at, "true", f"DỮ LIỆU MẪU (sample): {sample.note}"]
            )
    return written


# ── the test corpus: one bad file per rule ──────────────────────────────────────────────────
def _base(reference: ReferenceData, agency: str = "SYT", period: str = "2026-Q2") -> SubmissionContent:
    found = layout.parse_period(period)
    assert found is not None
    return filled_content(reference, agency, found)


def _xlsx(content: SubmissionContent) -> bytes:
    buffer = io.BytesIO()
    write_plain_xlsx(content, buffer)
    return buffer.getvalue()


def _set(rows: list[dict[str, Any]], index: int, **values: Any) -> None:
    rows[index].update(values)


# A text cell holding just an Excel error ('#N/A'), as the plain xlsx writer writes it.
_ERROR_AS_TEXT = re.compile(
    rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t xml:space="preserve">'
    rb"(#N/A|#DIV/0!|#VALUE!|#REF!)</t></is></c>"
)


def _rewrite_parts(workbook: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The workbook with each part's bytes passed through ``change(part name, bytes)``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info)))
    return out.getvalue()


def _as_error_values(workbook: bytes) -> bytes:
    """The workbook with every '#N/A'-like text cell stored as Excel stores a failed formula's result
    pasted as a value: an error value (t="e"), which a reader sees as an empty cell unless it looks."""

    def change(name: str, data: bytes) -> bytes:
        if not name.startswith("xl/worksheets/"):
            return data
        return _ERROR_AS_TEXT.sub(rb'<c r="\1" t="e"><v>\2</v></c>', data)

    return _rewrite_parts(workbook, change)


def _with_merged_cells(workbook: bytes, sheet_part: str, ref: str) -> bytes:
    """The workbook with the cells of ``ref`` ('E3:E4', 'A1:C1') merged on one sheet, as Excel's Merge
    Cells leaves them: the first cell keeps its value, the others are emptied."""
    corners = re.fullmatch(r"([A-Z])(\d+):([A-Z])(\d+)", ref)
    assert corners is not None
    first_col, last_col = ord(corners.group(1)), ord(corners.group(3))
    first, last = int(corners.group(2)), int(corners.group(4))
    emptied = [
        f"{chr(c)}{r}"
        for r in range(first, last + 1)
        for c in range(first_col, last_col + 1)
        if (r, c) != (first, first_col)
    ]

    def change(name: str, data: bytes) -> bytes:
        if name != sheet_part:
            return data
        for cell in emptied:
            data = re.sub(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % cell.encode(), b"", data)
        merge = b'<mergeCells count="1"><mergeCell ref="%s"/></mergeCells>' % ref.encode()
        return data.replace(b"</sheetData>", b"</sheetData>" + merge)

    return _rewrite_parts(workbook, change)


# SUB-F02's workbook is the clean corpus workbook saved with this password (ECMA-376 agile encryption,
# what Excel writes for File > Info > Protect Workbook > Encrypt with Password). Documented in
# docs/submissions.md; tests/test_submission_readers.py decrypts the committed file with it.
CORPUS_PASSWORD = "NQ57-matkhau-2026"
PASSWORD_PROTECTED_RULE = "SUB-F02"
# SUB-H08 depends on the receipt date, which the folder's manifest.csv gives (as in raw/submissions).
FUTURE_PERIOD_FILE = "SYT_2026-Q3.xlsx"
FUTURE_PERIOD_RECEIVED_AT = "2026-06-20T09:00:00+07:00"
# SUB-H09: the Q2 2026 report received that same day, while Q2 was still running (it ends 30/06/2026).
EARLY_REPORT_FILE = "SYT_2026-Q2.xlsx"
EARLY_REPORT_RECEIVED_AT = FUTURE_PERIOD_RECEIVED_AT


def encrypt_workbook(workbook: bytes, password: str) -> bytes:
    """An xlsx encrypted with a password the way Excel does it (needs msoffcrypto-tool, a dev dependency).

    The result is a compound file with 'EncryptionInfo' and 'EncryptedPackage' streams. Its salts and
    keys are random, so two runs give different bytes for the same workbook. msoffcrypto-tool 6.1.0
    cannot read back a package under 4,096 bytes (it lands in the compound file's mini stream), so
    such a workbook is refused rather than turned into a fixture nobody can open.
    """
    if len(workbook) < 4096:
        raise ValueError(f"workbook of {len(workbook)} bytes: too small to encrypt reliably (< 4096)")
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError as error:  # a runtime install without the dev extras
        raise RuntimeError(
            "the password-protected corpus file needs msoffcrypto-tool: pip install -e '.[dev]'"
        ) from error
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook)).encrypt(password, out)
    return out.getvalue()


def decrypt_workbook(data: bytes, password: str) -> bytes:
    """The xlsx inside an encrypted workbook (msoffcrypto-tool); raises when the password is wrong."""
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = OOXMLFile(io.BytesIO(data))
    encrypted.load_key(password=password)
    out = io.BytesIO()
    encrypted.decrypt(out)
    return out.getvalue()


def zip_members(data: bytes) -> dict[str, bytes]:
    """The parts of an xlsx by name: two workbooks with the same parts hold the same cells.

    (The zip entries carry the time they were written, so the bytes of the whole file differ.)
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _same_file(path: Path, data: bytes) -> bool:
    """True when ``path`` holds ``data``, or the same workbook parts (a zip carries write times)."""
    if not path.exists():
        return False
    held = path.read_bytes()
    if held == data:
        return True
    try:
        return zip_members(held) == zip_members(data)
    except (zipfile.BadZipFile, OSError, ValueError):  # not a zip, or a cut one (SUB-F01)
        return False


def _same_encrypted_workbook(path: Path, workbook: bytes, password: str) -> bool:
    """True when ``path`` already holds ``workbook`` encrypted with ``password`` (any salt)."""
    if not path.exists():
        return False
    try:
        return zip_members(decrypt_workbook(path.read_bytes(), password)) == zip_members(workbook)
    except Exception:  # not encrypted, another password, or another workbook: write it again
        return False


def corpus_files(reference: ReferenceData) -> dict[str, dict[str, bytes]]:
    """Rule ID → {file name: bytes}. Most cases are one file; SUB-X01 and SUB-F04 need two."""
    files: dict[str, dict[str, bytes]] = {}

    def case(
        rule: str,
        change: Callable[[SubmissionContent], None] | None = None,
        name: str = "SYT_2026-Q2.xlsx",
        agency: str = "SYT",
        period: str = "2026-Q2",
    ) -> None:
        content = _base(reference, agency, period)
        if change:
            change(content)
        if name.endswith(".csv"):
            data = io.BytesIO()
            write_csv(content, data, "utf-8")
            files.setdefault(rule, {})[name] = data.getvalue()
        else:
            files.setdefault(rule, {})[name] = _xlsx(content)

    good = _xlsx(_base(reference))
    files["SUB-F01"] = {"SYT_2026-Q2.xlsx": good[: len(good) // 2]}
    files[PASSWORD_PROTECTED_RULE] = {"SYT_2026-Q2.xlsx": encrypt_workbook(good, CORPUS_PASSWORD)}
    files["SUB-F03"] = {"SYT_2026-Q2.xlsx": b"%PDF-1.4\n% not a workbook\n1 0 obj << >> endobj\n%%EOF\n"}
    files["SUB-F04"] = {"SYT_2026-Q2.xlsx": good, "SYT_2026-Q2_ban_sao.xlsx": good}

    content = _base(reference)
    csv_bytes = io.BytesIO()
    write_csv(content, csv_bytes, "utf-8")
    # Bytes 0x81 and 0x8D exist in neither UTF-8 (as lead bytes) nor Windows-1258.
    files["SUB-E01"] = {"SYT_2026-Q2.csv": csv_bytes.getvalue().replace(b"(m\xe1\xba\xabu)", b"\x81\x8d")}
    case("SUB-E02", lambda c: _set(c.budget, 0, note="Sá»Ÿ Y táº¿ Ä‘Ã£ giáº£i ngÃ¢n"), name="SYT_2026-Q2.csv")

    case("SUB-T01", lambda c: c.info_overrides.update(template_version="NQ57-BC-0.9"))
    case("SUB-T02", lambda c: setattr(c, "omit_sheets", (layout.SHEET_PROGRESS,)))
    case("SUB-T03", lambda c: c.omit_columns.update({layout.SHEET_BUDGET: ("disbursed_cumulative_mvnd",)}))
    # A second "disbursed" column (a correction typed beside the first): which one is meant is unknown.
    case(
        "SUB-T04",
        lambda c: c.extra_columns.update(
            {
                layout.SHEET_BUDGET: [
                    ("Giải ngân lũy kế (bản sửa)", "disbursed_cumulative_mvnd", [Decimal(9999)])
                ]
            }
        ),
    )
    # A column the form does not have, with a figure and a decision number in it: not loaded, said so.
    case(
        "SUB-T05",
        lambda c: c.extra_columns.update(
            {layout.SHEET_BUDGET: [("Giải ngân trong quý", "", [Decimal(1800)]), ("Số quyết định", "", [])]}
        ),
    )
    # The department's own summary sheet after the form's: not loaded, said so.
    case(
        "SUB-T06",
        lambda c: c.extra_sheets.append(("TongHop", [["Tổng giải ngân", Formula("SUM(KinhPhi!F3:F20)", 0)]])),
    )

    case("SUB-H01", lambda c: c.info_overrides.update(agency_code=""))
    case("SUB-H02", lambda c: c.info_overrides.update(agency_code="SXYZ"), name="SXYZ_2026-Q2.xlsx")
    case("SUB-H03", lambda c: c.info_overrides.update(period="Quý hai"))
    case("SUB-H04", lambda c: c.info_overrides.update(period="2031-Q1"), name="SYT_2031-Q1.xlsx")
    case("SUB-H05", name="SGDDT_2026-Q2.xlsx")
    case("SUB-H06", name="SYT_2026-Q1.xlsx")
    case("SUB-H07", name="bao cao quy 2 nam 2026.xlsx")
    # A report for Q3 2026 received on 20 June 2026 (the folder's manifest.csv), before Q3 began.
    case("SUB-H08", name=FUTURE_PERIOD_FILE, period="2026-Q3")
    # The clean Q2 2026 report, received on 20 June 2026 (its manifest.csv), before Q2 ended.
    case("SUB-H09", name=EARLY_REPORT_FILE, period="2026-Q2")

    def empty(c: SubmissionContent) -> None:
        c.budget = [
            {k: r[k] for k in ("appendix", "item_no", "task_name", "funding_source")} for r in c.budget
        ]
        c.progress = [{k: r[k] for k in ("appendix", "item_no", "task_name")} for r in c.progress]

    case("SUB-C01", empty)
    case("SUB-C02", lambda c: _set(c.budget, 0, item_no="99"))
    case("SUB-C03", lambda c: c.kpi.append({"indicator_code": "CHI_SO_LA", "value": Decimal(5)}))
    case("SUB-C04", lambda c: c.progress.append({"appendix": "I", "item_no": "38", "status": "Đang thực hiện",
                                                   "percent_complete": 20}))  # fmt: skip
    case("SUB-C05", lambda c: c.budget.append(dict(c.budget[0])))

    def indicator_of_another_agency(c: SubmissionContent) -> None:
        # SKHCN's own five indicators (prefilled) plus TFP, which map_indicator_agency gives to STC.
        assert reference.indicator_agency.get("TFP_CONTRIBUTION") not in (None, "SKHCN")
        assert all(r["indicator_code"] != "TFP_CONTRIBUTION" for r in c.kpi)
        tfp = reference.indicators["TFP_CONTRIBUTION"]
        c.kpi.append(
            {
                "indicator_code": tfp.indicator_code,
                "indicator_name": tfp.name_vi,
                "unit": tfp.unit,
                "value": _KPI_SAMPLE[tfp.indicator_code],
                "note": "Số liệu mẫu",
            }
        )

    case("SUB-C06", indicator_of_another_agency, name="SKHCN_2026-Q2.xlsx", agency="SKHCN")

    case("SUB-V01", lambda c: _set(c.budget, 0, allocated_mvnd="khoảng 500 triệu"))
    case("SUB-V02", lambda c: _set(c.budget, 0, allocated_mvnd=Decimal(-500)))
    case("SUB-V03", lambda c: _set(c.budget, 0, disbursed_cumulative_mvnd=Formula("E3*0.4", 3000)))

    def vnd(c: SubmissionContent) -> None:
        # Task 57 has no planned amount ('-'), so only the unit check can speak.
        row = {"appendix": "I", "item_no": "57", "funding_source": "NSNN"}
        c.budget = [{**row, "allocated_mvnd": Decimal(5_000_000_000)}]

    case("SUB-V04", vnd, name="SKHCN_2026-Q2.xlsx", agency="SKHCN")
    case("SUB-V05", lambda c: _set(c.progress, 0, percent_complete=150))
    case("SUB-V06", lambda c: _set(c.progress, 0, status="Hoàn thành", percent_complete=80))
    case("SUB-V07", lambda c: _set(c.progress, 0, status="Xong rồi"))
    case("SUB-V08", lambda c: _set(c.budget, 0, funding_source="Ngân sách tỉnh"))
    # A row with its figures but no funding source: said to be empty, not "not in the list" (SUB-V08).
    case("SUB-V15", lambda c: _set(c.budget, 0, funding_source=None))

    def pii_out_of_range(c: SubmissionContent) -> None:
        (row,) = [r for r in c.kpi if r["indicator_code"] == "PII_SCORE"]
        row["value"] = Decimal(250)  # a score out of 100

    case("SUB-V09", pii_out_of_range, name="SKHCN_2026-Q2.xlsx", agency="SKHCN")
    case("SUB-V10", lambda c: _set(c.budget, 0, note='=HYPERLINK("http://example.invalid","Bấm vào đây")'))
    # Typed to the đồng: 698.0125 million VND is finer than the 1,000 VND a figure is kept to.
    case("SUB-V11", lambda c: _set(c.budget, 0, disbursed_cumulative_mvnd=Decimal("698.0125")))
    # 7.363E+16: a pasted figure no column of the warehouse (15 integer digits) can hold.
    case("SUB-V12", lambda c: _set(c.budget, 0, allocated_mvnd=Decimal("7.363E+16")))
    # A VLOOKUP that found nothing, pasted as a value: the cell holds the error value #N/A.
    case("SUB-V13", lambda c: _set(c.budget, 0, allocated_mvnd="#N/A"))
    files["SUB-V13"] = {name: _as_error_values(data) for name, data in files["SUB-V13"].items()}
    # One allocation typed once across two task rows with Merge Cells (KinhPhi is the third sheet).
    case("SUB-V14")
    files["SUB-V14"] = {
        name: _with_merged_cells(data, "xl/worksheets/sheet3.xml", "E3:E4")
        for name, data in files["SUB-V14"].items()
    }

    earlier = _base(reference, "SYT", "2026-Q1")
    later = _base(reference, "SYT", "2026-Q2")
    later.budget[0]["disbursed_cumulative_mvnd"] = earlier.budget[0]["disbursed_cumulative_mvnd"] - 100
    files["SUB-X01"] = {"SYT_2026-Q1.xlsx": _xlsx(earlier), "SYT_2026-Q2.xlsx": _xlsx(later)}

    def over_allocated(c: SubmissionContent) -> None:
        _set(c.budget, 0, disbursed_cumulative_mvnd=c.budget[0]["allocated_mvnd"] + 1000)

    case("SUB-X02", over_allocated)

    def above_plan(c: SubmissionContent) -> None:
        plan = reference.plan_for("I", c.budget[0]["item_no"], True, 2026) or Decimal(0)
        _set(c.budget, 0, allocated_mvnd=plan + 500)

    case("SUB-X03", above_plan)
    return files


def write_corpus(reference: ReferenceData, folder: Path) -> int:
    count = 0
    # Encryption salts are random: the committed password-protected file is kept when it already holds
    # the same workbook under the same password, so regenerating the corpus leaves no spurious diff.
    clean_workbook = _xlsx(_base(reference))
    for rule, by_name in corpus_files(reference).items():
        target = folder / rule
        target.mkdir(parents=True, exist_ok=True)
        for name, data in by_name.items():
            path = target / name
            count += 1
            if rule == PASSWORD_PROTECTED_RULE and _same_encrypted_workbook(
                path, clean_workbook, CORPUS_PASSWORD
            ):
                continue
            if _same_file(path, data):
                continue  # only the time stamps inside the zip would change: no diff without a change
            path.write_bytes(data)
    # Received order matters for SUB-X01 and SUB-F04, the received date for SUB-H08/H09: fixed by a manifest,
    # as in raw/submissions.
    received = {
        "SUB-X01": [
            ("SYT_2026-Q1.xlsx", "2026-07-10T09:00:00+07:00"),
            ("SYT_2026-Q2.xlsx", "2026-07-11T09:00:00+07:00"),
        ],
        "SUB-F04": [
            ("SYT_2026-Q2.xlsx", "2026-07-10T09:00:00+07:00"),
            ("SYT_2026-Q2_ban_sao.xlsx", "2026-07-11T09:00:00+07:00"),
        ],
        "SUB-H08": [(FUTURE_PERIOD_FILE, FUTURE_PERIOD_RECEIVED_AT)],
        "SUB-H09": [(EARLY_REPORT_FILE, EARLY_REPORT_RECEIVED_AT)],
    }
    for rule, files_received in received.items():
        with (folder / rule / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(SAMPLE_MANIFEST_COLUMNS)
            for name, received_at in files_received:
                writer.writerow([name, received_at, "true", "test corpus"])
    return count


# ── the benchmark corpus ────────────────────────────────────────────────────────────────────
def benchmark_corpus(reference: ReferenceData, folder: Path, count: int) -> list[Path]:
    """``count`` files: every agency with tasks × the quarters 2025-Q1…2030-Q4, repeated as resubmissions.

    One file in ten carries a problem (a warning or a fatal error) so reports get written too.
    """
    folder.mkdir(parents=True, exist_ok=True)
    agencies = sorted({t.lead_agency_code for t in reference.tasks.values() if t.lead_agency_code})
    agencies = [a for a in agencies if reference.tasks_led_by(a) and a in reference.agencies]
    periods = [Period(y, q) for y in range(2025, 2031) for q in range(1, 5)]
    templates: dict[tuple[str, Period], SubmissionContent] = {}
    paths, manifest = [], []
    for index in range(count):
        agency = agencies[index % len(agencies)]
        period = periods[(index // len(agencies)) % len(periods)]
        if (agency, period) not in templates:
            templates[(agency, period)] = filled_content(reference, agency, period)
        content = replace(templates[(agency, period)])
        content.budget = [dict(r) for r in content.budget]
        content.progress = [dict(r) for r in content.progress]
        content.prepared_by = f"Cán bộ tổng hợp số {index}"  # every file distinct, as real resubmissions are
        if index % 10 == 3 and content.budget:
            content.budget[0]["disbursed_cumulative_mvnd"] = (
                content.budget[0]["allocated_mvnd"] + 1
            )  # warning
        elif index % 10 == 7 and content.budget:
            content.budget[0]["allocated_mvnd"] = "nhập sau"  # fatal
        name = f"{agency}_{period.code}_b{index:05d}.xlsx"
        path = folder / name
        write_plain_xlsx(content, path)
        paths.append(path)
        manifest.append((name, index))
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SAMPLE_MANIFEST_COLUMNS)
        for name, seconds in manifest:
            clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
            # Received after the last quarter of the plan, so that no file reports a period that had
            # not begun (SUB-H08) or not ended (SUB-H09) when it was received: one file in ten has a
            # problem, no more.
            writer.writerow([name, f"2031-01-01T{clock}+07:00", "true", "benchmark"])
    return paths


def pasted_sheet_workbook(reference: ReferenceData, rows: int) -> bytes:
    """One workbook (SYT, 2026-Q2, a sample) whose KinhPhi holds ``rows`` rows: the agency's rows pasted
    again and again, as a department pasting a long list from elsewhere. Every repeat is a duplicate
    (SUB-C05), so the file has about one fatal finding per row: the case where validation's cost per
    finding shows (bench/submissions.py, tests/test_submission_validator.py)."""
    content = filled_content(reference, "SYT", Period(2026, 2))
    prefilled = content.budget
    content.budget = [dict(prefilled[index % len(prefilled)]) for index in range(rows)]
    return _xlsx(content)


def main(argv: list[str] | None = None) -> int:
    from pipelines.submissions.reference import load_reference_data

    parser = argparse.ArgumentParser(description="Write synthetic (sample) submissions.")
    parser.add_argument("what", choices=["samples", "corpus"])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    reference = load_reference_data()
    if args.what == "samples":
        print(f"{len(write_samples(reference, args.folder))} sample files → {args.folder}")
    else:
        print(f"{write_corpus(reference, args.folder)} corpus files → {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
