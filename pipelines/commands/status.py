"""``nq57 status [--json] [--max-age-hours H]``: the morning check of the warehouse and last night's refresh.

Exit code 0 when nothing needs a person, 1 when a finding of severity ``error`` does (nothing
published, a damaged file, a failed refresh, no successful refresh for too long), so a cron job
can run ``nq57 status || mail ...``. The checks are pipelines.warehouse_status.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from pipelines.warehouse_status import (
    DEFAULT_MAX_AGE_HOURS,
    SEVERITY_VI,
    WarehouseStatus,
    check_status,
    parse_time,
    vn_time,
)

EXIT_NEEDS_ATTENTION = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "status",
        help="tình trạng kho dữ liệu và lần làm mới gần nhất (warehouse and last refresh status)",
        description=(
            "Kiểm tra buổi sáng: kho đang công bố có nguyên vẹn không, lần làm mới đêm qua có thành công "
            "không, có tệp nào chưa nạp. Mã thoát 1 khi cần người xử lý "
            "(the morning check; exit code 1 when somebody must act)."
        ),
    )
    parser.add_argument("--json", action="store_true", help="in dạng JSON (print JSON, for monitoring)")
    parser.add_argument(
        "--max-age-hours",
        type=float,
        default=DEFAULT_MAX_AGE_HOURS,
        help=(
            "báo lỗi khi không có lần làm mới thành công trong chừng ấy giờ "
            f"(error when no refresh succeeded for this long; default {DEFAULT_MAX_AGE_HOURS:g})"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    status = check_status(max_age_hours=args.max_age_hours)
    print(as_json(status) if args.json else as_text(status))
    return EXIT_NEEDS_ATTENTION if status.needs_attention else 0


def as_json(status: WarehouseStatus) -> str:
    data = asdict(status)
    data["needs_attention"] = status.needs_attention
    return json.dumps(data, ensure_ascii=False, indent=1, default=_json_value)


def _json_value(value: object) -> str:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    raise TypeError(f"not JSON: {value!r}")


def as_text(status: WarehouseStatus) -> str:
    lines = [
        f"Tình trạng kho dữ liệu (warehouse status) — {vn_time(status.checked_at)} giờ Hà Nội",
        f"  thư mục (folder): {status.warehouse_dir}",
    ]
    published = status.published
    if published is None:
        lines.append("  bản đang công bố (published): chưa có (none)")
    else:
        when = published.get("published_at")
        lines.append(
            f"  bản đang công bố (published): {published.get('version') or '?'}"
            + (f" (lần công bố số {published['publish_no']})" if published.get("publish_no") else "")
            + (f", lúc {vn_time(parse_time(when))}" if when else "")
            + (f", mã nguồn {str(published['code_version'])[:10]}" if published.get("code_version") else "")
        )
        lines.append(
            "    tệp (file): "
            + {
                "ok": "nguyên vẹn, khớp mã kiểm tra (intact)",
                "corrupt": "HỎNG (damaged)",
                "locked": "đang bị một chương trình khác ghi (held open for writing)",
            }.get(published["file_status"], published["file_status"])
        )
        if published.get("restored_from"):
            lines.extend(_put_back(published))
    lines.append(
        f"  các bản giữ lại (kept versions, for `nq57 rollback --to`): {len(status.kept_versions)}"
        + (f", {len(status.damaged_kept_versions)} hỏng (damaged)" if status.damaged_kept_versions else "")
    )
    current = published.get("version") if published else None
    for version in reversed(status.kept_versions):
        marks = [
            m
            for m, on in (
                ("đang dùng", version == current),
                ("hỏng", version in status.damaged_kept_versions),
            )
            if on
        ]
        lines.append(f"    {version}" + (f" ({', '.join(marks)})" if marks else ""))
    lines.append("  làm mới thành công gần nhất (last good refresh): " + _entry(status.last_success, "kind"))
    lines.append("  làm mới lỗi gần nhất (last failed refresh): " + _entry(status.last_failure, "stage"))
    lines.append(
        f"  tệp chưa nạp (inputs not loaded yet): {len(status.pending_inputs)}"
        if status.published is not None
        else "  tệp chưa nạp (inputs not loaded yet): —"
    )
    lines.append(
        f"  bản lưu báo cáo của sở, ngành (submission archive): {status.archived_files} tệp"
        + (
            ", sổ đăng ký registry.csv hỏng: chưa kiểm tra được (registry damaged, ST-15)"
            if any(f.rule_id == "ST-15" for f in status.findings)
            else f", {len(status.damaged_archive_copies)} mất hoặc hỏng"
            if status.damaged_archive_copies
            else ", đủ"
        )
    )
    lines.append(f"  bản tin mới nhất (latest briefing): {status.latest_briefing or 'chưa có (none)'}")
    lines.append(
        "  trang tài liệu dbt (docs site): "
        + ("khớp mã nguồn (current)" if status.docs_site_current else "chưa khớp mã nguồn (not current)")
    )
    lines.append(
        "  đang làm mới (refresh running): " + ("có (yes)" if status.refresh_running else "không (no)")
    )
    lines.append("")
    if status.needs_attention:
        lines.append("Kết luận: CẦN XỬ LÝ (needs attention)")
    else:
        lines.append("Kết luận: ỔN (OK)")
    for item in status.findings:
        lines.append(f"  {item.rule_id} [{SEVERITY_VI[item.severity]}] {item.message_vi}")
        lines.append(f"        ({item.message_en})")
        lines.extend(f"        · {detail}" for detail in item.details)
    return "\n".join(lines)


def _put_back(published: dict) -> list[str]:
    """How the published version came back: a rollback or the automatic restore of a damaged file,
    when, from which kept copy. It said "đã khôi phục từ …" (restored from), which under "tệp: HỎNG"
    read as if the damaged file had already been restored; it is the version's history, so it says
    so, and a file damaged since is said to be not restored yet."""
    when = f" lúc {vn_time(parse_time(published['restored_at']))}" if published.get("restored_at") else ""
    if published.get("rolled_back"):
        how, how_en = f"đã được đưa về bằng `nq57 rollback`{when}", "by `nq57 rollback`"
    else:
        how, how_en = (
            f"đã được tự động đưa về{when} để thay tệp công bố bị hỏng",
            "automatically, for a damaged published file",
        )
    lines = [
        f"    phiên bản này {how}, chép từ bản giữ lại "
        f"(this version was put back {how_en}, copied from): {published['restored_from']}"
    ]
    if published["file_status"] == "corrupt":
        lines.append(
            "    tệp hỏng sau lần đưa về đó và chưa được khôi phục lại, xem ST-02 "
            "(damaged since then, not restored yet: see ST-02)"
        )
    return lines


# What a successful refresh did (refresh_state.record_success's kinds), as an operator reads it.
REFRESH_KIND_VI = {
    "full": "dựng lại toàn bộ (full)",
    "submissions": "dựng lại phần báo cáo của sở, ngành (submissions)",
    "briefing_only": "chỉ dựng bản tin (briefing only)",
    "nothing_to_do": "không có gì mới để làm (nothing to do)",
}


def _entry(entry: dict | None, what: str) -> str:
    if entry is None:
        return "chưa có (none)"
    value = entry.get(what) or "?"
    text = f"{vn_time(parse_time(entry['at']))} — {REFRESH_KIND_VI.get(value, value)}"
    if entry.get("run_id"):
        text += f", run {str(entry['run_id'])[:8]}"
    return text
