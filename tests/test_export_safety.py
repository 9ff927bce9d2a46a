from pipelines.export_safety import neutralise_formula


def test_formula_text_is_neutralised():
    assert neutralise_formula('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise_formula("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("-2+3") == "'-2+3"


def test_printed_values_are_kept():
    assert neutralise_formula("-") == "-"  # "to be determined" in the documents
    assert neutralise_formula("-5") == "-5"
    assert neutralise_formula("5.861.734") == "5.861.734"
    assert neutralise_formula("Vốn tư nhân đầu tư") == "Vốn tư nhân đầu tư"
    assert neutralise_formula("") == ""
