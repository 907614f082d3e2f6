"""Set the page-flow properties of the forms' Word templates in place (idempotent; the DOCX is the source):

- every table row ``w:cantSplit`` (a row never runs over a page);
- a repeated row with 一级/二级 groups (``|merge``) ``w:keepNext``: the DOCX renderer keeps it only inside a group
  (docgen/render/docx.py group_keeps), so a page breaks between groups unless a group is longer than a page;
- the column headings ``w:tblHeader``; Word repeats only a table's first rows, so a table whose headings sit under
  a project block (docgen/compile/model.py heading_block) is split there into two tables on the same grid, parted
  by an empty paragraph 1 pt high with a hidden mark (two tables that touch are joined by Word); the compiler
  reads them as one (docgen/compile/read_docx.py);
- the notes and signature lines under the table ``w:keepNext`` down to the last one, and the paragraphs of the
  table's last row too (a fixed row; or the repeated row and the column headings above it): the notes and the
  填报人/审核单位 lines never stand alone on a page, they go with the last rows (Word and LibreOffice both honour
  keep-with-next).

Usage: python tools/paper_docx.py [FORM_ID …]   (default: every form template in templates/docx/ but the reports)
"""

from __future__ import annotations

import copy
import io
import sys
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.compile.model import heading_block  # noqa: E402
from docgen.compile.read_docx import read_layout  # noqa: E402
from docgen.render.package import write_zip  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
REPORTS = {"monitor-report", "tracking-report", "self-eval-report"}
# pPr children that come before w:keepNext in the schema's sequence
_BEFORE_KEEP_NEXT = {"pStyle"}
# trPr children are a choice group: any order is valid


def _ppr(p: etree._Element) -> etree._Element:
    ppr = p.find(_W + "pPr")
    if ppr is None:
        ppr = etree.SubElement(p, _W + "pPr")
        p.remove(ppr)
        p.insert(0, ppr)
    return ppr


def keep_next(p: etree._Element) -> None:
    ppr = _ppr(p)
    if ppr.find(_W + "keepNext") is not None:
        return
    at = 0
    for i, child in enumerate(ppr):
        if etree.QName(child).localname in _BEFORE_KEEP_NEXT:
            at = i + 1
    ppr.insert(at, etree.Element(_W + "keepNext"))


def cant_split(tr: etree._Element) -> None:
    trpr = tr.find(_W + "trPr")
    if trpr is None:
        trpr = etree.Element(_W + "trPr")
        at = 1 if len(tr) and etree.QName(tr[0]).localname == "tblPrEx" else 0
        tr.insert(at, trpr)
    if trpr.find(_W + "cantSplit") is None:
        trpr.append(etree.Element(_W + "cantSplit"))


def _is_tag_row(tr: etree._Element) -> bool:
    text = "".join(tr.itertext()).strip()
    return text.startswith("{%tr") or text.startswith("{%-tr")


def table_header(tbl: etree._Element, count: int) -> None:
    """The first ``count`` rows repeated on every page (``w:tblHeader``), kept with the row below."""
    rows = [tr for tr in tbl.findall(_W + "tr") if not _is_tag_row(tr)]
    for tr in rows[:count]:
        cant_split(tr)
        for p in tr.iter(_W + "p"):
            keep_next(p)
        trpr = tr.find(_W + "trPr")
        assert trpr is not None
        if trpr.find(_W + "tblHeader") is None:
            trpr.append(etree.Element(_W + "tblHeader"))


def joint() -> etree._Element:
    """The empty paragraph between the project block's table and the list's table: 1 pt high, its mark hidden,
    kept with the table below (Word joins two tables that touch, so some paragraph must part them)."""
    p = etree.Element(_W + "p")
    ppr = etree.SubElement(p, _W + "pPr")
    etree.SubElement(ppr, _W + "keepNext")
    etree.SubElement(ppr, _W + "spacing", {_W + "before": "0", _W + "after": "0", _W + "line": "20",
                                            _W + "lineRule": "exact"})
    rpr = etree.SubElement(ppr, _W + "rPr")
    etree.SubElement(rpr, _W + "vanish")
    etree.SubElement(rpr, _W + "sz", {_W + "val": "2"})
    etree.SubElement(rpr, _W + "szCs", {_W + "val": "2"})
    return p


def split_at(body: etree._Element, tbl: etree._Element, start: int) -> etree._Element:
    """Split ``tbl`` before its ``start``-th row (tag rows not counted) into two tables with the same properties
    and grid, parted by :func:`joint`; returns the second table."""
    plain = [tr for tr in tbl.findall(_W + "tr") if not _is_tag_row(tr)]
    rows = tbl.findall(_W + "tr")
    second = etree.Element(_W + "tbl")
    for child in tbl:
        if child.tag != _W + "tr":
            second.append(copy.deepcopy(child))
    for tr in rows[rows.index(plain[start]):]:
        second.append(tr)  # moves it
    at = body.index(tbl) + 1
    body.insert(at, joint())
    body.insert(at + 1, second)
    return second


def paper(document: bytes, heading: tuple[int, int] = (0, 0)) -> bytes:
    """``heading``: the column headings (first row, rows) of the form's layout, rows counted over its tables.

    Headings under a project block: the table is split there (once), so that they open a table of their own and
    Word and LibreOffice repeat them on every page."""
    root = etree.fromstring(document)
    body = root.find(_W + "body")
    assert body is not None
    tables = body.findall(_W + "tbl")
    if len(tables) == 1 and heading[0] > 0 and heading[1]:
        tables.append(split_at(body, tables[0], heading[0]))
    if len(tables) == 2 and heading[0] > 0 and heading[1]:
        table_header(tables[1], heading[1])
    for tbl in tables:
        rows = tbl.findall(_W + "tr")
        for i, tr in enumerate(rows):
            if not _is_tag_row(tr):
                cant_split(tr)
            grouped = "|merge" in "".join(tr.itertext()).replace(" ", "")
            if 0 < i < len(rows) - 1 and _is_tag_row(rows[i - 1]) and grouped:
                for p in tr.iter(_W + "p"):  # a row repeated in 一级/二级 groups: the renderer lets go at a group's end
                    keep_next(p)
    if tables and heading[0] == 0 and heading[1]:
        table_header(tables[0], heading[1])
    under = heading[0] > 0  # the headings sit under a project block
    if len(tables) == 2:  # rows counted in the list's table
        heading = (heading[0] - len([tr for tr in tables[0].findall(_W + "tr") if not _is_tag_row(tr)]), heading[1])
    if tables:
        last_table = tables[-1]
        after = [p for p in body[body.index(last_table) + 1:] if p.tag == _W + "p" and "".join(p.itertext()).strip()]
        for p in after[:-1]:
            keep_next(p)
        rows = last_table.findall(_W + "tr")
        if after and rows and not _is_tag_row(rows[-1]):
            # the fixed rows under the list (总分, 审核意见 …), or the table's last row, go with the notes
            tags = [i for i, tr in enumerate(rows) if _is_tag_row(tr)]
            for tr in rows[tags[-1] + 1 if tags else len(rows) - 1:]:
                for p in tr.iter(_W + "p"):
                    keep_next(p)
        elif after and len(rows) > 1 and _is_tag_row(rows[-1]) and under:
            # the table ends with its repeated row under a project block: every repeated row keeps with the next,
            # and so do the column
            # headings above them, so the list goes with the notes; a list longer than a page still breaks
            # between rows (the office suite gives up a keep that cannot be met), with its last rows on the notes' page
            plain = [tr for tr in rows if not _is_tag_row(tr)]
            start, count = heading
            for tr in [*plain[start:start + count], rows[-2]]:
                for p in tr.iter(_W + "p"):
                    keep_next(p)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def main(ids: list[str]) -> None:
    for path in sorted((ROOT / "templates" / "docx").glob("*.docx")):
        if path.stem in REPORTS or (ids and path.stem not in ids):
            continue
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
            parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
        heading = heading_block(read_layout(path.read_bytes(), path.stem))
        parts = [(n, paper(d, heading) if n == "word/document.xml" else d) for n, d in parts]
        data = write_zip(parts)
        if data != path.read_bytes():
            path.write_bytes(data)
            print(f"{path.relative_to(ROOT)}: updated")


if __name__ == "__main__":
    main(sys.argv[1:])
