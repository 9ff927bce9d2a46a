"""Readers: one per file format, all producing a DocumentModel."""

from __future__ import annotations

from pathlib import Path

from pipelines.document_model import DocumentModel, UnreadableDocumentError

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")
# Word 97–2003 files still come from some departments. Not read (no maintained reader for the binary
# format), but the generic "unsupported format" does not tell them the fix, which takes a minute in Word.
LEGACY_WORD = (
    "tệp Word 97–2003 (.doc) không đọc được; vui lòng mở tệp bằng Word, lưu lại thành .docx "
    "(Tệp (File) > Lưu Như (Save As), kiểu tệp Tài liệu Word (Word Document, *.docx)) rồi dùng tệp .docx "
    "thay cho tệp .doc "
    "(legacy Word 97–2003 .doc is not read: save it as .docx with File > Save As > Word Document)"
)


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
    if suffix == ".doc":
        raise UnreadableDocumentError(f"{path.name}: {LEGACY_WORD}")
    raise UnreadableDocumentError(
        f"{path.name}: định dạng '{suffix or 'không có đuôi'}' chưa được hỗ trợ "
        f"(unsupported format; supported: {', '.join(SUPPORTED_SUFFIXES)})"
    )
