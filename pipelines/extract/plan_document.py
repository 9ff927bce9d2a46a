"""Document logic: from a DocumentModel (any format) to the plan's records.

Tables are found by the meaning of their headers (see columns.py), never by their
position, so a plan from another province, or the same plan as DOCX or PDF, gives the
same records.
"""

from __future__ import annotations

from pipelines.document_model import DocumentModel
from pipelines.extract.plan_tables import extract_table, plan_table_blocks
from pipelines.extract.prose import extract_content_counts, extract_headline_targets, extract_part_iv_amounts
from pipelines.extract.records import ExtractionIssue, ExtractionResult
from pipelines.extract.slides import extract_slide_indicators, is_slide_deck, unlabelled_slide_figures

RESOLUTION = "resolution"
SLIDE_DECK = "slide_deck"


class NotAPlanDocumentError(Exception):
    """The document holds none of the tables or slides this warehouse reads."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def extract_document(model: DocumentModel, document_id: str) -> ExtractionResult:
    """All records of one document; raises NotAPlanDocumentError when there is nothing to read."""
    if is_slide_deck(model):
        result = ExtractionResult(document_id, SLIDE_DECK, model.file_format)
        result.slide_indicators = extract_slide_indicators(model, document_id)
        # Figures without a readable caption are reported, never given a guessed label.
        result.issues.extend(
            ExtractionIssue(
                document_id,
                "info",
                "unlabelled_slide_figures",
                f"Số liệu không có nhãn đọc được, không trích xuất: {figures.text} (figures without a label)",
                figures.source_locator,
            )
            for figures in unlabelled_slide_figures(model)
        )
        return result

    result = ExtractionResult(document_id, RESOLUTION, model.file_format)
    # A table cut in two (a page break, no repeated header) is read as one; what cannot be placed is reported.
    blocks, table_issues = plan_table_blocks(model, document_id)
    result.issues.extend(table_issues)
    for block in blocks:
        records = extract_table(block.table, block.layout, block.preceding, document_id)
        result.plan_tables.append(records.table)
        result.plan_groups.extend(records.groups)
        result.plan_items.extend(records.items)
        result.stated_totals.extend(records.totals)
        result.kpi_targets.extend(records.kpi_targets)
        result.kpi_baselines.extend(records.kpi_baselines)
        result.issues.extend(records.issues)

    if not result.plan_tables:
        raise NotAPlanDocumentError(
            f"{model.source_name}: không tìm thấy bảng nhiệm vụ, bảng kinh phí hay bảng chỉ tiêu nào "
            "(not a plan document: no task, budget or KPI table found)"
        )

    paragraphs = model.paragraphs()
    result.stated_totals.extend(extract_part_iv_amounts(paragraphs, document_id, result.issues))
    result.content_counts = extract_content_counts(paragraphs, result.plan_groups, document_id)
    result.headline_targets = extract_headline_targets(paragraphs, document_id)
    roadmap = next((t for t in result.plan_tables if t.table_kind == "kpi_roadmap"), None)
    if roadmap is not None and not result.headline_targets:
        # Without them KPI.HEADLINE_VS_ROADMAP has nothing to compare and its row would simply be
        # absent: said here instead (a heading the reader did not recognise, Word's own numbering).
        result.issues.append(
            ExtractionIssue(
                document_id,
                "warning",
                "headline_targets_not_found",
                "Không tìm thấy các chỉ tiêu cụ thể đánh số của Phần III.IV nên không đối chiếu được với "
                "bảng lộ trình các chỉ tiêu (Part III.IV's numbered targets not found: not compared with "
                "the KPI roadmap)",
                roadmap.source_locator,
            )
        )
    for table in result.plan_tables:
        if table.unit_text is None and table.table_kind != "kpi_roadmap":
            result.issues.append(
                ExtractionIssue(
                    document_id,
                    "warning",
                    "unit_not_stated",
                    f"Phụ lục {table.appendix} không ghi đơn vị tính; giả định triệu đồng "
                    "(no unit stated; million VND assumed)",
                    table.source_locator,
                )
            )
    return result
