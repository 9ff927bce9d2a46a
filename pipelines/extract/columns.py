"""Recognising plan tables by the meaning of their header text, not by position.

Other provinces order the columns differently and add some ("Cơ quan chủ trì"), so
each header cell is mapped to a *role* from its words; a table is classified by the
set of roles it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.document_model import Row, Table
from pipelines.parsing.text import fold

# Roles, in the order they are tried: the first matching rule wins for a header cell.
_ROLE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("item_no", re.compile(r"^(s\.?\s?tt|tt|so tt|so thu tu)\.?$")),
    ("lead_agency", re.compile(r"(co quan|don vi) (chu tri|thuc hien|chiu trach nhiem)")),
    ("cooperating_agencies", re.compile(r"(co quan|don vi) phoi hop")),
    ("note", re.compile(r"^ghi chu")),
    ("period", re.compile(r"thoi gian( thuc hien)?|tien do|thoi han")),
    ("baseline", re.compile(r"hien trang|hien nay|co so")),
    ("indicator", re.compile(r"^chi tieu")),
    ("budget_2026_2030", re.compile(r"2026\s*-\s*2030")),
    ("budget_2025", re.compile(r"nam 2025")),
    ("other_budget", re.compile(r"nguon khac|ngoai (ngan sach|nsnn)|xa hoi hoa|von khac")),
    ("state_budget", re.compile(r"nsnn|ngan sach nha nuoc")),
    ("total", re.compile(r"^tong( cong| kinh phi| so)?\b")),
    ("name", re.compile(r"^(ten|noi dung|nhiem vu|danh muc)")),
]
_YEAR_HEADER = re.compile(r"^(?:nam )?(20\d\d)$")

TASK_BUDGET = "task_budget"
UNIT_BUDGET = "unit_budget"
KPI_ROADMAP = "kpi_roadmap"


def cell_role(header_text: str) -> str | None:
    """The role of one header cell, or None when its text means nothing we use."""
    folded = fold(header_text).replace("–", "-").replace("—", "-")
    if not folded:
        return None
    year = _YEAR_HEADER.match(folded)
    if year:
        return f"year:{year.group(1)}"
    for role, pattern in _ROLE_RULES:
        if pattern.search(folded):
            return role
    return None


@dataclass(frozen=True)
class TableLayout:
    kind: str
    header_row_index: int  # index of the last header row; data starts after it
    columns: dict[str, int]  # role → column index
    header_text: str

    def year_columns(self) -> list[tuple[int, int]]:
        """(year, column index) for every year column, in year order."""
        years = [(int(role[5:]), idx) for role, idx in self.columns.items() if role.startswith("year:")]
        return sorted(years)


def _roles(row: Row) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(row.cells):
        role = cell_role(cell.text)
        if role and role not in roles:
            roles[role] = index
    return roles


def _classify(roles: dict[str, int]) -> str | None:
    years = [r for r in roles if r.startswith("year:")]
    if "indicator" in roles and len(years) >= 3:
        return KPI_ROADMAP
    if "name" in roles and "state_budget" in roles:
        return TASK_BUDGET
    if "name" in roles and "budget_2025" in roles and ("total" in roles or "budget_2026_2030" in roles):
        return UNIT_BUDGET
    return None


def recognise(table: Table, max_header_rows: int = 3) -> TableLayout | None:
    """Find the header among the first rows and classify the table, or None if it is no plan table.

    A header may span two rows (a merged "Dự kiến kinh phí" over "NSNN" / "Nguồn khác"):
    the roles of consecutive header rows are combined.
    """
    combined: dict[str, int] = {}
    texts: list[str] = []
    for index, row in enumerate(table.rows[:max_header_rows]):
        roles = _roles(row)
        if not roles:
            if combined:
                break
            continue
        for role, col in roles.items():
            combined.setdefault(role, col)
        texts.append(" | ".join(c.text.replace("\n", " ") for c in row.cells))
        kind = _classify(combined)
        if kind:
            # A second header row (sub-columns) may follow; take it if it adds roles and no data.
            nxt = table.rows[index + 1] if index + 1 < len(table.rows) else None
            if nxt is not None:
                extra = _roles(nxt)
                if extra and not _looks_like_data(nxt) and set(extra) - set(combined):
                    for role, col in extra.items():
                        combined.setdefault(role, col)
                    texts.append(" | ".join(c.text.replace("\n", " ") for c in nxt.cells))
                    index += 1
                    kind = _classify(combined) or kind
            return TableLayout(kind, index, combined, " || ".join(texts))
    return None


_ROW_NUMBER = re.compile(r"^([IVXLC]+|\d+(\.\d+)*)\.?$")


def _looks_like_data(row: Row) -> bool:
    return bool(row.cells) and bool(_ROW_NUMBER.match(row.cells[0].text.strip()))


def is_column_number_row(row: Row) -> bool:
    """A row that only numbers the columns: "(1) (2) (3) …" or "1 2 3 …"."""
    values = [c.text.strip().strip("()") for c in row.cells if c.text.strip()]
    if len(values) < 3 or not all(v.isdigit() for v in values):
        return False
    return [int(v) for v in values] == list(range(1, len(values) + 1))
