"""The slide deck's indicators, checked against the figures printed in 004_373ec9bcf51e9bdb.txt.

Every expected value below is quoted from the deck (line numbers of the .txt file in comments).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.document_model import DocumentModel, Paragraph
from pipelines.extract.records import SlideIndicator
from pipelines.extract.slides import (
    extract_slide_indicators,
    is_slide_deck,
    parse_slide_number,
    unlabelled_slide_figures,
)
from pipelines.readers.txt_reader import parse_txt, read_txt

GOV = "1. CHÍNH QUYỀN SỐ"
ECON = "2. KINH TẾ SỐ, XÃ HỘI SỐ"
ENTERPRISES = "DOANH NGHIỆP CÔNG NGHỆ SỐ"


@pytest.fixture(scope="module")
def deck(slides_txt) -> DocumentModel:
    return read_txt(slides_txt)


@pytest.fixture(scope="module")
def indicators(deck) -> list[SlideIndicator]:
    return extract_slide_indicators(deck, "slides")


def targets(indicators: list[SlideIndicator]) -> list[SlideIndicator]:
    return [i for i in indicators if i.kind == "target_2025"]


def status(indicators: list[SlideIndicator]) -> list[SlideIndicator]:
    return [i for i in indicators if i.kind == "status"]


def test_is_slide_deck(deck, resolution_txt):
    assert is_slide_deck(deck)
    assert not is_slide_deck(read_txt(resolution_txt))


def test_headings_in_lower_case_prose_do_not_make_a_deck():
    model = parse_txt("Phát triển chính quyền số, kinh tế số, xã hội số.\n", "prose.txt")
    assert not is_slide_deck(model)


# (section, fragment of the bullet, scope, comparator as printed, value, unit), in deck order.
EXPECTED_TARGETS = [
    (GOV, "Tỷ lệ cung cấp DVCTT toàn trình đạt 100%", None, "đạt", "100", "%"),  # 465
    (GOV, "Tỷ lệ hồ sơ nộp trực tuyến toàn trình đạt 80%", None, "đạt", "80", "%"),  # 469
    (GOV, "của dịch vụ công đạt trên 50% (đối với DVC có phát sinh", None, "trên", "50", "%"),  # 473-477
    (GOV, "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC đạt 100%", None, "đạt", "100", "%"),  # 479
    (GOV, "định danh điện tử VNeID đạt 100%", None, "đạt", "100", "%"),  # 485-491
    (GOV, "Tỷ lệ cấp kết quả giải quyết TTHC điện tử đạt 100%", None, "đạt", "100", "%"),  # 493
    (GOV, "hài lòng trong giải quyết TTHC đạt 90%", None, "đạt", "90", "%"),  # 495-497
    (GOV, "100% nhiệm vụ Chính phủ, Thủ tướng Chính phủ, UBND tỉnh giao", None, None, "100", "%"),  # 499
    (GOV, "tại cấp bộ, tỉnh đạt 90%; cấp huyện đạt 80%; cấp xã đạt 60%", "cấp bộ, tỉnh", "đạt", "90", "%"),
    (GOV, "tại cấp bộ, tỉnh đạt 90%; cấp huyện đạt 80%; cấp xã đạt 60%", "cấp huyện", "đạt", "80", "%"),
    (GOV, "tại cấp bộ, tỉnh đạt 90%; cấp huyện đạt 80%; cấp xã đạt 60%", "cấp xã", "đạt", "60", "%"),
    (
        GOV,
        "Tỷ lệ phê duyệt cấp độ ATTT của các cơ quan nhà nước đạt 100%; tỷ lệ triển khai",
        "Tỷ lệ phê duyệt cấp độ ATTT của các cơ quan nhà nước",
        "đạt",
        "100",
        "%",
    ),
    (
        GOV,
        "Tỷ lệ phê duyệt cấp độ ATTT của các cơ quan nhà nước đạt 100%; tỷ lệ triển khai",
        "tỷ lệ triển khai đầy đủ phương án bảo đảm ATTT theo cấp độ của các cơ quan nhà nước",
        "đạt",
        "100",
        "%",
    ),
    (GOV, "trong vòng 24 tiếng hoặc theo yêu cầu nghiệp vụ đạt 100%", None, "đạt", "100", "%"),  # 519-525
    (GOV, "kinh tế số, xã hội số đạt 100% (theo danh mục UBND tỉnh", None, "đạt", "100", "%"),  # 531-535
    (
        GOV,
        "Hoàn thành công tác xây dựng CSDL quản lý nhà nước tổng thể cấp xã;",
        None,
        "hoàn thành",
        None,
        None,
    ),
    (GOV, "có ít nhất 01 cán bộ chuyên trách CNTT", None, "đạt", "100", "%"),  # 543-547
    (GOV, "phổ cập kỹ năng số cơ bản đạt 100%", None, "đạt", "100", "%"),  # 549-551
    (ECON, "Tỷ trọng kinh tế số trên GRDP đạt 10%", None, "đạt", "10", "%"),  # 557
    (ECON, "hợp đồng điện tử trong lĩnh vực thương mại đạt trên 80%", None, "trên", "80", "%"),  # 559-561
    (ECON, "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt trên 50%", None, "trên", "50", "%"),  # 563
    (ECON, "80% cơ sở kinh doanh (có ngành nghề kinh doanh", None, None, "80", "%"),  # 565-571
    (ECON, "chứng thư chữ ký số, chứng thư chữ ký điện tử đạt trên 50%", None, "trên", "50", "%"),  # 577
    (
        ECON,
        "100% các ấp, khu phố đang lõm sóng",
        "các ấp, khu phố đang lõm sóng và đã có điện lưới quốc gia được phủ sóng băng rộng di động",
        None,
        "100",
        "%",
    ),
    (
        ECON,
        "100% các ấp, khu phố đang lõm sóng",
        "số hộ gia đình có khả năng tiếp cận dịch vụ Internet cáp quang băng rộng",
        None,
        "100",
        "%",
    ),
    (ECON, "hiện diện trên môi trường số đạt 100%", None, "đạt", "100", "%"),  # 587-591
    (ECON, "Tỷ lệ triển khai học bạ số đối với học sinh phổ thông đạt 100%", None, "đạt", "100", "%"),  # 593
    (ECON, "toán học phí không dùng tiền mặt đạt tỷ lệ 100%", None, "đạt", "100", "%"),  # 595-597
    (ECON, "Sổ sức khỏe điện tử tích hợp trên ứng dụng VNeID đạt 100%", None, "đạt", "100", "%"),  # 603-605
    (ECON, "Phát triển ít nhất 03 doanh nghiệp công nghệ số điển hình", None, "ít nhất", "3", "doanh nghiệp"),
    (ECON, "sử dụng điện thoại thông minh đạt 90%", None, "đạt", "90", "%"),  # 609-611
    (ECON, "Tỷ lệ hộ gia đình có đường Internet cáp quang băng rộng đạt 92%", None, "đạt", "92", "%"),  # 613
    (ECON, "dịch vụ đô thị thông minh đạt 50%", None, "đạt", "50", "%"),  # 615-617
]


def test_every_2025_target_in_order(indicators):
    # 29 bullets (15 under "1. CHÍNH QUYỀN SỐ", 14 under "2. KINH TẾ SỐ, XÃ HỘI SỐ"); three hold
    # several targets: "tại cấp bộ, tỉnh …; cấp huyện …; cấp xã …" (3), the two ATTT rates (2) and
    # "100% các ấp …; 100% số hộ gia đình …" (2): 18 records under the first heading, 15 under the second.
    found = targets(indicators)
    assert len(found) == len(EXPECTED_TARGETS) == 33
    assert sum(1 for t in found if t.section == GOV) == 18
    assert sum(1 for t in found if t.section == ECON) == 15
    for record, (section, fragment, scope, comparator, value, unit) in zip(
        found, EXPECTED_TARGETS, strict=True
    ):
        assert record.section == section
        assert fragment in record.indicator_text, (fragment, record.indicator_text)
        assert record.scope == scope
        assert record.comparator == comparator, fragment
        assert record.value == (Decimal(value) if value is not None else None), fragment
        assert record.unit == unit, fragment
        assert record.year == 2025
        assert record.document_id == "slides"


def test_wrapped_bullets_are_joined_into_one_sentence(indicators):
    # Lines 473-477, three lines of the PDF.
    text = (
        "Tỷ lệ hồ sơ thanh toán trực tuyến trên Cổng dịch vụ công quốc gia trên tổng số giao dịch "
        "thanh toán của dịch vụ công đạt trên 50% (đối với DVC có phát sinh giao dịch thanh toán)."
    )
    record = next(t for t in targets(indicators) if t.indicator_text == text)
    assert record.source_locator == "lines 473-477"
    # "trên Cổng …" and "trên tổng số …" are not the comparator; "đạt trên 50%" is.
    assert (record.comparator, record.value) == ("trên", Decimal("50"))


def test_numbers_that_are_not_the_target_are_not_taken(indicators):
    found = targets(indicators)
    # "có ít nhất 01 cán bộ chuyên trách CNTT … đạt 100%" (lines 543-547)
    cadre = next(t for t in found if "ít nhất 01 cán bộ" in t.indicator_text)
    assert (cadre.comparator, cadre.value, cadre.unit) == ("đạt", Decimal("100"), "%")
    # "đưa hoạt động trở lại bình thường trong vòng 24 tiếng … đạt 100%" (lines 519-525)
    recovery = next(t for t in found if "trong vòng 24 tiếng" in t.indicator_text)
    assert recovery.value == Decimal("100")
    assert not any(t.value in (Decimal("1"), Decimal("24")) for t in found)


def test_a_bullet_with_several_targets_points_at_each_clause(indicators):
    levels = [t for t in targets(indicators) if t.scope in ("cấp bộ, tỉnh", "cấp huyện", "cấp xã")]
    # "… tại cấp bộ, tỉnh đạt 90%;" ends line 509; "cấp huyện đạt 80%; cấp xã đạt 60%." is line 511.
    assert [(t.scope, t.source_locator) for t in levels] == [
        ("cấp bộ, tỉnh", "lines 507-509"),
        ("cấp huyện", "line 511"),
        ("cấp xã", "line 511"),
    ]
    assert len({t.indicator_text for t in levels}) == 1


def test_a_qualitative_target_has_no_value(indicators):
    record = next(t for t in targets(indicators) if t.comparator == "hoàn thành")
    assert record.indicator_text == (
        "Hoàn thành công tác xây dựng CSDL quản lý nhà nước tổng thể cấp xã; "
        "Bộ chỉ số chỉ đạo, điều hành cấp tỉnh, huyện, xã trên môi trường số."
    )
    assert (record.value, record.unit, record.scope) == (None, None, None)
    assert record.source_locator == "lines 537-541"


# ----------------------------------------------------------------------------- status figures


def test_digital_technology_enterprises_and_their_parts(indicators):
    found = [s for s in status(indicators) if s.section == ENTERPRISES]
    # "447 DOANH NGHIỆP / CÔNG NGHỆ SỐ" (lines 326-328), then six counts (lines 330-356).
    assert [(s.indicator_text, s.value) for s in found] == [
        ("DOANH NGHIỆP CÔNG NGHỆ SỐ", Decimal("447")),
        ("doanh nghiệp sản xuất phần cứng, điện tử", Decimal("64")),
        ("doanh nghiệp sản xuất phần mềm", Decimal("13")),
        ("doanh nghiệp sản xuất nội dung số", Decimal("115")),
        ("doanh nghiệp cung cấp dịch vụ công nghệ thông tin", Decimal("23")),
        ("doanh nghiệp kinh doanh, phân phối sản phẩm, dịch vụ công nghệ thông tin", Decimal("219")),
        ("doanh nghiệp hoạt động viễn thông", Decimal("13")),
    ]
    assert all(s.unit == "doanh nghiệp" and s.year is None for s in found)
    assert found[0].source_locator == "lines 326-328"
    assert found[5].source_locator == "lines 346-352"


def test_enterprise_parts_sum_to_the_total(indicators):
    total, *parts = [s for s in status(indicators) if s.section == ENTERPRISES]
    assert sum(p.value for p in parts) == total.value == Decimal("447")


def test_captioned_rates_and_counts(indicators):
    found = {(s.indicator_text, s.year): s for s in status(indicators) if s.section != ENTERPRISES}
    smartphones = found[("TỶ LỆ THUÊ BAO ĐIỆN THOẠI DI ĐỘNG SỬ DỤNG ĐIỆN THOẠI THÔNG MINH", None)]
    assert (smartphones.value, smartphones.unit, smartphones.source_locator) == (
        Decimal("87"),
        "%",
        "lines 386-391",
    )
    on_time = found[("TỶ LỆ PHẢN ÁNH, KIẾN NGHỊ XỬ LÝ ĐÚNG HẠN", None)]
    assert (on_time.value, on_time.unit) == (Decimal("93"), "%")
    # "52294 47442" (line 393) over two captions (lines 395-399 and 401-405), in that order.
    switched = found[("Số máy 2G được hỗ trợ chuyển đổi sang 4G", None)]
    remaining = found[("Số thuê bao 2G còn lại, chưa chuyển đổi sang 4G", None)]
    assert (switched.value, remaining.value) == (Decimal("52294"), Decimal("47442"))
    assert switched.unit is None and remaining.unit is None


def test_1022_hotline_counts_by_year(indicators):
    series = [s for s in status(indicators) if s.indicator_text == "PHẢN ÁNH, KIẾN NGHỊ TIẾP NHẬN QUA 1022"]
    # "446" "2205" "3256" "583" (lines 416-422) over "2022 2023 2024 2025" (line 424).
    assert [(s.year, s.value) for s in series] == [
        (2022, Decimal("446")),
        (2023, Decimal("2205")),
        (2024, Decimal("3256")),
        (2025, Decimal("583")),
    ]


def test_status_figures_are_exactly_these(indicators):
    # 7 enterprise counts, 87%, 93%, the two 2G counts and four 1022 counts.
    assert len(status(indicators)) == 15
    assert all(s.comparator is None and s.scope is None for s in status(indicators))
    assert all(s.year is None for s in status(indicators) if "1022" not in s.indicator_text)


def test_figures_without_a_readable_caption_are_not_extracted(deck, indicators):
    # "CỔNG DỊCH VỤ CÔNG QUỐC GIA" (line 308) then "100% 99.9% 93%" (line 312): three figures,
    # one caption-like line; nothing tells which figure is which.
    assert not any(s.value == Decimal("99.9") for s in indicators)
    assert not any(s.source_locator in ("line 312", "lines 308-312") for s in indicators)
    assert not any("CỔNG DỊCH VỤ CÔNG" in s.section for s in indicators)
    assert not any("Hệ thống quản lý văn bản" in s.indicator_text for s in indicators)
    assert [(u.text, u.source_locator) for u in unlabelled_slide_figures(deck)] == [
        ("100% 99.9% 93%", "line 312")
    ]


def test_a_row_of_figures_needs_one_caption_per_figure():
    model = DocumentModel(
        "synthetic.txt",
        "txt",
        [
            Paragraph("1. CHÍNH QUYỀN SỐ", "line 1"),
            Paragraph("BẤT CẬP, HẠN CHẾ", "line 2"),
            Paragraph("12 34", "line 3"),
            Paragraph("Số hồ sơ tiếp nhận", "line 4"),
        ],
    )
    assert extract_slide_indicators(model, "x") == []
    assert [u.text for u in unlabelled_slide_figures(model)] == ["12 34"]


@pytest.mark.parametrize(
    ("printed", "value"),
    [("99.9", "99.9"), ("15.000", "15000"), ("44,95", "44.95"), ("03", "3"), ("52294", "52294")],
)
def test_slide_numbers(printed, value):
    assert parse_slide_number(printed) == Decimal(value)
