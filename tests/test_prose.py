"""Figures stated in the resolution's prose (pipelines/extract/prose.py), on the shipped text and on
copies of it altered the way a drafter rewords a line."""

from __future__ import annotations

from pathlib import Path

from pipelines.extract.prose import extract_headline_targets, extract_part_iv_amounts
from pipelines.extract.records import ExtractionIssue
from pipelines.readers import read_document
from tests.text_edits import edited_copy

# Part IV, line 405 of the shipped text: the other-sources amount and the label that says so.
OTHER_SOURCES_LINE = 405
OTHER_SOURCES_PRINTED = (
    "- Nguồn ngoài Ngân sách nhà nước (vốn kêu gọi tư nhân đầu tư, vốn đối ứng của doanh nghiệp thực hiện "
    "nhiệm vụ khoa học và công nghệ): 390.000.000.000 đồng (Ba trăm chín mươi tỷ đồng)."
)


def part_iv(path: Path) -> tuple[dict[str, str], list[ExtractionIssue]]:
    """Part IV's amounts (total_id → locator) and the issues found reading them."""
    issues: list[ExtractionIssue] = []
    totals = extract_part_iv_amounts(read_document(path).paragraphs(), "resolution", issues)
    return {t.total_id: t.source_locator for t in totals}, issues


def test_the_shipped_part_iv_gives_its_four_labelled_amounts(resolution_txt: Path) -> None:
    # GUIDE §2: Part IV states four amounts, each in digits and words, on lines 403-405.
    totals, issues = part_iv(resolution_txt)
    assert totals == {
        "part_IV.total": "line 403",
        "part_IV.state_budget": "line 404",
        "part_IV.party_digital_transformation": "line 404",
        "part_IV.other_sources": "line 405",
    }
    assert issues == []


def test_an_amount_whose_label_names_no_known_funding_is_reported_not_classified(
    tmp_path: Path, resolution_txt: Path
) -> None:
    # "Vốn xã hội hóa" (private mobilisation) for "Nguồn ngoài Ngân sách nhà nước": a wording the
    # labels do not know. The amount must not be filed under a guessed measure.
    reworded = OTHER_SOURCES_PRINTED.replace("Nguồn ngoài Ngân sách nhà nước", "Vốn xã hội hóa")
    edited = edited_copy(resolution_txt, tmp_path, {OTHER_SOURCES_LINE: (OTHER_SOURCES_PRINTED, reworded)})

    totals, issues = part_iv(edited)

    assert [(i.severity, i.code, i.source_locator) for i in issues] == [
        ("warning", "amount_label_unknown", "line 405")
    ]
    assert "390.000.000.000 đồng" in issues[0].message
    assert set(totals) == {"part_IV.total", "part_IV.state_budget", "part_IV.party_digital_transformation"}


def test_part_iii_iv_lists_seven_targets_each_on_its_line(resolution_txt: Path) -> None:
    """Part III.IV, lines 163-169: seven numbered targets (GUIDE §1 says six headline indicators; the
    seventh, special mechanisms and policies, is the one the roadmap table leaves out)."""
    targets = extract_headline_targets(read_document(resolution_txt).paragraphs(), "resolution")
    assert [(t.target_no, t.source_locator) for t in targets] == [(n, f"line {162 + n}") for n in range(1, 8)]
    assert targets[0].text.startswith("Đóng góp của tăng năng suất nhân tố tổng hợp (TFP)")
    assert targets[6].text.startswith("Hình thành và vận hành tối thiểu 05 cơ chế, chính sách đặc thù")


def test_the_targets_end_at_the_next_roman_heading_however_it_is_punctuated(
    resolution_txt: Path, tmp_path: Path
) -> None:
    """Part III.V (line 170) numbers its paragraphs 1-7 too: written "V - LỘ TRÌNH …" its heading must
    still end the list, or they would be read as seven more targets."""
    printed = "V. LỘ TRÌNH THỰC HIỆN CÁC CHỈ TIÊU ĐẾN NĂM 2030"
    copy = edited_copy(resolution_txt, tmp_path, {170: (printed, printed.replace("V. ", "V - ", 1))})
    targets = extract_headline_targets(read_document(copy).paragraphs(), "resolution")
    assert [t.target_no for t in targets] == list(range(1, 8))
