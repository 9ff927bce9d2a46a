"""Plan tables cut in two in Word: the parts are read as one table, or reported, never lost.

The cut documents are built here from the resolution fixture with python-docx, the way a
user cuts a long appendix: a page break or a "(tiếp theo)" line, the rest of the rows in a
second table that (usually) repeats no header row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx_cuts import APPENDIX_I, APPENDIX_II, RESOLUTION_DOCX, cut_table

from pipelines.extract.plan_document import extract_document
from pipelines.extract.records import RECORD_TYPES, ExtractionResult
from pipelines.readers import read_document
from tests.text_edits import edited_copy

GROUP_SIZES = [9, 4, 7, 3, 3, 2, 14, 7, 10, 17, 5, 4]  # GUIDE §2


def extract(path: Path) -> ExtractionResult:
    # One document id for all, so records of a cut document can be compared with the uncut one's.
    return extract_document(read_document(path), "resolution")


def tasks(result: ExtractionResult):
    return [i for i in result.plan_items if i.item_level == "task"]


def without_locators(result: ExtractionResult) -> dict[str, list[dict]]:
    """Every record but the issues, without its locators (a cut shifts the table and paragraph
    numbers; plan tables carry a locator per period as well as their source_locator)."""
    return {
        table: [
            {k: v for k, v in asdict(r).items() if not k.endswith("_locator")} for r in result.records(table)
        ]
        for table in RECORD_TYPES
        if table != "extraction_issues"
    }


def codes(result: ExtractionResult) -> list[str]:
    return [i.code for i in result.issues]


@pytest.fixture(scope="module")
def uncut() -> ExtractionResult:
    return extract(RESOLUTION_DOCX)


def test_appendix_i_cut_without_a_header_row_gives_the_85_tasks(
    tmp_path: Path, uncut: ExtractionResult
) -> None:
    # Row 50 of Appendix I is group VIII: the second part starts with "VIII", no header row.
    result = extract(cut_table(tmp_path / "cut.docx", APPENDIX_I, 50, "(tiếp theo)"))

    assert [t.item_no for t in tasks(result)] == [str(n) for n in range(1, 86)]
    per_group = Counter(t.group_code for t in tasks(result))
    assert [per_group[g.group_code] for g in result.plan_groups] == GROUP_SIZES
    state = sum(t.state_budget_mvnd for t in tasks(result) if t.state_budget_mvnd is not None)
    assert state == Decimal("5861734")
    stated = next(t for t in result.stated_totals if t.total_id == "appendix_I.total.state_budget")
    assert stated.amount_mvnd == Decimal("5861734")
    assert stated.words_text is not None  # the amount-in-words row after the total is still read
    assert without_locators(result) == without_locators(uncut)
    # Each row still points at the cell it came from, in the second table.
    by_no = {t.item_no: t for t in tasks(result)}
    assert (by_no["42"].source_locator, by_no["43"].source_locator) == ("table 3, row 50", "table 4, row 2")
    appendix_i = next(t for t in result.plan_tables if t.appendix == "I")
    assert appendix_i.source_locator == "paragraph 304; table 3; table 4"
    # The join is shown, not hidden.
    assert [(i.severity, i.code, i.source_locator) for i in result.issues] == [
        ("info", "table_continued", "table 4")
    ]
    assert codes(uncut) == []


def test_appendix_i_cut_with_a_repeated_header_row_is_still_one_table(
    tmp_path: Path, uncut: ExtractionResult
) -> None:
    result = extract(cut_table(tmp_path / "cut.docx", APPENDIX_I, 50, "", repeated_header_rows=1))

    # Not a second, untitled Appendix I (with no unit) whose rows restart at sequence 1.
    assert [t.appendix for t in result.plan_tables] == ["KPI", "I", "II"]
    assert [t.sequence for t in tasks(result)] == list(range(1, 86))
    assert without_locators(result) == without_locators(uncut)
    assert codes(result) == ["table_continued"]


def test_appendix_ii_cut_without_a_header_row_gives_all_units_and_items(
    tmp_path: Path, uncut: ExtractionResult
) -> None:
    # Row 10 of Appendix II is item 2.1: the part starts inside unit 2.
    result = extract(cut_table(tmp_path / "cut.docx", APPENDIX_II, 10, "(tiếp theo)"))

    items = [i for i in result.plan_items if i.appendix == "II"]
    assert Counter(i.item_level for i in items) == {"unit": 4, "item": 22}
    assert without_locators(result) == without_locators(uncut)
    assert codes(result) == ["table_continued"]


def test_a_headerless_part_that_cannot_be_joined_is_reported_not_dropped(tmp_path: Path) -> None:
    # A new appendix heading between the parts: the rows cannot be said to belong to Appendix I.
    result = extract(cut_table(tmp_path / "cut.docx", APPENDIX_I, 50, "Phụ lục III"))

    assert len(tasks(result)) == 42  # what the first part holds; nothing guessed for the rest
    [issue] = result.issues
    assert (issue.severity, issue.code, issue.source_locator) == ("error", "table_not_read", "table 4")
    assert "Bảng table 4 (50 dòng, bắt đầu: VIII | Nhóm giải pháp Xây dựng" in issue.message
    assert "không được đọc: có tiêu đề 'Phụ lục III' ở giữa" in issue.message
    assert "(table not read: no header row and a heading 'Phụ lục III' stands between)" in issue.message


def test_a_headerless_part_with_other_columns_is_reported(tmp_path: Path) -> None:
    # The second part of Appendix I moved after Appendix II (5 columns): column counts differ.
    path = cut_table(tmp_path / "cut.docx", APPENDIX_I, 50, "(tiếp theo)")
    document = docx.Document(str(path))
    appendix_ii, part = document.tables[4]._tbl, document.tables[3]._tbl
    appendix_ii.addnext(part)
    document.save(str(path))

    result = extract(path)

    assert len(tasks(result)) == 42
    [issue] = result.issues
    assert (issue.code, issue.source_locator) == ("table_not_read", "table 5")
    assert "(table not read: no header row and 6 columns, table 4 has 5)" in issue.message


def test_an_amount_that_is_not_a_number_is_reported_at_its_cell_never_guessed(
    tmp_path: Path, resolution_txt: Path
) -> None:
    # Line 436 is task 1's state budget cell, "5.000" (GUIDE §2: Appendix I, million VND); a person
    # who writes "khoảng 5.000" (about 5.000) there gives a cell that is not an amount.
    result = extract(edited_copy(resolution_txt, tmp_path, {436: ("\t5.000", "\tkhoảng 5.000")}))

    assert [(i.severity, i.code, i.source_locator) for i in result.issues] == [
        ("error", "amount_unreadable", "line 436")
    ]
    assert "'khoảng 5.000'" in result.issues[0].message
    task_1 = next(t for t in tasks(result) if t.item_no == "1")
    # Kept as printed with its status, never read as 5.000 nor as 0.
    assert (task_1.state_budget_mvnd, task_1.state_budget_status, task_1.state_budget_text) == (
        None,
        "unreadable",
        "khoảng 5.000",
    )


def test_an_unreadable_amount_names_its_column_as_the_appendix_heads_it(
    tmp_path: Path, resolution_txt: Path
) -> None:
    """Rules audit: in Appendix 2 and on total rows the message named the column by its code ("ở cột
    budget_2025"), and a unit row's cell was reported twice (read as the unit and as its stated total).
    Line 1103 is unit 1's 2025 estimate, "6.800" (GUIDE §2: Appendix 2, unit 1)."""
    result = extract(edited_copy(resolution_txt, tmp_path, {1103: ("\t6.800", "\tkhoảng 6.800")}))

    (issue,) = result.issues
    assert (issue.severity, issue.code, issue.source_locator) == ("error", "amount_unreadable", "line 1103")
    assert issue.message == (
        "Không đọc được số tiền 'khoảng 6.800' ở cột dự toán năm 2025 (amount is not a number)"
    )
