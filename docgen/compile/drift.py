"""Compare a hand-made XLSX or HTML template (an override) with the form's DOCX: every static label and every
placeholder, in grid order. Each difference is located in both files.

The Word side is the layout read from the DOCX (annex, title, subtitle, header lines, the table's cells row by
row, notes, signature lines); the Excel side is the first worksheet's non-empty cells row by row; the HTML side
is the text of its annex, title, lines, cells and notes in document order. Placeholders are compared by the
data they show (``{{ r.三级指标|merge }}`` in Word, ``{{ 指标.三级指标 }}`` in Excel and ``{{ r.三级指标 }}`` inside
``{% for r in 指标 %}`` in HTML are the same), whitespace is ignored.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html.parser import HTMLParser

from .model import Layout, Repeat, occupancy, starts_here
from .xlsx import cell_text


@dataclass(frozen=True)
class Token:
    text: str  # normalised
    shown: str  # as written
    where: str


_PLACE = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)


def normalise(text: str) -> str:
    text = _PLACE.sub(lambda m: "{{" + re.sub(r"\s+", "", m.group(1)).replace("|merge", "") + "}}", text)
    return re.sub(r"\s+", "", text)


def _token(text: str, where: str) -> Token | None:
    key = normalise(text)
    return Token(key, text.strip(), where) if key else None


def word_tokens(layout: Layout) -> list[Token]:
    out: list[Token | None] = []
    above = 0

    def para(text: str) -> None:
        nonlocal above
        above += 1
        out.append(_token(text, f"表格上方第{above}段"))

    para(layout.annex)
    para(layout.title)
    if layout.subtitle:
        para(layout.subtitle)
    for left, right in layout.top:
        above += 1
        out += [_token(left, f"表格上方第{above}段"), _token(right, f"表格上方第{above}段（右侧）")]
    grid = occupancy(layout)
    for r_i, row in enumerate(layout.rows):
        repeat = row if isinstance(row, Repeat) else None
        for col, slot in enumerate(grid[r_i]):
            if slot is None or not starts_here(grid, r_i, col) or (repeat is not None and slot[0].through):
                continue
            out.append(_token(cell_text(slot[0], repeat), slot[0].where))
    below = 0
    for note in layout.notes:
        below += 1
        out.append(_token(note, f"表格下方第{below}段"))
    for left, right in layout.bottom:
        below += 1
        out += [_token(left, f"表格下方第{below}段"), _token(right, f"表格下方第{below}段（右侧）")]
    return [t for t in out if t is not None]


def xlsx_tokens(data: bytes) -> list[Token]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    out = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            token = _token(str(cell.value), f"{ws.title}!{cell.coordinate}")
            if token is not None:
                out.append(token)
    return out


_FOR_BLOCK = re.compile(r"\{%-?\s*for\s+(\w+)\s+in\s+(\S+?)\s*-?%\}(.*?)\{%-?\s*endfor\s*-?%\}", re.DOTALL)
_BLOCK_TAG = re.compile(r"\{%.*?%\}", re.DOTALL)
_TEXT_ELEMENTS = {"td", "th", "h1", "h2", "h3", "h4", "p"}
_TEXT_CLASSES = {"annex", "subtitle", "line", "note"}


class _Texts(HTMLParser):
    """The texts of an HTML template's annex, title, lines, cells and notes, with their line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, collects, is the right side of a line)
        self.items: list[list[object]] = []  # [text, line, right text]
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "head":
            self.in_head = True
        collects = tag in _TEXT_ELEMENTS or (tag == "div" and bool(classes & _TEXT_CLASSES))
        if collects:
            self.items.append(["", self.getpos()[0], ""])
        self.stack.append((tag, collects, tag == "span" and "right" in classes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_head or not any(c for _, c, _ in self.stack):
            return
        right = any(r for _, _, r in self.stack)
        self.items[-1][2 if right else 0] = str(self.items[-1][2 if right else 0]) + data


def html_tokens(source: str) -> list[Token]:
    def loop(m: re.Match[str]) -> str:
        var, name, body = m.group(1), m.group(2), m.group(3)
        return re.sub(r"\{\{\s*" + re.escape(var) + r"\.", "{{ " + name + ".", body)

    text = _FOR_BLOCK.sub(loop, source)  # the loop's tags go; its cells name the list
    text = _BLOCK_TAG.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    parser = _Texts()
    parser.feed(text)
    out = []
    for left, line, right in parser.items:
        for part, side in ((left, ""), (right, "（右侧）")):
            token = _token(str(part), f"第{line}行{side}")
            if token is not None:
                out.append(token)
    return out


def differences(layout: Layout, tokens: list[Token], kind: str, word_file: str) -> list[tuple[str, str]]:
    """(where in the override, message) for each difference between the DOCX's layout and the override's tokens;
    ``kind`` names the override (``Excel 模板``, ``HTML 模板``)."""
    return token_differences(word_tokens(layout), tokens, kind, word_file)


def report_word_tokens(compiled_html: str) -> list[Token]:
    """A report's DOCX as tokens: the paragraphs of the HTML compiled from it, numbered as paragraphs."""
    return [Token(t.text, t.shown, f"第{i}个标题或段落") for i, t in enumerate(html_tokens(compiled_html), start=1)]


def token_differences(word: list[Token], tokens: list[Token], kind: str, word_file: str) -> list[tuple[str, str]]:
    matcher = SequenceMatcher(a=[t.text for t in word], b=[t.text for t in tokens], autojunk=False)
    out = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        ours, theirs = word[a1:a2], tokens[b1:b2]
        for i in range(max(len(ours), len(theirs))):
            w = ours[i] if i < len(ours) else None
            t = theirs[i] if i < len(theirs) else None
            if w is not None and t is not None:
                out.append((t.where, f"与 Word 模板不一致：Word {word_file} {w.where}“{w.shown}”，"
                                     f"{kind} {t.where} 为“{t.shown}”"))
            elif w is not None:
                after = theirs[-1].where if theirs else (tokens[b1 - 1].where if b1 else "开头")
                out.append(("", f"与 Word 模板不一致：Word {word_file} {w.where}“{w.shown}”，"
                                f"{kind}中没有（应在 {after} 之后）"))
            elif t is not None:
                out.append((t.where, f"与 Word 模板不一致：{kind} {t.where}“{t.shown}”，Word {word_file} 中没有"))
    return out
