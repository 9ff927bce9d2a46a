import csv
import io
import shutil
from pathlib import Path

import pytest

from pipelines.input_rules import id_and_detail
from pipelines.manifest import (
    MANIFEST_COLUMNS,
    DocumentEntry,
    detect_metadata,
    scan_documents,
    scan_folder,
    sha256_of,
)


def test_shipped_documents_match_their_manifest(project_root):
    entries = {e.file_name: e for e in scan_documents(project_root / "raw" / "documents")}
    assert set(entries) == {"000_a74ee38357d31740.txt", "004_373ec9bcf51e9bdb.txt"}
    resolution = entries["000_a74ee38357d31740.txt"]
    assert (resolution.kind, resolution.province, resolution.metadata_source) == (
        "resolution",
        "Long An",
        "manifest",
    )
    assert resolution.issuer == "Hội đồng nhân dân tỉnh Long An"
    for entry in entries.values():
        assert entry.sha256 == entry.manifest_sha256, f"{entry.file_name} changed since the manifest"
    # The shipped copy is the document as received in shared/seeds.
    seed = project_root.parent / "shared" / "seeds" / "000_a74ee38357d31740.txt"
    if seed.exists():
        assert sha256_of(seed) == resolution.sha256


def test_a_new_document_is_picked_up_with_detected_metadata(tmp_path: Path):
    new = tmp_path / "ke_hoach_tay_ninh.txt"
    new.write_text("ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nKế hoạch ngày 3 tháng 9 năm 2025 của tỉnh Tây Ninh\n")
    (entry,) = scan_documents(tmp_path)
    assert (entry.document_id, entry.metadata_source, entry.kind) == ("ke_hoach_tay_ninh", "detected", None)
    detect_metadata(entry, new.read_text())
    assert entry.issuer == "Ủy ban nhân dân tỉnh Tây Ninh"
    assert entry.province == "Tây Ninh"
    assert entry.document_date == "2025-09"


def test_detected_values_never_override_the_manifest():
    entry = DocumentEntry(
        "d",
        "d.txt",
        Path("d.txt"),
        "x",
        "resolution",
        "HĐND",
        "Long An",
        "2025-06",
        None,
        None,
        "manifest",
        None,
        None,
    )
    detect_metadata(entry, "ỦY BAN NHÂN DÂN TỈNH TÂY NINH ngày 1 tháng 1 năm 2024")
    assert (entry.issuer, entry.province, entry.document_date) == ("HĐND", "Long An", "2025-06")


# --- A damaged manifest, shared stems, copies: the folder as an operator may leave it ---------

SHIPPED = ("000_a74ee38357d31740.txt", "004_373ec9bcf51e9bdb.txt")


def _shipped_folder(project_root: Path, tmp_path: Path, manifest: bytes | None = None) -> Path:
    """The shipped documents in a folder of their own, with their manifest as given (or as it is)."""
    folder = tmp_path / "documents"
    folder.mkdir()
    for name in SHIPPED:
        shutil.copy(project_root / "raw" / "documents" / name, folder)
    shipped = (project_root / "raw" / "documents" / "manifest.csv").read_bytes()
    (folder / "manifest.csv").write_bytes(shipped if manifest is None else manifest)
    return folder


def _shipped_rows(project_root: Path) -> list[list[str]]:
    with (project_root / "raw" / "documents" / "manifest.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_manifest_saved_by_excel_with_a_bom_reads_like_any_other(project_root, tmp_path):
    shipped = (project_root / "raw" / "documents" / "manifest.csv").read_bytes()
    folder = _shipped_folder(project_root, tmp_path, b"\xef\xbb\xbf" + shipped)
    scan = scan_folder(folder)
    assert scan.warnings == []
    resolution = scan.entries[0]
    assert (resolution.document_id, resolution.kind, resolution.document_date) == (
        "000_a74ee38357d31740",
        "resolution",
        "2025-06",
    )
    assert [(e.metadata_source, e.metadata_issue, e.unlisted) for e in scan.entries] == [
        ("manifest", None, False),
        ("manifest", None, False),
    ]


def test_a_missing_column_leaves_its_values_null_and_says_so(project_root, tmp_path):
    rows = _shipped_rows(project_root)
    drop = rows[0].index("document_date")
    folder = _shipped_folder(project_root, tmp_path, _csv_bytes([r[:drop] + r[drop + 1 :] for r in rows]))
    scan = scan_folder(folder)
    assert list(map(id_and_detail, scan.warnings)) == [("IN-D05", "manifest.csv thiếu cột document_date")]
    (expected,) = scan.warnings
    resolution = scan.entries[0]
    assert (resolution.kind, resolution.province, resolution.document_date) == ("resolution", "Long An", None)
    assert (resolution.metadata_source, resolution.metadata_issue) == ("manifest", expected)


def test_an_unreadable_row_is_not_used_and_no_file_counts_as_unlisted(project_root, tmp_path):
    rows = _shipped_rows(project_root)
    rows[1] = [*rows[1], "một ô thừa"]  # an unquoted comma in a title, as Notepad leaves it
    folder = _shipped_folder(project_root, tmp_path, _csv_bytes(rows))
    (folder / "ke_hoach_moi.txt").write_text("Kế hoạch\n", encoding="utf-8")
    scan = scan_folder(folder)
    assert list(map(id_and_detail, scan.warnings)) == [("IN-D06", "manifest.csv dòng 2: 10 ô, tiêu đề có 9")]
    (bad_row,) = scan.warnings
    entries = {e.file_name: e for e in scan.entries}
    resolution = entries["000_a74ee38357d31740.txt"]
    assert (resolution.metadata_source, resolution.kind, resolution.title) == ("detected", None, None)
    assert resolution.metadata_issue == bad_row and resolution.in_manifest
    slides = entries["004_373ec9bcf51e9bdb.txt"]  # its own row is fine
    assert (slides.metadata_source, slides.kind, slides.metadata_issue) == ("manifest", "slide_deck", None)
    # The bad row may have hidden any file name: a file without a row still loads, with the reason.
    new = entries["ke_hoach_moi.txt"]
    assert (new.unlisted, new.metadata_issue) == (False, bad_row)


@pytest.mark.parametrize(
    ("manifest", "warning"),
    [
        (None, ("IN-D01", "không có {folder}/manifest.csv")),
        (
            # Saved as Excel's plain "CSV": Windows-1258, 'Đ' is byte 0xD0, the 45th.
            "file_name,issuer\r\n000_a74ee38357d31740.txt,HĐND\r\n".encode("cp1258"),
            ("IN-D02", "manifest.csv: byte thứ 45 không phải UTF-8"),
        ),
        (
            "tên tệp,kind\r\n000_a74ee38357d31740.txt,resolution\r\n".encode(),
            ("IN-D04", "manifest.csv, dòng tiêu đề: tên tệp, kind"),
        ),
        (
            (",".join(MANIFEST_COLUMNS) + "\r\n").encode(),  # the header only
            ("IN-D10", "manifest.csv: không dòng nào cho 2 tệp của thư mục"),
        ),
    ],
    ids=["missing", "not-utf8", "no-file-name-column", "no-rows"],
)
def test_a_manifest_that_cannot_say_what_it_lists_unlists_nothing(project_root, tmp_path, manifest, warning):
    folder = _shipped_folder(project_root, tmp_path, manifest)
    if manifest is None:
        (folder / "manifest.csv").unlink()
    scan = scan_folder(folder)
    assert list(map(id_and_detail, scan.warnings)) == [(warning[0], warning[1].format(folder=folder))]
    (reason,) = scan.warnings
    assert [(e.document_id, e.metadata_source, e.unlisted, e.metadata_issue) for e in scan.entries] == [
        ("000_a74ee38357d31740", "detected", False, reason),
        ("004_373ec9bcf51e9bdb", "detected", False, reason),
    ]


def test_a_file_the_manifest_does_not_list_is_marked_unlisted(project_root, tmp_path):
    folder = _shipped_folder(project_root, tmp_path)
    (folder / "ke_hoach_moi.txt").write_text("Kế hoạch\n", encoding="utf-8")
    scan = scan_folder(folder)
    assert scan.warnings == []
    assert [(e.file_name, e.unlisted, e.metadata_issue) for e in scan.entries] == [
        ("000_a74ee38357d31740.txt", False, None),
        ("004_373ec9bcf51e9bdb.txt", False, None),
        ("ke_hoach_moi.txt", True, "chưa có dòng trong manifest.csv (not listed in the manifest)"),
    ]


def test_files_sharing_a_stem_get_distinct_ids_and_the_listed_one_keeps_its_own(project_root, tmp_path):
    folder = _shipped_folder(project_root, tmp_path)
    # Sorts before the listed .txt, yet must not take its id: facts and marts point at it.
    (folder / "000_a74ee38357d31740.pdf").write_bytes(b"%PDF-1.4 the same resolution, scanned")
    (folder / "Ke hoach 2026.txt").write_text("Kế hoạch năm 2026\n", encoding="utf-8")
    (folder / "Ke hoach 2026.pdf").write_bytes(b"%PDF-1.4 cut off")
    ids = {e.file_name: e.document_id for e in scan_documents(folder)}
    assert ids == {
        "000_a74ee38357d31740.pdf": "000_a74ee38357d31740.pdf",
        "000_a74ee38357d31740.txt": "000_a74ee38357d31740",
        "004_373ec9bcf51e9bdb.txt": "004_373ec9bcf51e9bdb",
        "Ke hoach 2026.pdf": "Ke hoach 2026",  # neither is listed: the first by name keeps the stem
        "Ke hoach 2026.txt": "Ke hoach 2026.txt",
    }


def test_a_copy_is_marked_as_a_duplicate_of_the_listed_document(project_root, tmp_path):
    folder = _shipped_folder(project_root, tmp_path)
    resolution = folder / "000_a74ee38357d31740.txt"
    shutil.copy(resolution, folder / "000 ban sao.txt")  # sorts first, but is not the listed one
    shutil.copy(resolution, folder / "Du thao NQ (ban sao).txt")
    (folder / "trang.txt").write_bytes(b"")
    (folder / "trang.pdf").write_bytes(b"")  # empty files copy nothing: each is read, and fails its own way
    duplicates = {e.file_name: e.duplicate_of for e in scan_documents(folder)}
    assert duplicates == {
        "000 ban sao.txt": "000_a74ee38357d31740.txt",
        "000_a74ee38357d31740.txt": None,
        "004_373ec9bcf51e9bdb.txt": None,
        "Du thao NQ (ban sao).txt": "000_a74ee38357d31740.txt",
        "trang.pdf": None,
        "trang.txt": None,
    }


def test_an_office_owner_file_beside_an_open_document_is_not_a_document(project_root, tmp_path: Path):
    """Word keeps `~$<name>` beside a .docx open on the share (Excel the same for a workbook): a few
    bytes naming who opened it. It was scanned as a document and recorded as a failed one."""
    folder = _shipped_folder(project_root, tmp_path)
    (folder / "~$0_a74ee38357d31740.txt").write_bytes(b"\x0bNguyen Van A")
    (folder / "~$ke_hoach.docx").write_bytes(b"\x0bNguyen Van A")
    scan = scan_folder(folder)
    assert tuple(e.file_name for e in scan.entries) == SHIPPED
    assert scan.warnings == []
