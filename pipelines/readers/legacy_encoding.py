"""Legacy Vietnamese encodings (TCVN3/ABC, VNI). Placeholder until the detector lands."""

from __future__ import annotations

from pipelines.document_model import UnreadableDocumentError


def decode_legacy_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    raise UnreadableDocumentError(f"{name}: không đọc được bảng mã (not UTF-8)")


def convert_if_legacy(text: str, name: str) -> tuple[str, list[str]]:
    return text, []
