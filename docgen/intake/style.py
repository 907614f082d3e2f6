"""Cell styles, number formats and data validations of the intake workbook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import layout as L

FONT = "宋体"
TITLE_FONT = Font(name=FONT, size=14, bold=True)
HEADER_FONT = Font(name=FONT, size=10, bold=True)
REQUIRED_FONT = Font(name=FONT, size=10, bold=True, color="C00000")
HINT_FONT = Font(name=FONT, size=9, italic=True, color="808080")
DATA_FONT = Font(name=FONT, size=10)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HINT_FILL = PatternFill("solid", fgColor="F2F2F2")
LOCKED_FILL = PatternFill("solid", fgColor="E7E6E6")
_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
UNLOCKED = Protection(locked=False)

NUMBER_FORMATS = {
    L.AMOUNT: "0.00", L.SCORE: "0.00", L.DATE: "yyyy-mm-dd", L.YEAR: "0", L.FIXED: "0.00",
}
TEXT_FORMAT = "@"  # typed 96% or 2024-06-30 stays what was typed in a text cell

FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2100, 12, 31)
_FORMULA_PREFIX = ("=", "+", "-", "@")


def _styled(cell: Cell, text: str, font: Font, fill: PatternFill, alignment: Alignment) -> None:
    cell.value = text
    cell.font = font
    cell.fill = fill
    cell.alignment = alignment
    cell.border = BORDER


def header(cell: Cell, text: str, required: bool = False) -> None:
    _styled(cell, text, REQUIRED_FONT if required else HEADER_FONT, HEADER_FILL, CENTER)


def hint(cell: Cell, text: str) -> None:
    _styled(cell, text, HINT_FONT, HINT_FILL, WRAP)


def label(cell: Cell, text: str, required: bool = False) -> None:
    _styled(cell, text, REQUIRED_FONT if required else HEADER_FONT, HEADER_FILL, WRAP)


def data_cell(cell: Cell, kind: str) -> None:
    """An input cell: unlocked (the sheet is protected), bordered, in its number format."""
    cell.font = DATA_FONT
    cell.border = BORDER
    cell.alignment = WRAP
    cell.protection = UNLOCKED
    cell.number_format = NUMBER_FORMATS.get(kind, TEXT_FORMAT)


def put(cell: Cell, value: object) -> None:
    """Write a value; text that looks like a formula stays text (and stays text when edited in Excel)."""
    if value is None:
        return
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(_FORMULA_PREFIX):
            cell.quotePrefix = True


def number(value: Decimal) -> float | str:
    """A Decimal as an Excel number when the number is exactly what Excel will show, else as text."""
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return int(as_float) if as_float.is_integer() and abs(as_float) < 2**53 else as_float
    return format(value, "f")


def locked(cell: Cell) -> None:
    cell.fill = LOCKED_FILL
    cell.border = BORDER


def protect(ws: Worksheet) -> None:
    """Protect the sheet without a password: headers and hints locked, input cells unlocked.
    Column widths and row heights stay adjustable; rows may be inserted. Printed landscape, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.insertRows = False
    p.autoFilter = False
    p.sort = False


def _dv(**kw: str) -> DataValidation:
    dv = DataValidation(allow_blank=True, showErrorMessage=True, errorStyle="stop", **kw)
    dv.errorTitle = "docgen 填报工作簿"
    return dv


def choice_list(source: str, what: str) -> DataValidation:
    """A dropdown whose options are a defined name (or a formula such as the 二级 INDIRECT)."""
    dv = _dv(type="list", formula1=source)
    dv.error = f"请从下拉列表中选择{what}。"
    return dv


def validation(kind: str, what: str, upper: Decimal | None = None) -> DataValidation | None:
    """The validation of a non-list kind, or None (free text)."""
    if kind == L.AMOUNT:
        dv = _dv(type="decimal", operator="greaterThanOrEqual", formula1="0")
        dv.error = f"{what}：请填写不小于 0 的数字（单位：万元）。"
        return dv
    if kind == L.SCORE:
        top = format(upper if upper is not None else Decimal(100), "f")
        dv = _dv(type="decimal", operator="between", formula1="0", formula2=top)
        dv.error = f"{what}：请填写 0 到 {top} 之间的数字。"
        return dv
    if kind == L.DATE:
        dv = _dv(type="date", operator="between", formula1=str(int(to_excel(FIRST_DAY))),
                 formula2=str(int(to_excel(LAST_DAY))))
        dv.error = f"{what}：请填写日期，如 2024-06-30。"
        return dv
    if kind == L.YEAR:
        dv = _dv(type="whole", operator="between", formula1="1990", formula2="2100")
        dv.error = "年度：请填写四位数字的年份，如 2024。"
        return dv
    return None
