"""Readers: one per file format, all producing a DocumentModel."""

from __future__ import annotations

from pathlib import Path

from pipelines.document_model import DocumentModel, UnreadableDocumentError

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")


def read_document(path: Path) -> DocumentModel:
    """Read any supported file into the table model, or raise UnreadableDocumentError."""
    path = Path(path)
    if not path.exists():
        raise UnreadableDocumentError(f"{path.name}: không tìm thấy tệp (file not found)")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        from pipelines.readers.txt_reader import read_txt

        return read_txt(path)
    if suffix == ".docx":
        from pipelines.readers.docx_reader import read_docx

        return read_docx(path)
    if suffix == ".pdf":
        from pipelines.readers.pdf_reader import read_pdf

        return read_pdf(path)
    raise UnreadableDocumentError(
        f"{path.name}: định dạng '{suffix or 'không có đuôi'}' chưa được hỗ trợ "
        f"(unsupported format; supported: {', '.join(SUPPORTED_SUFFIXES)})"
    )
