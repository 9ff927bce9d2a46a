from pathlib import Path

from pipelines.manifest import DocumentEntry, detect_metadata, scan_documents, sha256_of


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
