"""Turning the bytes of a text file into Unicode text.

UTF-8 (with or without BOM) is the normal case. Anything else is handed to the
legacy Vietnamese encoding detector, which converts TCVN3/VNI text or refuses it
with a clear reason.
"""

from __future__ import annotations

from pipelines.document_model import UnreadableDocumentError
from pipelines.readers import legacy_encoding


def decode_text_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Return the text and reader notes (e.g. which legacy encoding was converted)."""
    if not data.strip():
        raise UnreadableDocumentError(f"{name}: tệp rỗng (empty file)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return legacy_encoding.decode_legacy_bytes(data, name)
    return legacy_encoding.convert_if_legacy(text, name)
