"""The catalogue of input warnings: what a refresh that worked still asks a person to fix in raw/.

The refresh goes on past a bad input (a manifest line it cannot read, a copy of a document, a report
it could not archive) and says so in its summary, the successes log and `nq57 status` (ST-14). Each
such warning is one rule here, with an ID (IN-S… for raw/submissions, IN-D… for raw/documents), a
severity, a Vietnamese message for the operator on duty (what is wrong, what to do) and an English
line for the warehouse team, like the submission rules (SUB-…) and the status rules (ST-…).

Warnings are passed on as text (Dagster metadata, the successes log), so every producer builds its
line with ``input_warning``: the ID, the catalogue's message, then the occurrence's own detail (which
file, which line, which hashes). ``rule_of`` reads the ID back.

Severities are the status rules' (``nq57 status`` shows these warnings inside ST-14):
``warning``: something in raw/ is not loaded, or not taken as written, until a person fixes it;
``info``: the refresh did what was meant (a copy skipped, an older plan set aside, a name matched
ignoring case); tidy up so the warning stops. docs/input_warnings.md is ``catalogue_markdown()``.
"""

from __future__ import annotations

import re

# The same shape and severities as the status rules: these warnings are shown as ST-14's details.
from pipelines.warehouse_status import INFO, WARNING
from pipelines.warehouse_status import StatusRule as InputRule

# Between the message and the occurrence's detail: the message ends with a full stop, the detail is
# file names and line numbers.
DETAIL_SEPARATOR = " — "

_SUBMISSIONS_MANIFEST = "manifest.csv của thư mục nhận báo cáo (raw/submissions)"
_DOCUMENTS_MANIFEST = "manifest.csv của thư mục tài liệu (raw/documents)"
_FROM_TEXT = "thông tin của các tài liệu (loại, cơ quan ban hành, ngày văn bản) được dò từ nội dung văn bản"

_RULES = (
    # ── raw/submissions: manifest.csv, the received dates and sample marks a person wrote ──
    InputRule(
        "IN-S01",
        WARNING,
        f"Không đọc được {_SUBMISSIONS_MANIFEST}, nên ngày nhận của các tệp mới được lấy theo thời điểm "
        "sửa tệp. Hãy mở manifest.csv bằng Excel và lưu lại dạng CSV UTF-8.",
        "raw/submissions/manifest.csv cannot be read (neither UTF-8 nor Windows-1258, or cannot be opened): "
        "new files' received dates fall back to their modification time.",
    ),
    InputRule(
        "IN-S02",
        WARNING,
        f"Dòng tiêu đề của {_SUBMISSIONS_MANIFEST} thiếu cột file_name hoặc received_at, nên không dòng "
        "nào được dùng; ngày nhận của các tệp mới được lấy theo thời điểm sửa tệp. Hãy sửa dòng đầu của "
        "manifest.csv cho có đủ hai cột file_name và received_at.",
        "raw/submissions/manifest.csv lacks the file_name or received_at column: no row is used, received "
        "dates fall back to the files' modification time.",
    ),
    InputRule(
        "IN-S03",
        WARNING,
        f'Một dòng của {_SUBMISSIONS_MANIFEST} bị hỏng (thường do dấu ngoặc kép " chưa đóng) nên bị bỏ '
        "qua; tệp ghi ở dòng này (nếu có) lấy ngày nhận theo thời điểm sửa tệp. Hãy sửa dòng đó.",
        "A malformed line of raw/submissions/manifest.csv (usually an unclosed quote) is skipped; the lines "
        "after it are read.",
    ),
    InputRule(
        "IN-S04",
        WARNING,
        f"Ô received_at của một dòng trong {_SUBMISSIONS_MANIFEST} không phải ngày giờ, nên ngày nhận của "
        "tệp được lấy theo thời điểm sửa tệp. Ngày viết dạng 2026-04-12, 2026-04-12 09:30 hoặc 12/04/2026 "
        "09:30. Ngày nhận được ghi cố định khi tệp đến: nếu ngày đã lấy sai, hãy sửa cột received_at của "
        "tệp trong registry.csv của kho lưu trữ rồi chạy `nq57 refresh --full`.",
        "received_at of a raw/submissions/manifest.csv row is not a date: the file's modification time is "
        "its received date (fixed at first sight: correct it in the archive's registry.csv).",
    ),
    InputRule(
        "IN-S05",
        INFO,
        f"Tên tệp ghi ở một dòng của {_SUBMISSIONS_MANIFEST} chỉ khác tên tệp thật ở chữ hoa, chữ thường; "
        "dòng này vẫn được dùng cho tệp. Lần sau hãy ghi đúng tên tệp.",
        "A raw/submissions/manifest.csv row names the file differing only in letter case: used for it.",
    ),
    InputRule(
        "IN-S06",
        WARNING,
        f"Một dòng của {_SUBMISSIONS_MANIFEST} ghi tên tệp không có trong thư mục nhận hay kho lưu trữ "
        "(thường do gõ sai tên), nên tệp định ghi ở dòng đó (nếu có) lấy ngày nhận theo thời điểm sửa "
        "tệp. Hãy kiểm tra lại tên tệp, đúng cả đuôi tệp và thư mục con.",
        "A raw/submissions/manifest.csv row names no file in the inbox or the archive (a misspelt name).",
    ),
    InputRule(
        "IN-S07",
        WARNING,
        "manifest.csv ghi tệp là dữ liệu mẫu (cột is_sample), nhưng trang 'ThongTin' của tệp ghi không "
        "phải mẫu: số liệu của tệp được coi là DỮ LIỆU MẪU. Nếu đây là báo cáo thật của sở, ngành, hãy "
        "sửa cột is_sample của tệp trong manifest.csv.",
        "manifest.csv marks the file as a sample, its info sheet does not: carried as a sample.",
    ),
    InputRule(
        "IN-S08",
        WARNING,
        "manifest.csv ghi tệp không phải dữ liệu mẫu (cột is_sample), nhưng trang 'ThongTin' của tệp ghi "
        "là mẫu: số liệu của tệp vẫn được coi là DỮ LIỆU MẪU. Nếu đây là báo cáo thật, sở, ngành cần gửi "
        "lại tệp với ô 'Dữ liệu mẫu?' ghi KHÔNG.",
        "manifest.csv says the file is no sample, its info sheet says it is: carried as a sample.",
    ),
    # ── raw/submissions: the files and their archived copies ──
    InputRule(
        "IN-S09",
        WARNING,
        "Trong thư mục nhận báo cáo có một liên kết (shortcut) tới tệp không còn tồn tại, nên không đọc "
        "được. Hãy chép chính tệp báo cáo vào thư mục nhận.",
        "An inbox entry is a link to a missing file: nothing to read. Copy the file itself into the inbox.",
    ),
    InputRule(
        "IN-S10",
        WARNING,
        "Một tệp có nội dung mới nhưng trùng tên với tệp đã nhận trước đây. Ngày nhận của nó (ghi trong "
        "manifest.csv, hoặc thời điểm sửa tệp) không sau bản trước nên không dùng được; ngày nhận được "
        "lấy sau bản trước. Nếu đây là bản nộp lại, lần sau hãy đặt tên có _v2 (ví dụ SYT_2026-Q2_v2.xlsx) "
        "và ghi ngày nhận vào manifest.csv.",
        "New bytes under an earlier file's name whose received date is not after the earlier version: "
        "its received time is set after it (modification time, else first seen).",
    ),
    InputRule(
        "IN-S11",
        WARNING,
        "Không lưu được tệp báo cáo vào kho lưu trữ (ổ đĩa đầy, không có quyền ghi, hoặc đã có tệp hay "
        "thư mục trùng tên), nên tệp chưa được nạp; tệp vẫn nằm trong thư mục nhận và sẽ được thử lại ở "
        "lần làm mới sau. Hãy kiểm tra chỗ trống và quyền ghi của thư mục lưu trữ.",
        "The archive copy of a received file could not be written: not loaded, tried again next refresh.",
    ),
    InputRule(
        "IN-S12",
        WARNING,
        "Bản lưu của một tệp báo cáo trong kho lưu trữ bị mất hoặc hỏng và không chép lại được từ thư mục "
        "nhận (`nq57 status` báo ở ST-10). Hãy kiểm tra chỗ trống và quyền ghi của thư mục lưu trữ rồi "
        "chạy `nq57 refresh --full`.",
        "A damaged archive copy could not be restored from the inbox.",
    ),
    InputRule(
        "IN-S13",
        WARNING,
        "Không đổi được tên bản lưu của một tệp báo cáo sang tên ngắn hơn (tên cũ quá dài). Hãy kiểm tra "
        "quyền ghi của thư mục lưu trữ và xem ở đó đã có tệp hay thư mục mang tên mới chưa.",
        "An archived copy under a name too long could not be renamed to its shortened name.",
    ),
    InputRule(
        "IN-S14",
        WARNING,
        "Thứ tự phiên bản theo ngày nhận trái với hậu tố _vN của tên tệp (ví dụ tệp _v2 nhận trước tệp "
        "đầu), nên bản đang dùng có thể không phải bản mới nhất. Phiên bản tính theo ngày nhận: nếu ngày "
        "nhận sai (thường do gõ nhầm received_at trong manifest.csv), hãy sửa cột received_at của tệp đó "
        "trong registry.csv của kho lưu trữ rồi chạy `nq57 refresh --full` (ngày nhận được ghi cố định "
        "khi tệp đến, sửa manifest.csv lúc này không còn tác dụng).",
        "Versions follow received time, which contradicts the files' _vN suffixes: if a received date is "
        "wrong, correct received_at in the archive's registry.csv, then `nq57 refresh --full`.",
    ),
    # ── raw/documents: manifest.csv ──
    InputRule(
        "IN-D01",
        WARNING,
        f"Thư mục tài liệu (raw/documents) không có manifest.csv, nên {_FROM_TEXT} và mọi tài liệu đều "
        "được nạp. Hãy đặt lại manifest.csv, mỗi tài liệu một dòng.",
        "raw/documents has no manifest.csv: metadata detected from the text, every document loaded.",
    ),
    InputRule(
        "IN-D02",
        WARNING,
        f"{_DOCUMENTS_MANIFEST} không lưu bằng mã UTF-8 nên không đọc được; {_FROM_TEXT}. Hãy mở tệp bằng "
        "Excel và lưu lại dạng CSV UTF-8.",
        "raw/documents/manifest.csv is not UTF-8: metadata detected from the text.",
    ),
    InputRule(
        "IN-D03",
        WARNING,
        f"Không mở được {_DOCUMENTS_MANIFEST}; {_FROM_TEXT}. Hãy kiểm tra tệp (quyền đọc, có đúng là "
        "một tệp CSV không).",
        "raw/documents/manifest.csv cannot be opened: metadata detected from the text.",
    ),
    InputRule(
        "IN-D04",
        WARNING,
        f"Dòng tiêu đề của {_DOCUMENTS_MANIFEST} không có cột file_name nên không dùng được; {_FROM_TEXT}. "
        "Hãy sửa dòng đầu thành: file_name,kind,issuer,province,document_date,title,original_file_name,"
        "sha256,note.",
        "raw/documents/manifest.csv has no file_name column: unusable, metadata detected from the text.",
    ),
    InputRule(
        "IN-D05",
        WARNING,
        f"Dòng tiêu đề của {_DOCUMENTS_MANIFEST} thiếu một số cột; các thông tin đó của mọi tài liệu để "
        "trống. Hãy thêm các cột còn thiếu.",
        "raw/documents/manifest.csv lacks some columns: those values are left NULL.",
    ),
    InputRule(
        "IN-D06",
        WARNING,
        f"Một dòng của {_DOCUMENTS_MANIFEST} có số ô khác dòng tiêu đề (thường do dấu phẩy thừa hoặc thiếu, "
        "hay một ô có dấu phẩy mà không đặt trong ngoặc kép), nên không dùng dòng này; thông tin của tài "
        "liệu đó được dò từ nội dung văn bản. Hãy sửa dòng đó.",
        "A raw/documents/manifest.csv row has more or fewer cells than the header: not used.",
    ),
    InputRule(
        "IN-D07",
        WARNING,
        f"Một dòng của {_DOCUMENTS_MANIFEST} không ghi file_name nên không biết dòng đó nói về tài liệu "
        "nào. Hãy ghi tên tệp vào cột file_name, hoặc xóa dòng.",
        "A raw/documents/manifest.csv row has no file_name: not used.",
    ),
    InputRule(
        "IN-D08",
        WARNING,
        f"{_DOCUMENTS_MANIFEST} bị hỏng từ một dòng trở đi (ví dụ một ô dài bất thường), phần sau không đọc "
        "được; tài liệu ở phần đó được dò thông tin từ nội dung văn bản. Hãy sửa dòng đó.",
        "raw/documents/manifest.csv is malformed from a line on: the rest is not read.",
    ),
    InputRule(
        "IN-D09",
        WARNING,
        f"{_DOCUMENTS_MANIFEST} có nhiều dòng khác nhau cho cùng một tài liệu, nên không dùng dòng nào "
        "(chọn một là đoán); thông tin tài liệu được dò từ nội dung văn bản. Hãy giữ lại một dòng.",
        "raw/documents/manifest.csv has conflicting rows for one file: none is used.",
    ),
    InputRule(
        "IN-D10",
        WARNING,
        f"{_DOCUMENTS_MANIFEST} không liệt kê tài liệu nào đang có trong thư mục (bị xóa hết dòng, hoặc là "
        f"manifest của thư mục khác), nên mọi tài liệu vẫn được nạp và {_FROM_TEXT}. Hãy ghi vào "
        "manifest.csv một dòng cho mỗi tài liệu.",
        "raw/documents/manifest.csv lists none of the folder's files: every document loads, metadata "
        "detected from the text.",
    ),
    # ── raw/documents: documents read but not loaded, or not read ──
    InputRule(
        "IN-D11",
        WARNING,
        "Tài liệu chưa có dòng trong manifest.csv nên không được nạp (chỉ đọc để biết nội dung). Nếu cần "
        "nạp, hãy thêm một dòng cho tài liệu vào manifest.csv; nếu không, hãy chuyển tệp ra khỏi "
        "raw/documents.",
        "A document raw/documents/manifest.csv does not list: read, not loaded.",
    ),
    InputRule(
        "IN-D12",
        INFO,
        "Tài liệu có nội dung giống hệt một tài liệu khác trong thư mục nên không đọc lại; số liệu chỉ lấy "
        "một lần, từ tài liệu kia. Nếu là bản sao thừa, hãy chuyển tệp ra khỏi raw/documents.",
        "A copy of another document (same bytes): not read again, its facts are the original's.",
    ),
    InputRule(
        "IN-D13",
        WARNING,
        "Nội dung tài liệu khác với bản đã khai báo trong manifest.csv (cột sha256): tệp có thể bị chép "
        "thiếu, bị sửa hay bị thay, nên không được nạp. Nếu đây đúng là bản mới, hãy ghi mã sha256 mới "
        "của tệp vào manifest.csv; nếu không, hãy đặt lại đúng tệp.",
        "A document whose bytes differ from the sha256 its manifest row vouches for: read, not loaded.",
    ),
    InputRule(
        "IN-D14",
        INFO,
        "Văn bản kế hoạch này không được nạp vì đang dùng một văn bản kế hoạch khác: mới hơn theo ngày "
        "văn bản, hoặc cùng ngày và ở dạng đọc chính xác hơn (txt, rồi docx, rồi pdf). Nếu văn bản này "
        "mới là bản phải dùng, hãy kiểm tra ngày văn bản (document_date) của hai tệp trong manifest.csv.",
        "A plan document superseded by the one in force (later date, else txt before docx before pdf).",
    ),
    InputRule(
        "IN-D15",
        WARNING,
        "Văn bản kế hoạch này thiếu những phần mà văn bản kế hoạch đang dùng có (bảng, dòng tổng cộng, "
        "nhiệm vụ), có thể do tệp bị cắt ngắn hoặc chép chưa xong, nên không được dùng dù ngày văn bản "
        "mới hơn. Hãy chép lại tệp đủ; nếu văn bản mới thật sự bỏ các phần này, hãy chuyển văn bản cũ ra "
        "khỏi raw/documents (và bỏ dòng của nó trong manifest.csv).",
        "A plan document lacking parts the one in force holds (probably cut short): never in force, "
        "whatever its date.",
    ),
    InputRule(
        "IN-D16",
        WARNING,
        "Không đọc được tài liệu (tệp hỏng, rỗng, sai định dạng, hoặc không phải văn bản Đề án hay bài "
        "trình chiếu), nên tài liệu không được nạp. Hãy kiểm tra tệp và chép lại bản đúng.",
        "A document that cannot be read (damaged, empty, another format, or no plan document): not loaded.",
    ),
    InputRule(
        "IN-D17",
        WARNING,
        "Tài liệu chỉ đọc được một phần: có bảng hoặc dòng không đọc được, nên số liệu ở đó chưa vào kho. "
        "Hãy kiểm tra tài liệu ở chỗ được nêu; nếu tài liệu không có lỗi, hãy báo bộ phận quản trị kho "
        "dữ liệu.",
        "A document read only in part (an extraction error: a table or row it could not place).",
    ),
)

INPUT_RULES: dict[str, InputRule] = {rule.rule_id: rule for rule in _RULES}
_LEADING_ID = re.compile(r"(IN-[SD]\d{2}) ")


def input_warning(rule_id: str, detail: str) -> str:
    """The text of one input warning: its ID, the catalogue's message, then what this occurrence is
    (which file, which line); KeyError for an ID not in the catalogue."""
    rule = INPUT_RULES[rule_id]
    return f"{rule.rule_id} {rule.message_vi}{DETAIL_SEPARATOR}{detail}"


def rule_of(warning: str) -> InputRule | None:
    """The rule a warning's text starts with; None for a text made without the catalogue."""
    match = _LEADING_ID.match(warning)
    return INPUT_RULES.get(match.group(1)) if match else None


def detail_of(warning: str) -> str:
    """What ``input_warning`` put after the message: the occurrence's own detail."""
    rule = rule_of(warning)
    prefix = f"{rule.rule_id} {rule.message_vi}{DETAIL_SEPARATOR}" if rule else ""
    return warning.removeprefix(prefix) if prefix and warning.startswith(prefix) else warning


def id_and_detail(warning: str) -> tuple[str | None, str]:
    """(rule ID or None, detail) of a warning's text: what a reader of a list of warnings compares."""
    rule = rule_of(warning)
    return (rule.rule_id if rule else None), detail_of(warning)


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (docs/input_warnings.md embeds it)."""
    lines = [
        "| ID | mức độ (severity) | thông báo (Vietnamese) | meaning (English) |",
        "|---|---|---|---|",
    ]
    for rule in _RULES:
        message = rule.message_vi.replace("|", "\\|")
        lines.append(f"| {rule.rule_id} | {rule.severity} | {message} | {rule.message_en} |")
    return "\n".join(lines)
