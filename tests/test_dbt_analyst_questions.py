"""docs/analyst_questions.md stays true: every SQL block runs on the warehouse built from the shipped
documents and returns exactly the answer printed under it.

To refresh the answers after a deliberate change:
``python -m tests.test_dbt_analyst_questions <warehouse.duckdb>`` rewrites the result blocks.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "analyst_questions.md"
# a ```sql block, then (after any text such as "Kết quả:") the ```text block with its answer
_QUESTION = re.compile(r"```sql\n(?P<sql>.*?)```(?P<between>[^`]*?)```text\n(?P<answer>.*?)```", re.DOTALL)


def vn_value(value) -> str:
    """Vietnamese number format for amounts (5.861.734; 35,49); plain ints (years, counts) as they are."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        sign = "-" if value < 0 else ""
        integral, _, fraction = f"{abs(value):f}".partition(".")
        grouped = f"{int(integral):,}".replace(",", ".")
        fraction = fraction.rstrip("0")
        return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render(columns: list[str], rows: list[tuple]) -> str:
    lines = [" | ".join(columns), " | ".join("---" for _ in columns)]
    lines += [" | ".join(vn_value(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def run(con, sql: str) -> str:
    cursor = con.execute(sql)
    return render([d[0] for d in cursor.description], cursor.fetchall())


def questions(text: str) -> list[re.Match]:
    return list(_QUESTION.finditer(text))


def fill_answers(text: str, con) -> str:
    def answer(match: re.Match) -> str:
        return f"```sql\n{match['sql']}```{match['between']}```text\n{run(con, match['sql'])}```"

    return _QUESTION.sub(answer, text)


def test_doc_has_at_least_ten_questions_in_vietnamese():
    text = DOC.read_text(encoding="utf-8")
    found = questions(text)
    assert len(found) >= 10
    headings = re.findall(r"^## \d+\. (.+)$", text, re.MULTILINE)
    assert len(headings) == len(found)
    assert all(re.search(r"[ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ]", h.lower()) for h in headings)


@pytest.mark.slow
def test_every_answer_is_what_the_sql_returns():
    from tests.dbt_warehouse import built_warehouse, connect

    con = connect(built_warehouse())
    try:
        for number, match in enumerate(questions(DOC.read_text(encoding="utf-8")), start=1):
            assert run(con, match["sql"]) == match["answer"], f"question {number}"
    finally:
        con.close()


# What the answers must hold, taken from the document (GUIDE §2), not from the warehouse: the answers
# above are written by `python -m tests.test_dbt_analyst_questions`, so comparing them with the SQL
# proves the doc is current, not that the warehouse is right. These pins fail if either drifts.
DOCUMENT_FIGURES = {
    1: ["5.861.734"],  # Appendix I's state budget total (line 1073)
    # other sources, lines 513-824: tasks 12, 23, 30, 52 (30.000, 200.000, 40.000, 150.000 = 420.000)
    3: ["12 |", "| 30.000 |", "23 |", "| 200.000 |", "30 |", "| 40.000 |", "52 |", "| 150.000 |"],
    4: ["57", "58", "59", "78"],  # the tasks printed "-"
    # due in 2026: "hoàn thành Quý 1/Quý 2 năm 2026" (lines 501, 508, 589, 807-849), and tasks 12 and 30,
    # whose period "2025 - 2026" prints no date (line 661 for task 30): the end of 2026, said so
    9: [
        *["10 | 2026-03-31", "11 | 2026-06-30", "12 | 2026-12-31 | end_of_period", "21 | 2026-03-31"],
        *["30 | 2026-12-31 | end_of_period", "50 | 2026-06-30", "56 | 2026-06-30"],
    ],
    10: ["A1.TOTAL.OTHER_SOURCES", "A2.UNIT.1.BUDGET_2026_2030", "174.130", "145.130"],
    12: ["II | 1.2 | 4 | 5", "VII | 2.1 | 14 | 14"],  # section 1.2's "(5 nội dung)", group II's 4 tasks
    14: ["CONTENT.1.2", "KPI.HEADLINE_VS_ROADMAP", "line 1084", "line 169", "line 1077"],
}


@pytest.mark.parametrize("number", sorted(DOCUMENT_FIGURES))
def test_answers_hold_the_documents_own_figures(number: int) -> None:
    answer = questions(DOC.read_text(encoding="utf-8"))[number - 1]["answer"]
    missing = [figure for figure in DOCUMENT_FIGURES[number] if figure not in answer]
    assert not missing, (number, missing)


if __name__ == "__main__":
    import duckdb

    with duckdb.connect(sys.argv[1], read_only=True) as connection:
        DOC.write_text(fill_answers(DOC.read_text(encoding="utf-8"), connection), encoding="utf-8")
