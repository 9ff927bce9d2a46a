"""Figures stated in the prose: Part IV funding amounts, Part III.VII content counts, Part III.IV targets."""

from __future__ import annotations

import difflib
import re

from pipelines.document_model import Paragraph
from pipelines.extract.records import ContentCount, ExtractionIssue, HeadlineTarget, PlanGroup, StatedTotal
from pipelines.parsing.amount_words import AmountWordsError, parse_amount_words
from pipelines.parsing.numbers import NumberParseError, dong_to_mvnd, parse_dong_amount
from pipelines.parsing.text import fold

# "6.529.164.000.000 đồng (Sáu nghìn … triệu đồng)": an amount in đồng followed by its words.
_AMOUNT_WITH_WORDS = re.compile(
    r"(\d{1,3}(?:\.\d{3}){2,})(\s*đồng)?\s*\(([^()]*?đồng[^()]*)\)", re.IGNORECASE
)
_PERIOD = re.compile(r"giai đoạn\s*(20\d\d\s*[-–]\s*20\d\d)", re.IGNORECASE)
_PART_HEADING = re.compile(r"^PHẦN\s+([IVX]+)\b")
_SECTION_HEADING = re.compile(r"^(\d)\.(\d+)\.?\s+(\S.*)$")
_STATED_COUNT = re.compile(r"\((\d+)\s+(nội dung|chính sách|nhiệm vụ|giải pháp)\)", re.IGNORECASE)
_LISTED_ENTRY = re.compile(r"^\(\d+\)\s")
_KIND_OF_TOP = {"1": "nhiệm vụ", "2": "giải pháp"}

# What a Part IV amount is, from the words just before it (checked in this order).
_PART_IV_MEASURES = [
    ("party_digital_transformation", re.compile(r"co quan dang")),
    ("other_sources", re.compile(r"ngoai ngan sach|ngoai nsnn|nguon khac")),
    ("state_budget", re.compile(r"ngan sach nha nuoc|nsnn")),
    ("total", re.compile(r"tong kinh phi|tong cong|tong so")),
]


def part_paragraphs(paragraphs: list[Paragraph], part: str) -> list[Paragraph]:
    """The paragraphs of one top-level part ("PHẦN IV") up to the next part heading."""
    inside = False
    selected = []
    for paragraph in paragraphs:
        heading = _PART_HEADING.match(paragraph.text.strip())
        if heading:
            inside = heading.group(1) == part
            continue
        if inside:
            selected.append(paragraph)
    return selected


def extract_part_iv_amounts(
    paragraphs: list[Paragraph], document_id: str, issues: list[ExtractionIssue]
) -> list[StatedTotal]:
    """Every "<digits> đồng (<words>)" in Part IV, classified by the label just before it."""
    totals: list[StatedTotal] = []
    for paragraph in part_paragraphs(paragraphs, "IV"):
        previous_end = 0
        for match in _AMOUNT_WITH_WORDS.finditer(paragraph.text):
            label_text = paragraph.text[previous_end : match.start()]
            previous_end = match.end()
            measure = next((m for m, pattern in _PART_IV_MEASURES if pattern.search(fold(label_text))), None)
            if measure is None:
                issues.append(
                    ExtractionIssue(
                        document_id,
                        "warning",
                        "amount_label_unknown",
                        f"Không xác định được khoản kinh phí '{match.group(0)[:80]}' "
                        "(amount without a known label)",
                        paragraph.locator,
                    )
                )
                continue
            try:
                amount = dong_to_mvnd(parse_dong_amount(match.group(1)))
            except NumberParseError:
                continue
            words = match.group(3).strip()
            try:
                words_amount = dong_to_mvnd(parse_amount_words(words))
                words_error = None
            except AmountWordsError as error:
                words_amount, words_error = None, error.reason
            period = _PERIOD.search(label_text)
            totals.append(
                StatedTotal(
                    document_id=document_id,
                    total_id=f"part_IV.{measure}",
                    scope="part_IV",
                    measure=measure,
                    label=_label(label_text),
                    amount_mvnd=amount,
                    amount_text=(match.group(1) + (match.group(2) or "")).strip(),
                    words_text=f"({words})",
                    words_amount_mvnd=words_amount,
                    words_parse_error=words_error,
                    words_locator=paragraph.locator,
                    period_label=re.sub(r"\s+", " ", period.group(1)) if period else None,
                    source_locator=paragraph.locator,
                )
            )
    return totals


def _label(text: str) -> str:
    """The short label of an amount: the clause before it, without list markers and colons."""
    clause = re.split(r"[.;]\s", text.strip())[-1]
    return clause.strip(" -:").strip()[:200]


def extract_content_counts(
    paragraphs: list[Paragraph], groups: list[PlanGroup], document_id: str
) -> list[ContentCount]:
    """'(9 nội dung)' per section 1.1–2.6 of Part III.VII, matched to the Appendix I groups by name."""
    sections: list[dict] = []
    for paragraph in part_paragraphs(paragraphs, "III"):
        text = paragraph.text.strip()
        heading = _SECTION_HEADING.match(text)
        if heading:
            sections.append(
                {
                    "top": heading.group(1),
                    "no": f"{heading.group(1)}.{heading.group(2)}",
                    "title": heading.group(3).strip(),
                    "count": None,
                    "listed": 0,
                    "locator": paragraph.locator,
                }
            )
            continue
        if not sections:
            continue
        current = sections[-1]
        stated = _STATED_COUNT.search(text)
        if stated and current["count"] is None:
            current["count"] = (int(stated.group(1)), stated.group(0).strip("()"), paragraph.locator)
        elif _LISTED_ENTRY.match(text):
            current["listed"] += 1
    counts = []
    for section in sections:
        if section["count"] is None:
            continue
        stated_count, count_text, count_locator = section["count"]
        group = _matching_group(section, groups)
        counts.append(
            ContentCount(
                document_id=document_id,
                section_no=section["no"],
                section_title=section["title"],
                stated_count=stated_count,
                count_text=count_text,
                listed_count=section["listed"],
                appendix_group_code=group.group_code if group else None,
                source_locator=f"{section['locator']}; {count_locator}",
            )
        )
    return counts


def _matching_group(section: dict, groups: list[PlanGroup]) -> PlanGroup | None:
    """The Appendix I group of the same kind whose name (without "Nhóm …") best matches the title."""
    kind = _KIND_OF_TOP.get(section["top"])
    candidates = [g for g in groups if g.group_kind == kind]
    if not candidates:
        return None
    title = fold(section["title"])

    def score(group: PlanGroup) -> float:
        name = re.sub(r"^nhom (nhiem vu|giai phap)\s*", "", fold(group.name))
        return difflib.SequenceMatcher(None, title, name).ratio()

    best = max(candidates, key=score)
    return best if score(best) >= 0.6 else None


# Part III's sub-sections are numbered in Roman ("IV. CHỈ TIÊU CỤ THỂ THỰC HIỆN ĐỘT PHÁ"); their items
# in Arabic ("7.  Hình thành …", the document's own double space included).
# Any Roman heading ends the list ("V. LỘ TRÌNH", "V - LỘ TRÌNH", "V.LỘ TRÌNH"): Part III.V numbers its
# paragraphs 1-7 too, and they must not be read as more targets.
_ROMAN_SUBSECTION = re.compile(r"^([IVX]+)\s*[.\-–:]\s*(\S.*)$")
_NUMBERED_ITEM = re.compile(r"^(\d+)\.\s+(\S.*)$")


def extract_headline_targets(paragraphs: list[Paragraph], document_id: str) -> list[HeadlineTarget]:
    """The numbered targets of Part III.IV ("chỉ tiêu cụ thể"), each with its line."""
    targets: list[HeadlineTarget] = []
    inside = False
    for paragraph in part_paragraphs(paragraphs, "III"):
        text = paragraph.text.strip()
        subsection = _ROMAN_SUBSECTION.match(text)
        if subsection:
            inside = subsection.group(1) == "IV" and fold(subsection.group(2)).startswith("chi tieu")
            continue
        item = _NUMBERED_ITEM.match(text) if inside else None
        if item:
            targets.append(
                HeadlineTarget(
                    document_id, int(item.group(1)), re.sub(r"\s+", " ", item.group(2)), paragraph.locator
                )
            )
    return targets
