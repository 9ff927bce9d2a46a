"""Indicators on the slide deck about implementing Resolution 57 (GUIDE §2, document 004).

The deck is text extracted from a PDF with hard line breaks, so one sentence or one
label spans several lines. Two kinds of figures are read:

* ``target_2025`` — the bullets ("- …") under the headings "1. CHÍNH QUYỀN SỐ" and
  "2. KINH TẾ SỐ, XÃ HỘI SỐ": the targets of the province's 2025 digital-transformation
  plan. The headings repeat on every slide of the list, so a heading only (re)opens a
  section; the bullets run until a heading of another kind.
* ``status`` — figures with a caption printed next to them ("87%" above "TỶ LỆ THUÊ BAO
  …", "447 DOANH NGHIỆP CÔNG NGHỆ SỐ", a row of counts above a row of years). A caption
  is only taken when it can be tied to its figure by the layout: an all-caps caption
  block, or as many sentence-case captions as there are figures with nothing else
  between them and the next figure. Figures whose caption cannot be read
  ("100% 99.9% 93%" under "CỔNG DỊCH VỤ CÔNG QUỐC GIA") are never given a guessed one;
  ``unlabelled_slide_figures`` lists them so the caller can report them.

Status records carry the caption without the figure as ``indicator_text``; targets carry
the whole bullet sentence. Locators name the first and last line a record was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from pipelines.document_model import DocumentModel
from pipelines.extract.records import SlideIndicator
from pipelines.parsing.text import fold

TARGET = "target_2025"
STATUS = "status"

# The bullets under the target headings are the 2025 plan ("Kế hoạch chuyển đổi số tỉnh
# Long An 2025", listed on the slide before them); the bullets themselves print no year.
TARGET_YEAR = 2025

# Headings (folded, without their number) whose bullets are the plan targets.
_TARGET_HEADINGS = {"chinh quyen so", "kinh te so, xa hoi so"}
_HEADING_NUMBER = re.compile(r"^\d+\.\s*")
_BULLET = re.compile(r"^[-–]\s*")

# A number as printed on the slides: "447", "03", "15.000" (Vietnamese thousands),
# "44,95" (Vietnamese decimal) and "99.9" (a dot decimal, as the slides print percents).
_NUMBER = r"\d+(?:[.,]\d+)*"
_FIGURE_TOKEN = re.compile(rf"^({_NUMBER})(%?)$")
_YEAR = re.compile(r"^(19|20)\d\d$")

# Counted nouns printed right after a number; the unit of a count ("03 doanh nghiệp").
_COUNT_UNITS = (
    "doanh nghiệp",
    "cán bộ",
    "hồ sơ",
    "thủ tục",
    "thuê bao",
    "nền tảng",
    "hệ thống",
    "sản phẩm",
    "dịch vụ",
    "cơ sở",
)
_UNIT_AFTER = re.compile(r"^(?:" + "|".join(re.escape(u) for u in _COUNT_UNITS) + r")\b", re.IGNORECASE)
# A line that starts with a count and its noun: "447 DOANH NGHIỆP", "64 doanh nghiệp sản xuất".
_FIGURE_LED = re.compile(rf"^({_NUMBER})\s+(\S.*)$")

# Target clauses. "… đạt 100%", "đạt trên 50%", "đạt tỷ lệ 100%": the figure after the
# last "đạt" is the target, so earlier numbers ("ít nhất 01 cán bộ …", "trong vòng 24
# tiếng …") are never taken for it.
_REACHES = re.compile(
    rf"\bđạt(?:\s+(trên|dưới|tối thiểu|ít nhất|khoảng))?(?:\s+tỷ lệ)?\s+({_NUMBER})\s*(%)?",
    re.IGNORECASE,
)
# "100% các ấp, khu phố …": the clause opens with its figure and prints no comparator.
_LEADING_PERCENT = re.compile(rf"^({_NUMBER})\s*%\s*")
# "Phát triển ít nhất 03 doanh nghiệp …": a count with its comparator.
_AT_LEAST = re.compile(rf"\b(ít nhất|tối thiểu|trên)\s+({_NUMBER})\s+(\S.*)$", re.IGNORECASE)
_COMPLETE = re.compile(r"^(hoàn thành)\b", re.IGNORECASE)
# "… tại cấp bộ, tỉnh đạt 90%; cấp huyện đạt 80%": the administrative level a clause is for.
_LEVEL_SCOPE = re.compile(r"(?:^|\btại\s+)(cấp\b.*)$", re.IGNORECASE)
_LOCATOR = re.compile(r"^(\w+?)s? (\d+)(?:-(\d+))?$")


class UnlabelledFigures(NamedTuple):
    """Figures printed on a slide whose caption cannot be read; reported, never extracted."""

    text: str  # the figures as printed ("100% 99.9% 93%")
    source_locator: str


@dataclass(frozen=True)
class _Line:
    text: str
    locator: str


@dataclass
class _Bullet:
    section: str
    lines: list[_Line]

    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    def lines_between(self, start: int, end: int) -> list[_Line]:
        """The lines holding characters ``start``..``end`` of ``text()`` (lines joined by one space)."""
        used, offset = [], 0
        for line in self.lines:
            line_end = offset + len(line.text)
            if offset < end and line_end > start:
                used.append(line)
            offset = line_end + 1
        return used or self.lines


@dataclass(frozen=True)
class _Target:
    comparator: str | None
    value: Decimal | None
    unit: str | None
    scope_text: str | None  # the clause without its figure, used as scope when a bullet has several


# --------------------------------------------------------------------------- public


def is_slide_deck(model: DocumentModel) -> bool:
    """A document without tables whose text carries the deck's target headings as headings."""
    return not model.tables() and any(_is_target_heading(line.text) for line in _lines(model))


def extract_slide_indicators(model: DocumentModel, document_id: str) -> list[SlideIndicator]:
    """The 2025 targets, then the captioned status figures, in reading order within each kind."""
    bullets, other_segments = _split_sections(_lines(model))
    records: list[SlideIndicator] = []
    for bullet in bullets:
        records.extend(_target_records(bullet, document_id))
    for segment in other_segments:
        status, _ = _scan_status(segment, document_id)
        records.extend(status)
    return records


def unlabelled_slide_figures(model: DocumentModel) -> list[UnlabelledFigures]:
    """Figures the deck prints without a caption that can be tied to them."""
    _, other_segments = _split_sections(_lines(model))
    found: list[UnlabelledFigures] = []
    for segment in other_segments:
        found.extend(_scan_status(segment, "")[1])
    return found


# --------------------------------------------------------------------------- lines and sections


def _lines(model: DocumentModel) -> list[_Line]:
    # Readers that keep several lines in one paragraph (pdf) still give one line per
    # printed line here; each inherits its paragraph's locator.
    return [
        _Line(part.strip(), paragraph.locator)
        for paragraph in model.paragraphs()
        for part in paragraph.text.split("\n")
        if part.strip()
    ]


def _is_caps(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and text == text.upper()


def _is_target_heading(text: str) -> bool:
    return _is_caps(text) and _HEADING_NUMBER.sub("", fold(text)) in _TARGET_HEADINGS


def _is_other_heading(text: str) -> bool:
    """An all-caps heading ("BẤT CẬP, HẠN CHẾ"); a wrapped line that is only an
    abbreviation ("TTHC.") is not one, so it does not end a list of bullets."""
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    return _is_caps(text) and len(words) >= 2 and not text.endswith((".", ",", ";"))


def _split_sections(lines: list[_Line]) -> tuple[list[_Bullet], list[list[_Line]]]:
    """Bullets under the target headings, and the runs of lines outside those sections."""
    bullets: list[_Bullet] = []
    segments: list[list[_Line]] = [[]]
    section: str | None = None
    current: _Bullet | None = None  # the bullet a wrapped line continues; none right after a heading
    for line in lines:
        if _is_target_heading(line.text):
            section, current = line.text, None
            segments.append([])
            continue
        if section is not None and _is_other_heading(line.text):
            section, current = None, None
        if section is None:
            segments[-1].append(line)
        elif _BULLET.match(line.text):
            current = _Bullet(section, [_Line(_BULLET.sub("", line.text), line.locator)])
            bullets.append(current)
        elif current is not None:
            # A hard line break inside the bullet.
            current.lines.append(line)
    return bullets, [s for s in segments if s]


def _span(lines: list[_Line]) -> str:
    """'line N' for one line, 'lines N-M' for the first and last (any order) of several."""
    parsed = [_LOCATOR.match(line.locator) for line in lines]
    if all(parsed) and len({m.group(1) for m in parsed if m}) == 1:
        kind = parsed[0].group(1) if parsed[0] else ""
        numbers = [int(n) for m in parsed if m for n in (m.group(2), m.group(3)) if n]
        first, last = min(numbers), max(numbers)
        return f"{kind} {first}" if first == last else f"{kind}s {first}-{last}"
    unique = list(dict.fromkeys(line.locator for line in lines))
    return unique[0] if len(unique) == 1 else f"{unique[0]} – {unique[-1]}"


# --------------------------------------------------------------------------- numbers


def parse_slide_number(text: str) -> Decimal:
    """A number as printed on the slides, as Decimal.

    Vietnamese style: "." groups thousands and "," is the decimal mark ("15.000",
    "44,95"). The slides also print percents with a dot decimal ("99.9%"), so a dot
    is a thousands separator only when every group after it has exactly three digits.
    """
    if "," in text:
        return Decimal(text.replace(".", "").replace(",", "."))
    head, *groups = text.split(".")
    if groups and all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3:
        return Decimal(head + "".join(groups))
    return Decimal(text)


def _count_unit(text: str) -> str | None:
    match = _UNIT_AFTER.match(text)
    return match.group(0).lower() if match else None


# --------------------------------------------------------------------------- targets


def _target_records(bullet: _Bullet, document_id: str) -> list[SlideIndicator]:
    text = bullet.text()
    clauses = _clauses(text)
    parsed = [(start, end, _read_target(text[start:end])) for start, end in clauses]
    figured = [(start, end, target) for start, end, target in parsed if target.value is not None]

    def record(target: _Target, scope: str | None, lines: list[_Line]) -> SlideIndicator:
        return SlideIndicator(
            document_id=document_id,
            section=bullet.section,
            kind=TARGET,
            indicator_text=text,
            scope=scope,
            comparator=target.comparator,
            value=target.value,
            unit=target.unit,
            year=TARGET_YEAR,
            source_locator=_span(lines),
        )

    if len(figured) >= 2:
        # One sentence, several targets ("tại cấp bộ, tỉnh đạt 90%; cấp huyện đạt 80%; …"):
        # one record per clause, told apart by what the clause is about.
        return [
            record(target, _scope(target), bullet.lines_between(start, end)) for start, end, target in figured
        ]
    return [record(_read_target(text), None, bullet.lines)]


def _clauses(text: str) -> list[tuple[int, int]]:
    """Character ranges of the ";"-separated clauses, ignoring ";" inside parentheses."""
    ranges, depth, start = [], 0, 0
    for index, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            ranges.append((start, index))
            start = index + 1
    ranges.append((start, len(text)))
    return [(s, e) for s, e in ranges if text[s:e].strip()]


def _read_target(clause: str) -> _Target:
    clause = clause.strip().rstrip(".").strip()
    reaches = list(_REACHES.finditer(clause))
    if reaches:
        match = reaches[-1]
        comparator = (match.group(1) or "đạt").lower()
        unit = "%" if match.group(3) else _count_unit(clause[match.end() :].strip())
        return _Target(comparator, parse_slide_number(match.group(2)), unit, clause[: match.start()].strip())
    leading = _LEADING_PERCENT.match(clause)
    if leading:
        return _Target(None, parse_slide_number(leading.group(1)), "%", clause[leading.end() :].strip())
    at_least = _AT_LEAST.search(clause)
    if at_least:
        unit = _count_unit(at_least.group(3))
        comparator = at_least.group(1).lower()
        return _Target(comparator, parse_slide_number(at_least.group(2)), unit, clause[: at_least.start()])
    complete = _COMPLETE.match(clause)
    if complete:
        # A qualitative target: the task is to be completed; there is no figure to read.
        return _Target("hoàn thành", None, None, clause)
    return _Target(None, None, None, clause)


def _scope(target: _Target) -> str | None:
    if not target.scope_text:
        return None
    level = _LEVEL_SCOPE.search(target.scope_text)
    return (level.group(1) if level else target.scope_text).strip(" ,;")


# --------------------------------------------------------------------------- status figures


def _figure_tokens(text: str) -> list[tuple[Decimal, str | None, str]] | None:
    """(value, unit, token) for each figure when the line holds nothing but figures."""
    tokens = text.split()
    matches = [_FIGURE_TOKEN.match(t) for t in tokens]
    if not tokens or not all(matches):
        return None
    return [(parse_slide_number(m.group(1)), m.group(2) or None, m.group(0)) for m in matches if m]


def _figure_led(text: str) -> tuple[Decimal, str, str] | None:
    """(value, unit, caption start) for a line such as "447 DOANH NGHIỆP"; None otherwise."""
    match = _FIGURE_LED.match(text)
    if not match or _YEAR.match(match.group(1)):
        return None
    unit = _count_unit(match.group(2))
    if unit is None:
        # Without a counted noun right after it the number may be a stray line break
        # inside a sentence, not a figure with a caption.
        return None
    return parse_slide_number(match.group(1)), unit, match.group(2)


def _is_figure_line(text: str) -> bool:
    return _figure_tokens(text) is not None or _figure_led(text) is not None


@dataclass
class _Caption:
    lines: list[_Line]
    caps: bool
    end: int  # index in the segment just after the caption's last line

    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass(frozen=True)
class _Figure:
    value: Decimal
    unit: str | None
    line: _Line


def _continues(caption: _Caption, text: str) -> bool:
    """Whether a line continues a caption: an all-caps caption goes on with all-caps lines,
    a sentence-case one with lines that do not start a new sentence."""
    if _is_figure_line(text):
        return False
    if caption.caps:
        return _is_caps(text)
    return not text[:1].isupper()


def _captions(segment: list[_Line], start: int) -> tuple[list[_Caption], bool]:
    """The captions from ``start`` on, and whether they run up to the next figure (or the end)."""
    captions: list[_Caption] = []
    index = start
    while index < len(segment):
        text = segment[index].text
        if _is_figure_line(text):
            return captions, True
        if captions and _continues(captions[-1], text):
            captions[-1].lines.append(segment[index])
            captions[-1].end = index + 1
        elif text[:1].isupper():
            captions.append(_Caption([segment[index]], _is_caps(text), index + 1))
        else:
            return captions, False
        index += 1
    return captions, True


def _choose_captions(captions: list[_Caption], complete: bool, wanted: int) -> list[_Caption] | None:
    """The ``wanted`` captions that belong to a row of figures, or None when that cannot be told."""
    if wanted < 1 or len(captions) < wanted:
        return None
    if all(c.caps for c in captions[:wanted]):
        # All-caps captions are set apart on the slide; each is its figure's own.
        return captions[:wanted]
    if complete and len(captions) == wanted:
        # As many sentence-case captions as figures, with nothing else before the next figure.
        return captions
    return None


def _scan_status(
    segment: list[_Line], document_id: str
) -> tuple[list[SlideIndicator], list[UnlabelledFigures]]:
    records: list[SlideIndicator] = []
    unlabelled: list[UnlabelledFigures] = []

    def status(
        section: str, caption: str, value: Decimal, unit: str | None, year: int | None, lines: list[_Line]
    ) -> None:
        records.append(
            SlideIndicator(
                document_id=document_id,
                section=section,
                kind=STATUS,
                indicator_text=caption,
                scope=None,
                comparator=None,
                value=value,
                unit=unit,
                year=year,
                source_locator=_span(lines),
            )
        )

    index = 0
    block_heading: str | None = None  # an all-caps count ("447 DOANH NGHIỆP …") heads the counts after it
    while index < len(segment):
        line = segment[index]
        led = _figure_led(line.text)
        if led is not None:
            value, unit, caption_start = led
            caption = _Caption([_Line(caption_start, line.locator)], _is_caps(caption_start), index + 1)
            index += 1
            while index < len(segment) and _continues(caption, segment[index].text):
                caption.lines.append(segment[index])
                index += 1
            if caption.caps:
                block_heading = caption.text()
            status(block_heading or caption.text(), caption.text(), value, unit, None, [line, *caption.lines])
            continue
        block_heading = None
        if _figure_tokens(line.text) is None:
            index += 1
            continue

        # A run of lines holding only figures: "52294 47442", or a series such as
        # "446" "2205" "3256" "583" over a line of years "2022 2023 2024 2025".
        run = [line]
        index += 1
        while index < len(segment) and _figure_tokens(segment[index].text) is not None:
            run.append(segment[index])
            index += 1
        figures = [_Figure(value, unit, r) for r in run for value, unit, _ in _figure_tokens(r.text) or []]
        axis = _figure_tokens(run[-1].text) or []
        is_series = len(run) > 1 and all(_YEAR.match(token) and unit is None for _, unit, token in axis)
        if is_series:
            figures = figures[: -len(axis)]
            years: list[int | None] = [int(token) for _, _, token in axis]
            # A series has one caption for all its figures, and one year per figure.
            wanted = 1 if len(figures) == len(years) else 0
        else:
            years = [None] * len(figures)
            wanted = len(figures)
        captions, complete = _captions(segment, index)
        chosen = _choose_captions(captions, complete, wanted)
        if chosen is None:
            unlabelled.append(UnlabelledFigures(" ".join(r.text for r in run), _span(run)))
            continue
        per_figure = chosen * len(figures) if is_series else chosen
        for figure, year, caption in zip(figures, years, per_figure, strict=True):
            used = [figure.line, *(run[-1:] if is_series else []), *caption.lines]
            status(caption.text(), caption.text(), figure.value, figure.unit, year, used)
        index = chosen[-1].end
    return records, unlabelled
