"""The rule catalogue: every check a submission goes through, with its ID, severity and messages.

Severity ``fatal``: the file is not loaded into the facts (it is still archived, its rows are kept in
the raw tables marked as from a rejected file, and the department gets the error report).
Severity ``warning``: the file is loaded and flagged.

Messages are written for the civil servant who fills in the form: what is wrong and what to do, in
Vietnamese, with an English line for the warehouse team. docs/submissions.md is generated from
this table (``catalogue_markdown``) so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

FATAL = "fatal"
WARNING = "warning"

# How every figure of a submission is stored (raw tables: decimal(18,3); amounts are million VND, so
# 3 decimals is 1,000 VND). raw_tables.AMOUNT is built from these and SUB-V11/V12 check against them,
# so the column, the checks and the messages below ("3 chữ số thập phân", "15 chữ số") cannot drift
# apart unnoticed (tests/test_submission_rules.py compares them).
STORED_DIGITS = 18
STORED_DECIMALS = 3
STORED_INTEGER_DIGITS = STORED_DIGITS - STORED_DECIMALS


# Where a department gets its workbook (docs/submissions.md): the warehouse makes it for each agency and
# quarter with `nq57 template`, prefilled; there is no form to download elsewhere.
TEMPLATE_SOURCE_VI = (
    "biểu mẫu Excel (.xlsx) do đơn vị quản lý Kho dữ liệu Đề án Nghị quyết 57 lập riêng cho cơ quan "
    "mình và cho kỳ báo cáo này (đã ghi sẵn mã cơ quan, kỳ báo cáo và các nhiệm vụ)"
)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    severity: str
    category: str
    message_vi: str
    message_en: str


_RULES = (
    # ── file ──
    Rule(
        "SUB-F01",
        FATAL,
        "file",
        "Không mở được tệp: tệp bị hỏng, rỗng hoặc chưa tải xong. Vui lòng lưu lại tệp từ Excel và gửi lại.",
        "File cannot be opened: corrupt, empty or truncated.",
    ),
    Rule(
        "SUB-F02",
        FATAL,
        "file",
        # Menus as Vietnamese Office names them, the English in brackets: a civil servant's Excel is
        # usually in Vietnamese, and "File > Info" names nothing on the screen.
        "Tệp có đặt mật khẩu. Vui lòng bỏ mật khẩu: trong Excel chọn Tệp (File) > Thông tin (Info) > "
        "Bảo vệ Sổ làm việc (Protect Workbook) > Mã hóa bằng Mật khẩu (Encrypt with Password), xóa mật "
        "khẩu, bấm OK, lưu tệp rồi gửi lại.",
        "File is password-protected (encrypted).",
    ),
    Rule(
        "SUB-F03",
        FATAL,
        "file",
        "Tệp không phải bảng tính Excel (.xlsx) hay tệp CSV theo biểu mẫu, hoặc đuôi tệp không khớp "
        "nội dung (ví dụ bảng tính .xlsx bị đổi đuôi thành .csv). Lưu ý: khi lưu dạng CSV, Excel và "
        "LibreOffice chỉ lưu một trang tính (trang đang mở), các trang còn lại bị mất. Vui lòng điền số "
        f"liệu vào {TEMPLATE_SOURCE_VI} và gửi chính tệp .xlsx đó, không lưu sang CSV.",
        "Not an xlsx workbook or CSV in the template's layout (legacy .xls, another kind of file, an "
        "extension that does not match the content, e.g. an xlsx named .csv, or a CSV with none of the "
        "template's [sections], as Excel and LibreOffice save one sheet): the .xlsx is asked for.",
    ),
    Rule(
        "SUB-F04",
        WARNING,
        "file",
        # "Đã bị rút": a withdrawn report's bytes stay received (nq57 withdraw) and never load again.
        "Tệp này giống hệt một tệp đã nhận trước đó (đã nạp, đã bị rút khỏi số liệu, hoặc cùng tên tệp) "
        "nên không nạp lại. Đơn vị không cần gửi lại; nếu muốn sửa số liệu, vui lòng sửa trong tệp rồi gửi "
        "tệp đã sửa.",
        "Identical to a file already received (same SHA-256) that was loaded, withdrawn or had the same "
        "name; not loaded again.",
    ),
    # ── archive (ours, not the department's: the file was received, its record is gone) ──
    Rule(
        "SUB-A01",
        FATAL,
        "archive",
        "Bản lưu của tệp này trong kho lưu trữ bị mất hoặc bị hỏng, và thư mục nhận không còn tệp gốc, "
        "nên số liệu của tệp chưa được nạp lại. Lỗi ở phía kho dữ liệu, không phải ở tệp đơn vị đã gửi; "
        "vui lòng gửi lại đúng tệp này.",
        "The archived copy is missing or no longer the received bytes (SHA-256 differs) and the inbox "
        "no longer holds them: not loaded. Our fault, not the sender's; please send the same file again.",
    ),
    # ── encoding ──
    Rule(
        "SUB-E01",
        FATAL,
        "encoding",
        "Tệp CSV không đọc được tiếng Việt (không phải mã UTF-8 hay Windows-1258, ví dụ tệp lưu dạng "
        "'Unicode Text'). Cách đơn giản nhất là gửi chính tệp .xlsx của biểu mẫu; nếu gửi tệp CSV theo "
        "biểu mẫu (đủ các phần [ThongTin], [KinhPhi], ...), hãy lưu bằng mã UTF-8.",
        "CSV is neither valid UTF-8 nor Windows-1258 (undecodable bytes, or UTF-16/UTF-32 text).",
    ),
    Rule(
        "SUB-E02",
        WARNING,
        "encoding",
        "Chữ tiếng Việt trong ô này bị lỗi phông/mã (ví dụ 'Sá»Ÿ' thay cho 'Sở'). Vui lòng kiểm tra "
        "và gõ lại.",
        "Text looks garbled (mojibake or replacement characters).",
    ),
    # ── template ──
    Rule(
        "SUB-T01",
        FATAL,
        "template",
        f"Phiên bản biểu mẫu không đúng hoặc bị xóa. Vui lòng nhập lại số liệu vào {TEMPLATE_SOURCE_VI}.",
        "Unknown or missing template version.",
    ),
    Rule(
        "SUB-T02",
        FATAL,
        "template",
        "Thiếu trang tính (sheet) bắt buộc của biểu mẫu. Không xóa hoặc đổi tên các trang tính.",
        "A required sheet is missing.",
    ),
    Rule(
        "SUB-T03",
        FATAL,
        "template",
        "Thiếu cột bắt buộc của biểu mẫu (dòng mã cột dưới tiêu đề). Không xóa hoặc sửa dòng mã cột.",
        "A required column is missing.",
    ),
    Rule(
        "SUB-T04",
        FATAL,
        "template",
        "Hai cột có cùng mã ở dòng mã cột, nên không biết số liệu nào là số cần báo cáo. Vui lòng giữ "
        "một cột cho mỗi mã (xóa cột thừa hoặc chuyển số liệu đúng vào cột của biểu mẫu) rồi gửi lại.",
        "Two columns carrying values have the same code in the row of column codes: which figure is meant "
        "is unknown, so neither is guessed.",
    ),
    Rule(
        "SUB-T05",
        WARNING,
        "template",
        "Cột không thuộc biểu mẫu (không có mã cột của biểu mẫu ở dòng mã cột) nhưng có ghi số liệu: "
        "hệ thống không đọc cột này, số liệu trong cột không được đưa vào kho. Nếu cần báo cáo nội dung "
        "này, vui lòng ghi vào cột Ghi chú.",
        "A column the form does not have holds values: it is not loaded; said so, never dropped silently.",
    ),
    Rule(
        "SUB-T06",
        WARNING,
        "template",
        "Trang tính không thuộc biểu mẫu nhưng có nội dung: hệ thống chỉ đọc các trang ThongTin, KinhPhi, "
        "TienDo, ChiTieu; nội dung trang này không được đưa vào kho. Số liệu cần báo cáo, vui lòng ghi "
        "vào các trang của biểu mẫu.",
        "A sheet the form does not have holds something: it is not loaded; said so, never dropped silently.",
    ),
    # ── identity: who reports, for which period ──
    Rule(
        "SUB-H01",
        FATAL,
        "identity",
        "Chưa ghi mã cơ quan báo cáo ở trang 'ThongTin'. Vui lòng ghi đúng mã đã được cấp (ví dụ SYT) "
        "rồi gửi lại.",
        "Reporting agency code is missing.",
    ),
    Rule(
        "SUB-H02",
        FATAL,
        "identity",
        "Mã cơ quan báo cáo không có trong danh mục. Vui lòng dùng đúng mã đã được cấp (ví dụ SYT).",
        "Unknown agency code.",
    ),
    Rule(
        "SUB-H03",
        FATAL,
        "identity",
        "Chưa ghi hoặc ghi sai kỳ báo cáo. Ghi theo dạng năm-quý, ví dụ 2026-Q2.",
        "Reporting period missing or not a period (expected YYYY-Qn).",
    ),
    Rule(
        "SUB-H04",
        FATAL,
        "identity",
        "Kỳ báo cáo nằm ngoài thời gian thực hiện Đề án (2025–2030). Vui lòng kiểm tra lại năm ở trang "
        "'ThongTin' và ở tên tệp, sửa cho đúng kỳ báo cáo (ví dụ 2026-Q2) rồi gửi lại.",
        "Reporting period outside the plan years 2025–2030.",
    ),
    Rule(
        "SUB-H05",
        FATAL,
        "identity",
        "Mã cơ quan trong tệp khác với mã cơ quan trong tên tệp. Vui lòng kiểm tra, sửa cho thống nhất.",
        "Agency code in the file contradicts the file name.",
    ),
    Rule(
        "SUB-H06",
        FATAL,
        "identity",
        "Kỳ báo cáo trong tệp khác với kỳ báo cáo trong tên tệp. Vui lòng kiểm tra, sửa cho thống nhất.",
        "Reporting period in the file contradicts the file name.",
    ),
    Rule(
        "SUB-H07",
        WARNING,
        "identity",
        "Tên tệp không theo quy ước MÃCQ_NĂM-QUÝ (ví dụ SYT_2026-Q2.xlsx) nên không đối chiếu được mã "
        "cơ quan và kỳ báo cáo với tên tệp. Tệp vẫn được nạp; lần sau vui lòng đặt tên tệp theo quy ước.",
        "File name does not follow AGENCY_YYYY-Qn; agency and period could not be checked against it.",
    ),
    Rule(
        "SUB-H08",
        FATAL,
        "identity",
        "Kỳ báo cáo chưa bắt đầu vào ngày nhận tệp (ví dụ báo cáo quý 3 năm 2026 gửi trước ngày "
        "01/07/2026), nên không thể là số liệu đã thực hiện. Vui lòng kiểm tra lại năm và quý ở tên tệp "
        "và ở trang 'ThongTin', sửa cho đúng kỳ báo cáo rồi gửi lại.",
        "Reporting period had not begun on the day the file was received (a future quarter): check the "
        "year and quarter in the file name and on the info sheet. For `nq57 validate`, the day is today "
        "in Vietnam.",
    ),
    Rule(
        "SUB-H09",
        WARNING,
        "identity",
        # Loaded (the figures are real, up to the day sent), but every mart takes the latest version as the
        # quarter's report: the department is asked for the whole quarter, and told how a re-send is taken.
        "Báo cáo được gửi khi kỳ báo cáo chưa kết thúc (ví dụ báo cáo Quý 4/2026 nhận ngày 20/12/2026, "
        "trước ngày cuối quý 31/12/2026), nên số liệu lũy kế chỉ tính đến ngày gửi, chưa phải số liệu cả "
        "quý. Tệp vẫn được nạp và được dùng làm báo cáo của quý cho đến khi có bản gửi lại. Sau ngày cuối "
        "quý, vui lòng gửi lại báo cáo với số liệu cả quý (ví dụ tệp SYT_2026-Q4_v2.xlsx): bản gửi lại được "
        "nạp thành phiên bản mới và thay thế bản này; gửi lại đúng tệp cũ, không sửa gì, thì không được "
        "nạp lại.",
        "Received before its reporting period ended (the quarter still running): cumulative figures stop "
        "at the day sent, not at the quarter's end. Loaded and flagged, it is the quarter's report in every "
        "mart until a later version replaces it; the department is asked to send the whole quarter again "
        "after the quarter ends (a byte-identical copy is SUB-F04, not loaded). For `nq57 validate`, the "
        "day is today in Vietnam.",
    ),
    # ── content ──
    Rule(
        "SUB-C01",
        FATAL,
        "content",
        "Biểu báo cáo chưa có số liệu nào (các trang KinhPhi, TienDo, ChiTieu đều trống). Vui lòng điền "
        "số liệu vào các trang này rồi gửi lại.",
        "Empty submission: no reported values on any data sheet.",
    ),
    Rule(
        "SUB-C02",
        FATAL,
        "content",
        "Nhiệm vụ không có trong Phụ lục của Đề án. Vui lòng sửa lại rồi gửi lại: Phụ lục ghi I hoặc II; "
        "STT nhiệm vụ chỉ ghi bằng số, đúng như trong Phụ lục (ví dụ 65, hoặc 1.2 ở Phụ lục II), không "
        "thêm chữ như 'Nhiệm vụ', 'NV'.",
        "Unknown task: appendix and task number name no task of the plan (an appendix other than I/II, or "
        "a number not in it, or written with words: 'Nhiệm vụ 65' is answered with the number to write).",
    ),
    Rule(
        "SUB-C03",
        FATAL,
        "content",
        "Mã chỉ tiêu không có trong danh mục chỉ tiêu của Đề án. Vui lòng chọn mã trong danh sách.",
        "Unknown indicator code.",
    ),
    Rule(
        "SUB-C04",
        WARNING,
        "content",
        "Nhiệm vụ này không được giao cho cơ quan báo cáo chủ trì. Vui lòng kiểm tra lại.",
        "Task is not assigned to the reporting agency as lead.",
    ),
    Rule(
        "SUB-C05",
        FATAL,
        "content",
        "Dòng bị trùng: cùng nhiệm vụ (và nguồn vốn) / cùng chỉ tiêu đã khai ở dòng khác. Vui lòng gộp "
        "thành một dòng.",
        "Duplicate row (same key as an earlier row in the sheet).",
    ),
    Rule(
        "SUB-C06",
        WARNING,
        "content",
        "Chỉ tiêu này được giao cho cơ quan khác báo cáo, không phải cơ quan gửi biểu này. Vui lòng "
        "kiểm tra lại.",
        "Indicator is not assigned to the reporting agency (map_indicator_agency names another agency).",
    ),
    # ── values ──
    Rule(
        "SUB-V01",
        FATAL,
        "value",
        "Ô này phải là số (ví dụ 1.250 hoặc 1250,5), không ghi chữ hay đơn vị. Vui lòng sửa lại ô này "
        "rồi gửi lại.",
        "Value is not a number.",
    ),
    Rule(
        "SUB-V02",
        FATAL,
        "value",
        "Số tiền không được âm. Vui lòng ghi số tiền từ 0 trở lên (đơn vị triệu đồng, không có dấu trừ) "
        "rồi gửi lại.",
        "Negative amount.",
    ),
    Rule(
        "SUB-V03",
        FATAL,
        "value",
        "Ô số liệu chứa công thức. Vui lòng dán giá trị (Paste Values) thay cho công thức.",
        "Value cell holds a formula (its result may be stale or missing).",
    ),
    Rule(
        "SUB-V04",
        WARNING,
        "value",
        "Số tiền quá lớn, có thể đã ghi bằng đồng thay vì triệu đồng. Đơn vị của biểu là triệu đồng. "
        "Vui lòng kiểm tra lại; nếu đã ghi bằng đồng, đổi sang triệu đồng (ví dụ 7.363.000.000 đồng "
        "ghi là 7.363) rồi gửi lại.",
        "Amount looks like VND rather than million VND.",
    ),
    Rule(
        "SUB-V05",
        FATAL,
        "value",
        "Tỷ lệ hoàn thành phải từ 0 đến 100 (%). Vui lòng ghi lại (ví dụ 45 nghĩa là 45%) rồi gửi lại.",
        "Percent complete outside 0–100.",
    ),
    Rule(
        "SUB-V06",
        WARNING,
        "value",
        "Tình trạng 'Hoàn thành' nhưng tỷ lệ hoàn thành dưới 100%. Vui lòng kiểm tra lại.",
        "Status 'done' with percent complete below 100.",
    ),
    Rule(
        "SUB-V07",
        FATAL,
        "value",
        "Tình trạng không đúng danh mục. Chọn một trong: Chưa triển khai, Đang thực hiện, Hoàn thành, "
        "Tạm dừng.",
        "Unknown task status.",
    ),
    Rule(
        "SUB-V08",
        FATAL,
        "value",
        "Nguồn vốn không đúng danh mục (ví dụ NSNN). Chọn trong danh sách thả xuống.",
        "Unknown funding source (an empty one is SUB-V15).",
    ),
    Rule(
        "SUB-V09",
        FATAL,
        "value",
        "Giá trị chỉ tiêu nằm ngoài khoảng hợp lệ của chỉ tiêu (xem cột 'Giá trị cần có'). Vui lòng kiểm "
        "tra lại con số và đơn vị tính của chỉ tiêu, sửa rồi gửi lại.",
        "KPI value outside its valid range.",
    ),
    Rule(
        "SUB-V10",
        WARNING,
        "value",
        "Nội dung bắt đầu bằng =, +, - hoặc @ sẽ bị Excel hiểu là công thức; hệ thống đã thêm dấu ' "
        "phía trước khi xuất ra, nội dung vẫn giữ nguyên. Đơn vị không cần sửa.",
        "Text would run as a formula in Excel; neutralised wherever exported.",
    ),
    Rule(
        "SUB-V11",
        FATAL,
        "value",
        "Số có quá 3 chữ số thập phân. Số tiền ghi theo đơn vị triệu đồng, tối đa 3 chữ số thập phân "
        "(đến nghìn đồng), ví dụ 1.250,125; tỷ lệ hoàn thành (%) và giá trị chỉ tiêu cũng ghi tối đa 3 "
        "chữ số thập phân. Hệ thống không tự làm tròn số liệu: vui lòng sửa lại ô này rồi gửi lại.",
        "More than 3 decimal places (read as Excel shows the cell, 15 significant digits): does not fit "
        "decimal(18,3), i.e. finer than 1,000 VND for an amount; never rounded silently.",
    ),
    Rule(
        "SUB-V12",
        FATAL,
        "value",
        "Số quá lớn: phần nguyên vượt quá 15 chữ số nên không lưu được. Số tiền ghi theo đơn vị triệu "
        "đồng, không ghi bằng đồng. Vui lòng kiểm tra lại ô này (số dán nhầm, hoặc số hiện dạng "
        "7,363E+16) rồi gửi lại.",
        "Number too large for decimal(18,3) (more than 15 digits before the decimal point).",
    ),
    Rule(
        "SUB-V13",
        FATAL,
        "value",
        "Ô đang hiện lỗi của Excel (ví dụ #N/A, #DIV/0!, #VALUE!, #REF!), thường do công thức tra cứu "
        "(VLOOKUP) không tìm thấy giá trị hoặc phép chia cho 0, nên không đọc được nội dung ô (số liệu, "
        "STT nhiệm vụ, phụ lục, nguồn vốn, tình trạng, mã chỉ tiêu, ghi chú). Vui lòng nhập số liệu thật "
        "hoặc giá trị đúng vào ô này (nếu chưa có số liệu thì để trống) rồi gửi lại.",
        "Cell holds an Excel error value (#N/A, #DIV/0!, #VALUE!, #REF!, ...), e.g. from a failed "
        "VLOOKUP: a figure is no number, neither blank nor 0; a task number, appendix, funding source, "
        "status, indicator code or note is not looked up further (no second finding such as SUB-C02); "
        "the error text is kept as provided.",
    ),
    # ── consistency with other figures ──
    Rule(
        "SUB-V14",
        FATAL,
        "value",
        "Các ô trong vùng số liệu bị gộp (Merge Cells), nên chỉ ô đầu có giá trị, các dòng còn lại đọc "
        "thành để trống; không biết số liệu đó là của một dòng, của từng dòng hay là tổng. Vui lòng bỏ gộp "
        "ô (Unmerge) và ghi số liệu riêng cho từng dòng (dòng chưa có số liệu thì để trống) rồi gửi lại.",
        "Merged cells in the data area: only the first cell holds the value, the others read as blank, "
        "so whether it is one row's, each row's or a total is unknown. No other finding is made at the "
        "merged cells (a blank appendix or task number there is not reported as SUB-C02).",
    ),
    Rule(
        "SUB-V15",
        FATAL,
        "value",
        "Chưa ghi ô bắt buộc: dòng này có số liệu nhưng ô này còn để trống. Mỗi dòng có số liệu phải ghi "
        "Phụ lục (I/II) và STT nhiệm vụ (trang KinhPhi, TienDo), nguồn vốn (trang KinhPhi), mã chỉ tiêu "
        "(trang ChiTieu). Vui lòng ghi vào ô này rồi gửi lại; dòng cộng tổng thì xóa đi (hệ thống tự cộng).",
        "Required cell left empty in a row that reports figures (appendix, task number, funding source, "
        "indicator code): the row is not matched on a guess. Said as empty, never as a wrong value.",
    ),
    Rule(
        "SUB-X01",
        FATAL,
        "consistency",
        "Giải ngân lũy kế thấp hơn số lũy kế đã báo cáo ở quý trước cùng năm. Số lũy kế chỉ tăng; nếu "
        "số quý trước sai, vui lòng gửi lại báo cáo quý trước.",
        "Cumulative disbursement lower than the agency's previous period of the same year.",
    ),
    Rule(
        "SUB-X02",
        WARNING,
        "consistency",
        "Giải ngân lũy kế lớn hơn dự toán được giao trong năm. Vui lòng kiểm tra lại.",
        "Disbursed above allocated.",
    ),
    Rule(
        "SUB-X03",
        WARNING,
        "consistency",
        "Dự toán được giao lớn hơn kinh phí Đề án dự kiến cho nhiệm vụ trong năm này. Vui lòng kiểm tra "
        "lại số dự toán (đơn vị triệu đồng); nếu số đúng thì không cần sửa.",
        "Allocated above the plan for this task and year (plan split by the year split rule).",
    ),
    Rule(
        "SUB-X04",
        FATAL,
        "consistency",
        "Tệp được đánh dấu là dữ liệu mẫu, nhưng đơn vị đã có báo cáo chính thức cho kỳ này. Dữ liệu mẫu "
        "không thay thế số liệu đơn vị đã báo cáo nên tệp không được nạp. Nếu đây là báo cáo thật, ghi "
        "KHÔNG ở ô 'Dữ liệu mẫu?' trang ThongTin rồi gửi lại; nếu ô đó đã ghi KHÔNG, báo bộ phận quản trị "
        "kho dữ liệu bỏ đánh dấu mẫu của tệp trong danh sách tệp nhận (manifest.csv).",
        "A sample received after the department's own report for the same quarter: loaded, it would "
        "become the version in force and replace the reported figures. A real report received after a "
        "sample replaces it, as intended.",
    ),
)

RULES: dict[str, Rule] = {rule.rule_id: rule for rule in _RULES}

CATEGORY_LABELS = {
    "file": "Tệp (file)",
    "encoding": "Mã ký tự (encoding)",
    "template": "Biểu mẫu (template)",
    "identity": "Cơ quan, kỳ báo cáo (identity)",
    "content": "Nội dung (content)",
    "value": "Giá trị (value)",
    "consistency": "Đối chiếu (consistency)",
}


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (docs/submissions.md embeds it)."""
    lines = [
        "| ID | mức độ (severity) | nhóm (category) | thông báo (Vietnamese) | meaning (English) |",
        "|---|---|---|---|---|",
    ]
    for rule in _RULES:
        lines.append(
            f"| {rule.rule_id} | {rule.severity} | {rule.category} | {rule.message_vi} | {rule.message_en} |"
        )
    return "\n".join(lines)
