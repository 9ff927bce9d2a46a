from decimal import Decimal

from pipelines.formatting import bvnd, mvnd, vn_number, vn_percent


def test_vietnamese_thousands_and_decimal_marks():
    assert vn_number(Decimal("5861734")) == "5.861.734"
    assert vn_number(Decimal("43.35"), 2) == "43,35"
    assert vn_number(Decimal("6529164"), 0) == "6.529.164"
    assert vn_number(None) == "—"


def test_amount_helpers():
    assert mvnd(Decimal("5861734")) == "5.861.734 triệu đồng"
    assert bvnd(Decimal("5861734")) == "5.861,7 tỷ đồng"
    assert vn_percent(Decimal("43.35")) == "43,35%"
    assert mvnd(None) == "—"
