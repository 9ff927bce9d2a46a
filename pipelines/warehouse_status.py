"""The morning check: is the warehouse analysts read sound, and did last night's refresh work?

The refresh runs at 02:00 with nobody watching. ``check_status`` gathers what an operator (or a
monitoring cron job) needs to know the next morning, from what the refresh leaves behind:

- the published file: present, matching its recorded checksum, opening (``verify_published``);
  its version, when it was published, from which code; the versions kept for a restore;
- the refresh logs in warehouse/state (``record_success`` / ``record_failure``): the last refresh
  that worked and the last that failed, with why;
- input files added or changed since the published build (not loaded yet);
- whether the dbt docs site describes this code and the newest briefing is today's;
- whether the published warehouse carries sample submissions; whether a refresh is running now;
- whether every received submission still has its archived copy (the archive is the record of
  what departments sent; the refresh checks a copy only when it reads it again), whether the
  archive's registry can be read at all (a damaged one stops every refresh), whether the
  kept published versions a restore would use are intact, and which reports an operator withdrew.

Each finding comes from a rule of ``STATUS_RULES`` (ID, severity, Vietnamese message for the
civil servant on duty, English line for the warehouse team). Severity ``error``: somebody must act
(``nq57 status`` exits 1, so a cron job can send a mail); ``warning``: the next refresh will fix it
by itself; ``info``: worth knowing when reading the figures.

Read-only: it opens the published file read-only and takes no lock a refresh waits for.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipelines import paths

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_VI = {ERROR: "lỗi", WARNING: "cảnh báo", INFO: "lưu ý"}

# A nightly refresh plus two hours' slack: past this, the 02:00 run was missed.
DEFAULT_MAX_AGE_HOURS = 26.0
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class StatusRule:
    rule_id: str
    severity: str
    message_vi: str
    message_en: str


# What an operator does after `nq57 rollback` so the next refresh does not publish the bad file again
# (the command and ST-17 say it). A document is read from raw/documents only; a department's report
# is archived on receipt and the archive, not raw/, is what every refresh loads (docs/submissions.md):
# it is withdrawn (`nq57 withdraw`), which keeps it and leaves it out of the figures.
ROLLBACK_REMEDY_VI = (
    "Tài liệu sai trong raw/documents: chuyển nó ra khỏi raw/documents trước lần làm mới tới. Báo cáo sai "
    "của sở, ngành đã được lưu vào kho lưu trữ báo cáo và vẫn được nạp lại dù đã chuyển tệp khỏi "
    'raw/submissions: hãy rút báo cáo đó bằng `nq57 withdraw <tên tệp> --reason "<lý do>"` (tệp vẫn '
    "được lưu nhưng không nạp vào số liệu, phiên bản trước đó của sở, ngành có hiệu lực lại), rồi đề nghị "
    "sở, ngành gửi bản sửa nếu cần."
)

_RULES = (
    StatusRule(
        "ST-01",
        ERROR,
        "Chưa có kho dữ liệu nào được công bố. Hãy chạy `nq57 refresh` (hoặc chờ lần làm mới hằng đêm).",
        "Nothing is published yet.",
    ),
    StatusRule(
        "ST-02",
        ERROR,
        "Tệp kho dữ liệu đang công bố bị hỏng hoặc không khớp mã kiểm tra đã ghi. Lần làm mới tới sẽ tự "
        "khôi phục bản tốt gần nhất; muốn khôi phục ngay, hãy chạy `nq57 refresh`.",
        "The published file is damaged or does not match its recorded checksum.",
    ),
    StatusRule(
        "ST-03",
        ERROR,
        "Lần làm mới gần nhất bị lỗi; người dùng vẫn đang xem kho dữ liệu công bố trước đó. "
        "Xem lý do bên dưới, sửa rồi chạy lại `nq57 refresh`.",
        "The last refresh failed; analysts still read the warehouse published before it.",
    ),
    StatusRule(
        "ST-04",
        ERROR,
        "Không có lần làm mới nào thành công trong {hours} giờ qua: lịch chạy hằng đêm có thể đã dừng "
        "(dịch vụ Dagster không chạy). Hãy kiểm tra dịch vụ nq57-dagster-daemon (`make daemon`) "
        "hoặc chạy `nq57 refresh`.",
        "No refresh succeeded within the allowed age: the nightly schedule may not be running.",
    ),
    StatusRule(
        "ST-05",
        WARNING,
        "Có {count} tệp (hoặc mã nguồn) mới, đã sửa hay đã xoá kể từ lần công bố, chưa vào kho; "
        "lần làm mới tới sẽ nạp.",
        "Input files (or the code) added, changed or removed since the published build: not loaded yet.",
    ),
    StatusRule(
        "ST-06",
        WARNING,
        "Trang tài liệu dbt chưa khớp mã nguồn hiện tại; lần làm mới tới sẽ dựng lại.",
        "The dbt docs site does not describe the current code.",
    ),
    StatusRule(
        "ST-07",
        WARNING,
        "Chưa có bản tin của hôm nay ({today}) dựng từ kho đang công bố: {why} (bản tin mới nhất: "
        "{latest}); lần làm mới tới sẽ dựng.",
        "Today's briefing, rendered from the published warehouse, is not there yet.",
    ),
    StatusRule(
        "ST-08",
        INFO,
        "Kho dữ liệu đang công bố có số liệu của {count} báo cáo MẪU (không phải số liệu thật của sở, "
        "ngành).",
        "The published warehouse's figures include sample submissions.",
    ),
    StatusRule(
        "ST-09",
        INFO,
        "Đang có một lần làm mới chạy trên kho này.",
        "A refresh of this warehouse is running now.",
    ),
    StatusRule(
        "ST-10",
        WARNING,
        "Bản lưu của {count} tệp báo cáo bị mất hoặc bị thay đổi, nhưng thư mục nhận vẫn còn đúng tệp gốc "
        "nên chưa mất gì. Lần làm mới có nạp báo cáo tới (khi có tệp mới, hoặc chạy `nq57 refresh --full` "
        "ngay) sẽ tự chép lại.",
        "Archived submission copies missing or changed; the inbox still holds the received bytes: the next "
        "refresh that reads the submissions (a new file, or `nq57 refresh --full`) mends them.",
    ),
    StatusRule(
        "ST-11",
        ERROR,
        "Bản lưu của {count} tệp báo cáo bị mất hoặc bị thay đổi và thư mục nhận không còn tệp gốc: số liệu "
        "của các tệp này sẽ không nạp lại được. Hãy khôi phục thư mục lưu trữ từ bản sao lưu, hoặc đề nghị "
        "đơn vị gửi lại đúng tệp (danh sách bên dưới).",
        "Archived submission copies missing or changed, and the inbox no longer holds them: data lost.",
    ),
    StatusRule(
        "ST-12",
        WARNING,
        "Bản sao của {count} phiên bản kho dữ liệu giữ lại bị mất hoặc hỏng; khi cần khôi phục, kho sẽ dùng "
        "các bản còn tốt.",
        "Kept published versions whose copy is missing or damaged: a restore skips them.",
    ),
    StatusRule(
        "ST-13",
        ERROR,
        "Tệp kho dữ liệu đang công bố đang bị một chương trình mở để ghi (thường là ai đó mở DuckDB mà quên "
        "chế độ chỉ đọc); trong lúc đó không ai đọc được kho. Hãy tìm và đóng chương trình đó.",
        "The published file is held open for writing by another program: nobody can read it meanwhile.",
    ),
    StatusRule(
        "ST-14",
        WARNING,
        "Lần làm mới gần nhất thành công nhưng đã bỏ qua {count} vấn đề ở tệp đầu vào (dòng manifest.csv "
        "không đọc được, tài liệu trùng hoặc chưa khai báo, tệp không lưu được…): số liệu của các tệp đó "
        "chưa vào kho hoặc thiếu thông tin. Hãy sửa trong raw/ theo danh sách bên dưới; mỗi vấn đề có mã "
        "IN-… và cách sửa ghi ngay sau mã (bảng mã: docs/input_warnings.md).",
        "The last refresh worked but went on past problems in its input files: fix them in raw/.",
    ),
    StatusRule(
        "ST-15",
        ERROR,
        "Sổ đăng ký của kho lưu trữ báo cáo (registry.csv) bị hỏng, hoặc bị mất trong khi kho còn bản lưu "
        "của tệp không còn trong thư mục nhận: mọi lần làm mới sẽ dừng ở bước nạp báo cáo (kho đang công bố "
        "giữ nguyên) để không mất hồ sơ tệp nào. Hãy khôi phục registry.csv từ bản sao lưu (không xoá nó, "
        "không xoá thư mục files/), rồi chạy `nq57 refresh`.",
        "The submission archive's registry.csv is unreadable, or gone while the archive holds copies the "
        "inbox lacks: every refresh stops at the submissions until it is restored from a backup.",
    ),
    StatusRule(
        "ST-16",
        ERROR,
        "Một lần làm mới chạy bằng `nq57 refresh` đã dừng giữa chừng mà không ghi được kết quả (bị tắt "
        "bằng kill, hoặc máy khởi động lại); kho dữ liệu công bố trước đó vẫn nguyên. Hãy chạy lại "
        "`nq57 refresh`.",
        "A command-line refresh was killed before it could record its end; the published warehouse "
        "is the one before it.",
    ),
    StatusRule(
        "ST-17",
        ERROR,
        "Kho đang dùng phiên bản {version} do người vận hành quay lại (`nq57 rollback`), nhưng lần làm mới "
        "tới sẽ công bố lại những gì phiên bản đó không có (liệt kê dưới đây). " + ROLLBACK_REMEDY_VI,
        "The published version was put back by an operator, yet the next refresh publishes again what "
        "it lacks: files in raw/ that differ from it, and reports in the submission archive it did not "
        "load (the archive is loaded whether or not the file is still in raw/; withdraw a wrong report "
        "with `nq57 withdraw`).",
    ),
    StatusRule(
        "ST-18",
        INFO,
        "Có {count} tệp báo cáo đã được rút khỏi số liệu (`nq57 withdraw`): tệp vẫn được lưu trong kho lưu "
        "trữ báo cáo nhưng không được nạp, phiên bản trước đó (nếu có) của sở, ngành có hiệu lực. Muốn đưa "
        "tệp trở lại: `nq57 withdraw --undo <tên tệp>`.",
        "Reports withdrawn by an operator: kept in the archive, not loaded; the version before each is in "
        "force (`nq57 withdraw --undo` puts one back).",
    ),
)
STATUS_RULES = {rule.rule_id: rule for rule in _RULES}
INPUT_WARNINGS_SHOWN = 10  # ST-14's details; the successes log keeps them all


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    message_vi: str
    message_en: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class WarehouseStatus:
    checked_at: dt.datetime
    warehouse_dir: Path
    published: dict[str, Any] | None  # version, publish_no, published_at, code_version, file status
    kept_versions: list[str]
    last_success: dict[str, Any] | None
    last_failure: dict[str, Any] | None
    pending_inputs: list[str]
    docs_site_current: bool
    latest_briefing: str | None
    todays_briefing_current: bool
    sample_submissions: int | None  # sample files whose rows are loaded (accepted or flagged)
    sample_submissions_not_loaded: int | None  # sample files rejected or duplicate
    refresh_running: bool
    archived_files: int
    damaged_archive_copies: list[str]
    damaged_kept_versions: list[str]
    findings: list[Finding] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def finding(rule_id: str, *details: str, **values: object) -> Finding:
    rule = STATUS_RULES[rule_id]
    return Finding(rule_id, rule.severity, rule.message_vi.format(**values), rule.message_en, details)


def check_status(
    *,
    now: dt.datetime | None = None,
    max_age_hours: float = DEFAULT_MAX_AGE_HOURS,
) -> WarehouseStatus:
    """Everything ``nq57 status`` reports on the warehouse of ``NQ57_WAREHOUSE_DIR`` (and the inputs of
    ``NQ57_DOCUMENTS_DIR`` / ``NQ57_SUBMISSIONS_DIR``), with the findings of the rules that apply."""
    from pipelines.briefing import briefing_staleness, latest_briefing_date
    from pipelines.publish import damaged_kept_versions, list_versions, published_record, verify_published
    from pipelines.refresh_state import (
        FAILURES_LOG,
        SUCCESSES_LOG,
        current_inputs,
        docs_site_is_current,
        read_log,
    )
    from pipelines.submissions.archive import (
        archive_dir,
        archived_copies,
        damaged_copies,
        load_registry,
        registry_problem,
    )
    from pipelines.submissions.withdrawal import describe as describe_withdrawal
    from pipelines.submissions.withdrawal import withdrawn_entries
    from pipelines.warehouse_access import published_path

    warehouse = paths.warehouse_dir()
    now = now or dt.datetime.now(dt.UTC)
    findings: list[Finding] = []

    file_status = verify_published(warehouse)
    sidecar = published_record(warehouse) or {}
    published = None
    if file_status.status != "missing":
        published = {
            "version": file_status.version or sidecar.get("version"),
            "publish_no": sidecar.get("publish_no"),
            "published_at": sidecar.get("published_at"),
            "code_version": sidecar.get("code_version"),
            # When this version was put back by a restore, from which kept copy, and whether by an
            # operator's rollback: the version's history, not a repair of the file as it is now.
            "restored_from": sidecar.get("restored_from"),
            "restored_at": sidecar.get("restored_at"),
            "rolled_back": bool(sidecar.get("rolled_back")),
            "file_status": file_status.status,
            "problem": file_status.problem,
        }
    if file_status.status == "missing":
        findings.append(finding("ST-01"))
    elif file_status.status == "corrupt":
        findings.append(finding("ST-02", file_status.problem or ""))
    elif file_status.status == "locked":
        findings.append(finding("ST-13", file_status.problem or ""))

    successes, failures = read_log(SUCCESSES_LOG), read_log(FAILURES_LOG)
    last_success = max(successes, key=_at, default=None)
    last_failure = max(failures, key=_at, default=None)
    if last_failure is not None and (last_success is None or _at(last_failure) > _at(last_success)):
        findings.append(
            finding(
                "ST-03",
                f"lúc {vn_time(_at(last_failure))}, bước {last_failure.get('stage', '?')}: "
                f"{last_failure.get('reason', '?')}",
            )
        )
    # A command-line refresh killed before it could record its end: only its running mark says so.
    from pipelines.refresh_state import interrupted_reason, interrupted_refreshes

    interrupted = interrupted_refreshes()
    if interrupted:
        findings.append(finding("ST-16", *(interrupted_reason(entry) for entry in interrupted)))
    # The newest sign of a refresh that worked: its log entry, or the publish itself (a warehouse
    # published before this log existed).
    evidence = [_at(last_success)] if last_success else []
    if published and published.get("published_at"):
        evidence.append(parse_time(published["published_at"]))
    newest = max(evidence, default=None)
    if published is not None and (newest is None or now - newest > dt.timedelta(hours=max_age_hours)):
        findings.append(
            finding(
                "ST-04",
                f"lần gần nhất: {vn_time(newest) if newest else 'không rõ'}",
                hours=_number(max_age_hours),
            )
        )

    # What the last refresh went on past: only while it is the latest word (a later failure is ST-03).
    skipped = (last_success or {}).get("input_warnings") or []
    if skipped and (last_failure is None or _at(last_success) >= _at(last_failure)):
        shown = skipped[:INPUT_WARNINGS_SHOWN]
        more = [f"… và {len(skipped) - len(shown)} cảnh báo khác"] if len(skipped) > len(shown) else []
        findings.append(finding("ST-14", *shown, *more, count=len(skipped)))

    pending: list[str] = []
    recorded_inputs = sidecar.get("input_hashes") if published is not None else None
    if recorded_inputs is not None:
        current = current_inputs()
        pending = changed_inputs(recorded_inputs, current)
        if pending:
            findings.append(
                finding(
                    "ST-05",
                    *(describe_input_change(key, recorded_inputs, current) for key in pending),
                    count=len(pending),
                )
            )
        # After a rollback the 02:00 run would publish again what the version put back lacks, and the
        # 07:00 mail must say so before it does: files still in raw/ (ST-05 lists them), and reports
        # the archive holds that the version did not load, which a file moved out of raw/ leaves there.
        rolled_back = bool(sidecar.get("rolled_back")) and file_status.ok
        reloaded = (
            reports_loaded_again(published_path(warehouse), recorded_inputs, current) if rolled_back else []
        )
        # A report withdrawn since is dealt with: it stays out of the figures, even while still in raw/.
        again = published_again(pending, current) if rolled_back else []
        if again or reloaded:
            at = vn_time(parse_time(sidecar["restored_at"])) if sidecar.get("restored_at") else "?"
            why = f"; lý do: {sidecar['restore_reason']}" if sidecar.get("restore_reason") else ""
            # Its message says "listed below": the 07:00 mail names every file to deal with here, not
            # only the archived ones (the raw/ ones were under ST-05 alone, beside a withdrawn one).
            findings.append(
                finding(
                    "ST-17",
                    f"quay lại lúc {at}{why}",
                    *(describe_input_change(key, recorded_inputs, current) for key in again),
                    *reloaded,
                    version=published["version"],
                )
            )

    docs_current = docs_site_is_current()
    if published is not None and not docs_current:
        findings.append(finding("ST-06"))

    today = now.astimezone(VN).date()
    latest = latest_briefing_date(warehouse / "briefings")
    stale = (
        briefing_staleness(today, published_path(warehouse), warehouse / "briefings")
        if file_status.ok
        else None
    )
    todays_current = file_status.ok and stale is None
    if stale is not None:
        findings.append(finding("ST-07", today=today.isoformat(), why=stale, latest=latest or "chưa có"))

    # Copies cannot be checked without a registry that says what they should hold: ST-15 instead.
    registry_damage = registry_problem(archive_dir(), paths.submissions_dir())
    if registry_damage:
        findings.append(finding("ST-15", registry_damage))
    damaged = [] if registry_damage else damaged_copies(archive_dir(), paths.submissions_dir())
    recoverable = [d for d in damaged if d.in_inbox]
    lost = [d for d in damaged if not d.in_inbox]
    if recoverable:
        findings.append(finding("ST-10", *map(_damage, recoverable), count=len(recoverable)))
    if lost:
        findings.append(finding("ST-11", *map(_damage, lost), count=len(lost)))
    withdrawn = [] if registry_damage else withdrawn_entries(archive_dir())
    if withdrawn:
        findings.append(finding("ST-18", *map(describe_withdrawal, withdrawn), count=len(withdrawn)))
    damaged_versions = damaged_kept_versions(warehouse)
    if damaged_versions:
        findings.append(finding("ST-12", *damaged_versions, count=len(damaged_versions)))

    samples, samples_not_loaded = (
        _sample_submissions(published_path(warehouse)) if file_status.ok else (None, None)
    )
    if samples:
        others = samples_not_loaded or 0
        not_loaded = [
            f"thêm {others} tệp mẫu không có trong số liệu (bị từ chối, trùng, đã rút hoặc đã có phiên bản "
            f"sau thay thế) ({others} more sample files not in the figures: rejected, duplicate, withdrawn "
            "or replaced)"
        ]
        findings.append(finding("ST-08", *(not_loaded if others else []), count=samples))

    running = refresh_running(warehouse)
    if running:
        findings.append(finding("ST-09"))

    return WarehouseStatus(
        checked_at=now,
        warehouse_dir=warehouse,
        published=published,
        kept_versions=[record["version"] for record in list_versions(warehouse)],
        last_success=last_success,
        last_failure=last_failure,
        pending_inputs=pending,
        docs_site_current=docs_current,
        latest_briefing=latest,
        todays_briefing_current=todays_current,
        sample_submissions=samples,
        sample_submissions_not_loaded=samples_not_loaded,
        refresh_running=running,
        # An unreadable registry counts nothing: the copies on disk are what the archive still holds.
        archived_files=len(
            archived_copies(archive_dir()) if registry_damage else load_registry(archive_dir())
        ),
        damaged_archive_copies=[d.entry.archive_path for d in damaged],
        damaged_kept_versions=damaged_versions,
        findings=findings,
    )


def refresh_running(warehouse_dir: Path) -> bool:
    """True when a refresh holds this warehouse's refresh lock (pipelines.refresh_lock).

    A shared flock, tried and dropped at once: it conflicts with the refresh's exclusive lock
    and creates nothing (no lock file means no refresh ever ran here)."""
    from pipelines.refresh_lock import LOCK_FILE

    try:
        fd = os.open(warehouse_dir / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the shared lock if it was taken
    return False


def changed_inputs(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """The input keys (``current_inputs``) added, changed or removed between two sets of hashes."""
    return sorted(key for key in recorded.keys() | current.keys() if recorded.get(key) != current.get(key))


def reports_loaded_again(published: Path, recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """The archived reports the warehouse at ``published`` did not load and that are no longer in
    raw/submissions as they were received, each in words: the next refresh loads them from the
    archive all the same (a report still in raw/ is in ``changed_inputs`` already).

    Compared by sha256 and inbox path with ``marts.dim_submission`` (a copy of a loaded file under
    another name is a row of its own, a duplicate): the archive is what ingestion reads, so a report
    moved out of raw/ after a rollback is still loaded by the next refresh."""
    import duckdb

    from pipelines.submissions.archive import RegistryDamagedError, archive_dir, load_registry
    from pipelines.warehouse_access import WarehouseUnavailableError, connect_readonly

    try:
        entries = load_registry(archive_dir())
        with connect_readonly(published) as con:
            loaded = set(con.execute("select sha256, source_path from marts.dim_submission").fetchall())
    except (RegistryDamagedError, WarehouseUnavailableError, duckdb.Error, OSError):
        return []  # a damaged registry is ST-15's; an unreadable warehouse ST-02's
    return [
        f"submissions/{entry.source_path}: đã lưu trong kho lưu trữ báo cáo, không còn trong raw/ "
        f"nhưng lần làm mới tới vẫn nạp (archived: loaded again)"
        for entry in sorted(entries, key=lambda e: e.source_path)
        if not entry.withdrawn  # the next refresh lists it and loads nothing of it
        and (entry.sha256, entry.source_path) not in loaded
        and current.get(f"submissions/{entry.source_path}") != entry.sha256  # still in raw/: ST-05's
        and recorded.get(f"submissions/{entry.source_path}") != entry.sha256
    ]


def published_again(changed: list[str], current: dict[str, str]) -> list[str]:
    """The changed input keys whose change the next refresh would put in the figures: not the
    withdrawals themselves, nor a withdrawn report still in raw/ (listed, never loaded). What is
    left after a rollback is what the operator must still deal with (ST-17, `nq57 rollback`)."""
    from pipelines.submissions.archive import RegistryDamagedError, archive_dir, load_registry
    from pipelines.submissions.withdrawal import WITHDRAWALS_KEY

    try:
        withdrawn = {
            (f"submissions/{e.source_path}", e.sha256) for e in load_registry(archive_dir()) if e.withdrawn
        }
    except RegistryDamagedError:
        withdrawn = set()
    return [key for key in changed if key != WITHDRAWALS_KEY and (key, current.get(key)) not in withdrawn]


def describe_input_change(key: str, published: dict[str, str], current: dict[str, str]) -> str:
    from pipelines.refresh_state import CODE_KEY
    from pipelines.submissions.withdrawal import WITHDRAWALS_KEY

    if key == CODE_KEY:
        return "mã nguồn đã sửa (the code changed)"
    if key == WITHDRAWALS_KEY:
        return "báo cáo đã rút hoặc đưa lại bằng `nq57 withdraw` (reports withdrawn or put back)"
    if key not in published:
        return f"{key}: tệp mới (new)"
    if key not in current:
        return f"{key}: đã xoá (removed)"
    return f"{key}: đã sửa (changed)"


def _damage(copy: Any) -> str:
    what = "mất (missing)" if copy.problem == "missing" else "bị thay đổi (changed)"
    entry = copy.entry
    return f"{entry.file_name}, nhận {entry.received_at[:10]}: bản lưu {entry.archive_path} {what}"


def vn_time(moment: dt.datetime) -> str:
    return moment.astimezone(VN).strftime("%d/%m/%Y %H:%M")


def _at(entry: dict[str, Any]) -> dt.datetime:
    return parse_time(entry["at"])


def parse_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _sample_submissions(published: Path) -> tuple[int | None, int | None]:
    """How many of the published warehouse's submission files are samples whose rows are in the
    figures (loaded, accepted or flagged, and the version in force), and how many are not (rejected,
    duplicate, withdrawn, or replaced by a later version); None: unknown.

    Only the first are in the figures: 15 sample files all rejected once read "15 báo cáo MẪU", and
    samples all replaced by departments' own reports would still have been counted."""
    import duckdb

    from pipelines.warehouse_access import WarehouseUnavailableError, connect_readonly

    try:
        with connect_readonly(published) as con:
            row = con.execute(
                "select count(*) filter (where in_figures), count(*) filter (where not in_figures) "
                "from (select status in ('accepted', 'flagged') and is_current as in_figures "
                "from marts.dim_submission where is_sample)"
            ).fetchone()
    except (WarehouseUnavailableError, duckdb.Error):
        return None, None
    return (int(row[0]), int(row[1])) if row else (None, None)
