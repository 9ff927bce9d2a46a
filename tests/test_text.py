"""clean_text, one_line and fold: the text normalisation every reader shares."""

from pipelines.parsing.text import clean_text, fold, one_line


def test_clean_text_makes_every_format_agree_on_hyphens_and_spaces():
    assert clean_text("Nghị quyết 57\u2011NQ/TW") == "Nghị quyết 57-NQ/TW"
    assert clean_text("\u00a0") == ""
    assert clean_text("[bookmark: _Hlk200311867]Tổ chức") == "Tổ chức"


def test_one_line_and_fold():
    assert one_line("43,35 % (Giai đoạn\n2016 -2020)") == "43,35 % (Giai đoạn 2016 -2020)"
    assert fold("Dự kiến kinh phí thực hiện (NSNN)") == "du kien kinh phi thuc hien (nsnn)"
    assert fold("  Tổng   cộng: ") == "tong cong:"
