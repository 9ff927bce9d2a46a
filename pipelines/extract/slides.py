"""Placeholder until the slide deck extractor lands."""

from __future__ import annotations

from pipelines.document_model import DocumentModel
from pipelines.extract.records import SlideIndicator


def is_slide_deck(model: DocumentModel) -> bool:
    return not model.tables() and "CHÍNH QUYỀN SỐ" in model.full_text()


def extract_slide_indicators(model: DocumentModel, document_id: str) -> list[SlideIndicator]:
    return []
