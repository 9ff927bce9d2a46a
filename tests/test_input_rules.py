"""The input warnings' catalogue: each ID made to occur on a copy of the shipped inputs (raw/submissions,
raw/documents) by the code that produces it, with its severity, its message and the occurrence's detail."""

from __future__ import annotations

import ast
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from docx_cuts import APPENDIX_I, cut_table

from pipelines.extract.run import extract_folder
from pipelines.input_rules import (
    INFO,
    INPUT_RULES,
    WARNING,
    catalogue_markdown,
    detail_of,
    input_warning,
    rule_of,
)
from pipelines.manifest import scan_folder, sha256_of
from pipelines.submissions.archive import (
    REGISTRY_NAME,
    archive_inbox,
    archive_new_files,
    load_registry,
    save_registry,
)
from pipelines.submissions.filewriter import FileWriter
from pipelines.submissions.inbox_manifest import load_inbox_manifest
from pipelines.submissions.ingest import ingest_submissions
from pipelines.submissions.reference import default_reference_data
from tests.sample_marks import retyped_as_real

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "raw" / "submissions"
DOCUMENTS = ROOT / "raw" / "documents"
DOCS = ROOT / "docs" / "input_warnings.md"
RESOLUTION = "000_a74ee38357d31740.txt"
SLIDES = "004_373ec9bcf51e9bdb.txt"
VN = timezone(timedelta(hours=7))


def warned(warnings: list[str], rule_id: str, severity: str, says: str) -> list[str]:
    """The details of the warnings of ``rule_id`` among ``warnings``, once it is checked that there is
    one at least, that each is the ID, then the catalogue's message, then its detail, and that the rule
    has ``severity`` and a message that says ``says`` (what is wrong or what to do, in plain words)."""
    rule = INPUT_RULES[rule_id]
    assert (rule.severity, says in rule.message_vi) == (severity, True)
    found = [warning for warning in warnings if warning.startswith(f"{rule_id} ")]
    assert found, f"{rule_id} did not occur: {warnings}"
    for warning in found:
        assert warning.startswith(f"{rule_id} {rule.message_vi} — ")
        assert rule_of(warning) == rule
    return [detail_of(warning) for warning in found]


def ids(warnings: list[str]) -> list[str]:
    return [warning.split(" ", 1)[0] for warning in warnings]


def _made_to_occur(tree: ast.AST) -> set[str]:
    """The IN-… IDs passed to ``warned(...)`` (which fails unless that warning occurred): the warnings a
    test of this module made occur, read from the module's own source."""
    return {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "warned"
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
    }


def test_every_rule_of_the_catalogue_is_made_to_occur_by_a_test_of_this_module():
    """House rule: every rule has its own test. An ID added to INPUT_RULES that no test here makes occur
    through ``warned`` fails this one."""
    assert _made_to_occur(ast.parse(Path(__file__).read_text(encoding="utf-8"))) == set(INPUT_RULES)


def test_every_rule_has_a_stable_id_a_severity_and_both_messages():
    submissions = [rule_id for rule_id in INPUT_RULES if rule_id.startswith("IN-S")]
    documents = [rule_id for rule_id in INPUT_RULES if rule_id.startswith("IN-D")]
    assert submissions == [f"IN-S{n:02d}" for n in range(1, 15)]
    assert documents == [f"IN-D{n:02d}" for n in range(1, 18)]
    for rule in INPUT_RULES.values():
        assert rule.severity in (WARNING, INFO)
        assert rule.message_vi.endswith(".") and rule.message_en
        # Words for a civil servant (file and column names are fine): no exception, no traceback.
        assert not any(word in rule.message_vi for word in ("Error", "Errno", "Traceback", "None", "()"))


def test_a_text_made_without_the_catalogue_has_no_rule_and_keeps_its_words():
    assert rule_of("manifest.csv dòng 2: hỏng") is None
    assert detail_of("manifest.csv dòng 2: hỏng") == "manifest.csv dòng 2: hỏng"
    with pytest.raises(KeyError):
        input_warning("IN-S99", "x")


def test_the_operators_page_is_the_catalogue():
    """docs/input_warnings.md embeds catalogue_markdown() as it is: an ID added here is documented there."""
    page = DOCS.read_text(encoding="utf-8")
    assert catalogue_markdown() in page
    assert catalogue_markdown().count("| IN-") == len(INPUT_RULES) == 31


# ── raw/submissions ─────────────────────────────────────────────────────────────────────────────
def _inbox(tmp_path: Path, *names: str, manifest: str | None = None) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        shutil.copy(SAMPLES / name, inbox)
    if manifest is not None:
        (inbox / "manifest.csv").write_text(manifest, encoding="utf-8")
    return inbox


def _touch(path: Path, moment: datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def _scan(inbox: Path, archive: Path) -> list[str]:
    with FileWriter() as writer:
        return archive_new_files(inbox, archive, writer).warnings


def _ingest(inbox: Path, tmp_path: Path) -> list[str]:
    return ingest_submissions(
        inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data()
    ).warnings


def test_in_s01_a_manifest_saved_as_unicode_text_cannot_be_read(tmp_path):
    inbox = _inbox(tmp_path, "SYT_2026-Q1.xlsx")
    (inbox / "manifest.csv").write_bytes(
        "file_name,received_at\nSYT_2026-Q1.xlsx,2026-04-08\n".encode("utf-16")
    )
    problems = load_inbox_manifest(inbox).problems
    assert warned(problems, "IN-S01", WARNING, "lưu lại dạng CSV UTF-8") == [
        "manifest.csv: không phải mã UTF-8 hay Windows-1258 (tệp lưu dạng UTF-16 (Unicode Text), không phải "
        "CSV UTF-8)"
    ]


def test_in_s02_a_manifest_whose_date_column_was_renamed_is_not_used(tmp_path):
    inbox = _inbox(
        tmp_path, "SYT_2026-Q1.xlsx", manifest="file_name,ngay_nhan\nSYT_2026-Q1.xlsx,2026-04-08\n"
    )
    problems = load_inbox_manifest(inbox).problems
    assert warned(problems, "IN-S02", WARNING, "cho có đủ hai cột file_name và received_at") == [
        "manifest.csv thiếu cột received_at (đang có: file_name, ngay_nhan)"
    ]


def test_in_s03_a_line_with_a_quote_left_open_is_skipped_and_named(tmp_path):
    inbox = _inbox(
        tmp_path,
        manifest='file_name,received_at\nSYT_2026-Q1.xlsx,2026-04-08\nSTC_2026-Q1.xlsx,"2026-04-09\n',
    )
    manifest = load_inbox_manifest(inbox)
    assert warned(manifest.problems, "IN-S03", WARNING, 'dấu ngoặc kép " chưa đóng') == [
        "manifest.csv dòng 3"
    ]
    assert list(manifest.rows) == ["SYT_2026-Q1.xlsx"]


def test_in_s04_a_received_at_that_is_no_date_falls_back_to_the_file_time(tmp_path):
    inbox = _inbox(
        tmp_path, "STC_2026-Q1.xlsx", manifest="file_name,received_at\nSTC_2026-Q1.xlsx,2026-04-31\n"
    )
    _touch(inbox / "STC_2026-Q1.xlsx", datetime(2026, 4, 9, 10, 0, tzinfo=VN))
    warnings = _scan(inbox, tmp_path / "archive")
    assert warned(warnings, "IN-S04", WARNING, "không phải ngày giờ") == [
        "manifest.csv dòng 2, tệp STC_2026-Q1.xlsx: received_at '2026-04-31'; ngày nhận lấy 09/04/2026 10:00"
    ]


def test_in_s05_a_row_naming_the_file_in_other_letter_case_is_used(tmp_path):
    inbox = _inbox(
        tmp_path, "STC_2026-Q1.xlsx", manifest="file_name,received_at\nstc_2026-q1.XLSX,2026-04-09\n"
    )
    warnings = _scan(inbox, tmp_path / "archive")
    assert warned(warnings, "IN-S05", INFO, "chữ hoa, chữ thường") == [
        "manifest.csv dòng 2: ghi 'stc_2026-q1.XLSX', tên tệp là 'STC_2026-Q1.xlsx'"
    ]
    assert ids(warnings) == ["IN-S05"]  # the date it gives is used: no IN-S06 for the row


def test_in_s06_a_row_naming_no_file_received_is_named(tmp_path):
    inbox = _inbox(
        tmp_path,
        "STC_2026-Q1.xlsx",
        manifest="file_name,received_at\nSTC_2026-Q1.xlsx,2026-04-09\nSYT_2026-Q1.xls,2026-04-08\n",
    )
    warnings = _scan(inbox, tmp_path / "archive")
    assert warned(warnings, "IN-S06", WARNING, "gõ sai tên") == ["manifest.csv dòng 3: 'SYT_2026-Q1.xls'"]


def test_in_s07_a_real_report_the_manifest_marks_as_a_sample_is_carried_as_one(tmp_path):
    inbox = _inbox(tmp_path, manifest="file_name,received_at,is_sample\nSYT_2026-Q1.xlsx,2026-04-08,true\n")
    retyped_as_real(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "SYT_2026-Q1.xlsx")
    warnings = _ingest(inbox, tmp_path)
    assert warned(warnings, "IN-S07", WARNING, "hãy sửa cột is_sample") == [
        "manifest.csv dòng 2, tệp SYT_2026-Q1.xlsx: is_sample = true"
    ]


def test_in_s08_a_sample_the_manifest_says_is_real_stays_a_sample(tmp_path):
    inbox = _inbox(
        tmp_path,
        "SYT_2026-Q1.xlsx",
        manifest="file_name,received_at,is_sample\nSYT_2026-Q1.xlsx,2026-04-08,không\n",
    )
    warnings = _ingest(inbox, tmp_path)
    assert warned(warnings, "IN-S08", WARNING, "ô 'Dữ liệu mẫu?' ghi KHÔNG") == [
        "manifest.csv dòng 2, tệp SYT_2026-Q1.xlsx: is_sample = không"
    ]


def test_in_s09_a_link_to_a_file_gone_is_named(tmp_path):
    inbox = _inbox(tmp_path, "SYT_2026-Q1.xlsx")
    (inbox / "STC_2026-Q1.xlsx").symlink_to(tmp_path / "share" / "STC_2026-Q1.xlsx")
    warnings = _scan(inbox, tmp_path / "archive")
    assert warned(warnings, "IN-S09", WARNING, "chép chính tệp báo cáo") == ["STC_2026-Q1.xlsx"]


def test_in_s10_new_bytes_under_a_name_received_before_are_dated_after_it(tmp_path):
    inbox = _inbox(
        tmp_path, "SYT_2026-Q1.xlsx", manifest="file_name,received_at\nSYT_2026-Q1.xlsx,2026-04-08 16:20\n"
    )
    archive = tmp_path / "archive"
    archive_inbox(inbox, archive)
    # A corrected report copied over the first under the same name; the manifest row is the first's.
    shutil.copy(SAMPLES / "SYT_2026-Q2.xlsx", inbox / "SYT_2026-Q1.xlsx")
    _touch(inbox / "SYT_2026-Q1.xlsx", datetime(2026, 4, 20, 10, 0, tzinfo=VN))
    warnings = _scan(inbox, archive)
    assert warned(warnings, "IN-S10", WARNING, "hãy đặt tên có _v2") == [
        "SYT_2026-Q1.xlsx: bản trước nhận lúc 08/04/2026 16:20; ngày nhận 08/04/2026 16:20 (ghi trong "
        "manifest.csv) không dùng, lấy 20/04/2026 10:00 (thời điểm sửa tệp)"
    ]


def test_in_s11_a_copy_that_cannot_be_archived_is_not_loaded_and_named(tmp_path):
    inbox = _inbox(
        tmp_path, "STC_2026-Q1.xlsx", manifest="file_name,received_at\nSTC_2026-Q1.xlsx,2026-04-09\n"
    )
    day = tmp_path / "archive" / "files" / "2026-04-09"
    day.parent.mkdir(parents=True)
    day.write_bytes(b"a file where the day's folder should be")
    (detail,) = warned(_ingest(inbox, tmp_path), "IN-S11", WARNING, "sẽ được thử lại ở lần làm mới sau")
    assert detail.startswith("STC_2026-Q1.xlsx: [Errno 17] File exists: ")


def test_in_s12_a_damaged_archive_copy_that_cannot_be_written_again_is_named(tmp_path):
    inbox = _inbox(
        tmp_path, "STC_2026-Q1.xlsx", manifest="file_name,received_at\nSTC_2026-Q1.xlsx,2026-04-09\n"
    )
    _ingest(inbox, tmp_path)
    (entry,) = load_registry(tmp_path / "archive")
    copy = tmp_path / "archive" / entry.archive_path
    copy.unlink()
    (copy / "kept").mkdir(parents=True)  # a folder where the copy was: it cannot be written over
    (detail,) = warned(_ingest(inbox, tmp_path), "IN-S12", WARNING, "không chép lại được từ thư mục nhận")
    assert detail.startswith(f"{entry.archive_path}: [Errno 21] Is a directory")


def test_in_s13_an_archived_copy_that_cannot_take_its_shortened_name_is_named(tmp_path):
    name = "SYT_2026-Q1_" + "a" * 220 + ".xlsx"  # 237 bytes: with the old sha prefix, over the limit
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox / name)
    archive = tmp_path / "archive"
    archive_inbox(inbox, archive)
    (entry,) = load_registry(archive)
    shortened = entry.archive_path
    entry.archive_path = f"{Path(shortened).parent}/{entry.sha256[:12]}_{entry.file_name}"  # an old name
    (archive / shortened).rename(archive / entry.archive_path)
    (archive / shortened / "kept").mkdir(parents=True)  # a folder, not empty, holds the shortened name
    save_registry(archive, [entry])
    (detail,) = warned(_scan(inbox, archive), "IN-S13", WARNING, "tên ngắn hơn")
    assert detail.startswith(f"{entry.archive_path} → {shortened}: [Errno 21] Is a directory")


def test_in_s14_versions_against_their_vn_suffixes_are_named_with_their_dates(tmp_path):
    inbox = _inbox(
        tmp_path,
        "SKHCN_2026-Q1.xlsx",
        "SKHCN_2026-Q1_v2.xlsx",
        manifest=(
            "file_name,received_at\nSKHCN_2026-Q1.xlsx,2026-04-20 08:10\n"
            "SKHCN_2026-Q1_v2.xlsx,2026-04-11 15:45\n"  # the two dates swapped
        ),
    )
    warnings = _ingest(inbox, tmp_path)
    assert warned(warnings, "IN-S14", WARNING, "sửa cột received_at của tệp đó trong registry.csv") == [
        "SKHCN_2026-Q1_v2.xlsx (phiên bản 1, nhận 11/04/2026 15:45), SKHCN_2026-Q1.xlsx (phiên bản 2, nhận "
        f"20/04/2026 08:10); bản đang dùng: SKHCN_2026-Q1.xlsx; sổ đăng ký ngày nhận: "
        f"{tmp_path / 'archive' / REGISTRY_NAME}"
    ]


# ── raw/documents ───────────────────────────────────────────────────────────────────────────────
def _documents(tmp_path: Path, manifest: str | None = None) -> Path:
    """The shipped documents and their manifest in a folder of their own; ``manifest`` replaces it."""
    docs = tmp_path / "documents"
    shutil.copytree(DOCUMENTS, docs)
    if manifest is not None:
        (docs / "manifest.csv").write_text(manifest, encoding="utf-8")
    return docs


def _manifest_lines() -> list[str]:
    return (DOCUMENTS / "manifest.csv").read_text(encoding="utf-8").splitlines()


def test_in_d01_a_folder_without_its_manifest_is_named(tmp_path):
    docs = _documents(tmp_path)
    (docs / "manifest.csv").unlink()
    warnings = scan_folder(docs).warnings
    assert warned(warnings, "IN-D01", WARNING, "Hãy đặt lại manifest.csv") == [
        f"không có {docs / 'manifest.csv'}"
    ]


def test_in_d02_a_manifest_saved_as_unicode_text_is_named(tmp_path):
    docs = _documents(tmp_path)
    text = (docs / "manifest.csv").read_text(encoding="utf-8")
    (docs / "manifest.csv").write_bytes(text.encode("utf-16"))  # Excel's "Unicode Text": starts FF FE
    assert warned(scan_folder(docs).warnings, "IN-D02", WARNING, "lưu lại dạng CSV UTF-8") == [
        "manifest.csv: byte thứ 1 không phải UTF-8"
    ]


def test_in_d03_a_manifest_that_cannot_be_opened_is_named(tmp_path):
    docs = _documents(tmp_path)
    (docs / "manifest.csv").unlink()
    (docs / "manifest.csv").mkdir()  # a folder by that name: no file to read
    assert warned(scan_folder(docs).warnings, "IN-D03", WARNING, "quyền đọc") == [
        f"manifest.csv: [Errno 21] Is a directory: '{docs / 'manifest.csv'}'"
    ]


def test_in_d04_a_manifest_without_its_file_name_column_is_named(tmp_path):
    lines = _manifest_lines()
    docs = _documents(tmp_path, "\n".join([lines[0].replace("file_name,", "ten_tep,", 1), *lines[1:]]) + "\n")
    assert warned(scan_folder(docs).warnings, "IN-D04", WARNING, "Hãy sửa dòng đầu thành") == [
        "manifest.csv, dòng tiêu đề: ten_tep, kind, issuer, province, document_date, title, "
        "original_file_name, sha256, note"
    ]


def test_in_d05_a_manifest_missing_columns_leaves_them_blank_and_names_them(tmp_path):
    lines = [line.rsplit(",", 1)[0] for line in _manifest_lines()]  # the note column dropped
    docs = _documents(tmp_path, "\n".join(lines) + "\n")
    scan = scan_folder(docs)
    assert warned(scan.warnings, "IN-D05", WARNING, "Hãy thêm các cột còn thiếu") == [
        "manifest.csv thiếu cột note"
    ]
    assert {entry.note for entry in scan.entries} == {None}


def test_in_d06_a_row_with_a_comma_too_many_is_not_used(tmp_path):
    lines = _manifest_lines()
    docs = _documents(
        tmp_path, "\n".join([*lines[:2], lines[2].replace(",Long An,", ",Long, An,", 1)]) + "\n"
    )
    scan = scan_folder(docs)
    assert warned(scan.warnings, "IN-D06", WARNING, "dấu phẩy thừa hoặc thiếu") == [
        "manifest.csv dòng 3: 10 ô, tiêu đề có 9"
    ]
    assert next(e for e in scan.entries if e.file_name == SLIDES).metadata_source == "detected"


def test_in_d07_a_row_without_a_file_name_is_named(tmp_path):
    lines = _manifest_lines()
    docs = _documents(tmp_path, "\n".join([*lines, ",slide_deck,,Long An,2025,,,,"]) + "\n")
    assert warned(scan_folder(docs).warnings, "IN-D07", WARNING, "Hãy ghi tên tệp vào cột file_name") == [
        "manifest.csv dòng 4"
    ]


def test_in_d08_a_manifest_broken_from_a_line_on_is_named(tmp_path):
    lines = _manifest_lines()
    pasted = "x" * 200_000  # a whole document pasted into the note cell
    docs = _documents(
        tmp_path, "\n".join([*lines[:2], f"{SLIDES},slide_deck,,Long An,2025,,,,{pasted}"]) + "\n"
    )
    assert warned(scan_folder(docs).warnings, "IN-D08", WARNING, "bị hỏng từ một dòng trở đi") == [
        "manifest.csv dòng 3: field larger than field limit (131072)"
    ]


def test_in_d09_two_different_rows_for_one_document_are_both_set_aside(tmp_path):
    lines = _manifest_lines()
    docs = _documents(tmp_path, "\n".join([*lines, lines[2].replace(",2025,", ",2024,", 1)]) + "\n")
    scan = scan_folder(docs)
    assert warned(scan.warnings, "IN-D09", WARNING, "Hãy giữ lại một dòng") == [
        f"{SLIDES}: manifest.csv dòng 3, 4"
    ]
    assert next(e for e in scan.entries if e.file_name == SLIDES).metadata_source == "detected"


def test_in_d10_a_manifest_of_another_folder_lists_none_and_everything_loads(tmp_path):
    docs = _documents(tmp_path, _manifest_lines()[0] + "\nother.txt,resolution,,,2025,,,,\n")
    run = extract_folder(docs)
    assert warned(run.warnings, "IN-D10", WARNING, "một dòng cho mỗi tài liệu") == [
        "manifest.csv: không dòng nào cho 2 tệp của thư mục"
    ]
    assert [d.extraction_status for d in run.documents] == ["ok", "ok"]


def test_in_d11_a_document_nobody_listed_is_read_not_loaded(tmp_path):
    docs = _documents(tmp_path)
    (docs / "slides_v2.txt").write_text((docs / SLIDES).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (detail,) = warned(extract_folder(docs).not_loaded_warnings(), "IN-D11", WARNING, "thêm một dòng")
    assert detail.startswith("slides_v2.txt: chưa có dòng trong manifest.csv nên không nạp ")


def test_in_d12_a_copy_of_a_document_is_not_read_again(tmp_path):
    docs = _documents(tmp_path)
    shutil.copy(docs / RESOLUTION, docs / "Nghị quyết (bản sao).txt")
    assert warned(extract_folder(docs).not_loaded_warnings(), "IN-D12", INFO, "giống hệt") == [
        f"Nghị quyết (bản sao).txt: cùng nội dung với {RESOLUTION}, không trích xuất lại "
        f"(duplicate of {RESOLUTION})"
    ]


def test_in_d13_a_document_whose_bytes_are_not_the_ones_listed_is_not_loaded(tmp_path):
    docs = _documents(tmp_path)
    listed = sha256_of(docs / SLIDES)
    with (docs / SLIDES).open("a", encoding="utf-8") as handle:
        handle.write("\nmột dòng thêm vào sau\n")
    now = sha256_of(docs / SLIDES)
    (detail,) = warned(extract_folder(docs).not_loaded_warnings(), "IN-D13", WARNING, "mã sha256 mới")
    assert detail.startswith(
        f"{SLIDES}: nội dung khác với bản đã khai báo trong manifest.csv (sha256 ghi {listed[:12]}…, tệp "
        f"hiện có {now[:12]}…)"
    )


def _list(docs: Path, file_name: str, document_date: str) -> None:
    with (docs / "manifest.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{file_name},resolution,,Long An,{document_date},,{file_name},,\n")


def test_in_d14_an_older_plan_beside_the_one_in_force_is_set_aside(tmp_path):
    docs = _documents(tmp_path)
    (docs / "NQ ban cu.txt").write_text(
        (docs / RESOLUTION).read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    _list(docs, "NQ ban cu.txt", "2025-01")
    (detail,) = warned(
        extract_folder(docs).not_loaded_warnings(), "IN-D14", INFO, "ngày văn bản (document_date)"
    )
    assert detail.startswith("NQ ban cu.txt: không nạp ")
    assert detail.endswith(f"(superseded by {RESOLUTION}: later document_date, 2025-06 vs 2025-01)")


def test_in_d15_a_later_plan_cut_short_is_set_aside_and_said_so(tmp_path):
    docs = _documents(tmp_path)
    text = (docs / RESOLUTION).read_text(encoding="utf-8")
    (docs / "NQ sua doi.txt").write_text(
        text[: text.index("\n\t40\n", text.index("Phụ lục I\n"))], encoding="utf-8"
    )
    _list(docs, "NQ sua doi.txt", "2025-10")
    warnings = extract_folder(docs).not_loaded_warnings()
    (detail,) = warned(warnings, "IN-D15", WARNING, "bị cắt ngắn hoặc chép chưa xong")
    assert detail.startswith("NQ sua doi.txt: không nạp ")
    assert "46 nhiệm vụ Phụ lục I (40 … 85)" in detail
    assert ids(warnings) == ["IN-D15"]  # not also said superseded by date (IN-D14)


def test_in_d16_a_document_that_cannot_be_read_is_named_with_why(tmp_path):
    docs = _documents(tmp_path)
    (docs / "bao cao.txt").write_bytes(b"")
    assert warned(extract_folder(docs).failed_warnings(), "IN-D16", WARNING, "chép lại bản đúng") == [
        "bao cao.txt: tệp rỗng (empty file)"
    ]


def test_in_d17_a_plan_table_read_in_part_is_named(tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    cut_table(docs / "plan.docx", APPENDIX_I, 50, "Phụ lục III. Bảng tiếp theo")
    (detail,) = warned(extract_folder(docs).issue_warnings(), "IN-D17", WARNING, "chỉ đọc được một phần")
    assert detail.startswith("plan.docx: Bảng table 4") and "không được đọc" in detail
