"""Read a filled intake workbook as a project document: plain data plus where each field was typed.

A :class:`WorkbookDocument` is to a workbook what :class:`~docgen.yamlfile.YamlDocument` is to a YAML
file: ``data`` goes through the same validation (:func:`docgen.project.validate`), and ``locate`` turns
a field path into a cell, so that every problem reads ``X.xlsx!绩效指标!D7: 指标值: 说明``. Problems the
workbook alone shows (a changed header, a formula without a value, a tick that is not √, a 监控指标 row
whose 截止日期 has no 监控 row) are collected in ``problems``, already located.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import Diagnostic, FieldPath, InputError, Level, Location, format_path
from . import layout as L
from .cells import CellProblem, convert, ticked

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000  # per table; a project has a few hundred rows at most
MAX_MERGED_CELLS = 10_000  # a merged range larger than this is not data (and would cost memory to expand)
_SHEET_ORDER = {spec.sheet: i for i, spec in enumerate(L.SHEETS)}
_SHEET_NAME = re.compile(rb"<(?:\w+:)?sheet\b[^>]*\bname=\"([^\"]*)\"")


@dataclass(frozen=True)
class CellRef:
    sheet: str
    coord: str
    label: str


@dataclass
class WorkbookDocument:
    """The data of one workbook and the cell each field path was read from."""

    file: str
    data: Any
    cells: dict[FieldPath, CellRef] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def where(self, ref: CellRef) -> Location:
        return Location(f"{self.file}!{ref.sheet}!{ref.coord}", 0, ref.label)

    def cell_of(self, path: FieldPath) -> CellRef | None:
        """The cell of the deepest part of ``path`` that was read."""
        p = tuple(path)
        while p:
            if p in self.cells:
                return self.cells[p]
            p = p[:-1]
        return self.cells.get(())

    def order(self, diagnostic: Diagnostic) -> tuple[int, int, int]:
        """Sort key of a located diagnostic: the sheet's place in the workbook, the row, the column."""
        where = diagnostic.location.file if diagnostic.location else ""
        parts = where[len(self.file):].split("!")
        if len(parts) != 3 or parts[1] not in _SHEET_ORDER:
            return (-1, 0, 0)
        column, row = coordinate_from_string(parts[2])
        return (_SHEET_ORDER[parts[1]], row, column_index_from_string(column))

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        ref = self.cell_of(diagnostic.path)
        if ref is None:
            return diagnostic.located(Location(self.file, 0, format_path(diagnostic.path)))
        return diagnostic.located(self.where(ref))


def _fail(file: str, message: str) -> InputError:
    return InputError(message, [Diagnostic(Level.ERROR, message, (), Location(file))])


def sheet_names(path: Path) -> list[str] | None:
    """The sheet names of an .xlsx package without loading it (None when it is not one)."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > MAX_BYTES:
                return None
            xml = zf.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return None
    return [m.group(1).decode("utf-8", "replace") for m in _SHEET_NAME.finditer(xml)]


def is_intake_workbook(path: Path) -> bool:
    """True for a workbook made by ``docgen intake new`` (it holds the hidden marker sheet)."""
    names = sheet_names(path)
    return names is not None and L.MARKER_SHEET in names


MAX_UNPACKED = 100 * 1024 * 1024  # bytes of all the package's parts together, unpacked
MAX_CELL_BYTES = 32_767 * 6  # Excel's cell limit (32,767 characters), each at most 6 bytes of XML ("&quot;")
MAX_SHEET_ROWS = MAX_ROWS + 1_000  # <row> elements per sheet (a project's tables, their headers and hints)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def package_problem(path: Path) -> str | None:
    """Why a workbook is too big to load, found by streaming its parts (never loading them): the
    unpacked size, a cell longer than Excel allows, a sheet with more rows than any project has."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                return f"解压后超过 {MAX_UNPACKED // 1024 // 1024} MB，不是一个项目的填报工作簿"
            for info in infos:
                if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                    problem = _part_problem(zf, info)
                    if problem:
                        return problem
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError, EOFError):
        return None  # not a readable zip: load_workbook says so in its own words
    return None


def _part_problem(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    rows, run, tail = 0, 0, b""  # run: bytes since the last "<" (a cell's text has none)
    sheet = info.filename.startswith("xl/worksheets/")
    with zf.open(info) as fh:
        while chunk := fh.read(1024 * 1024):
            parts = chunk.split(b"<")
            if len(parts) == 1:
                longest = run = run + len(chunk)
            else:
                longest = max(run + len(parts[0]), *(len(p) for p in parts[1:]))
                run = len(parts[-1])
            if longest > MAX_CELL_BYTES:
                return "有单元格的文字超过 Excel 的上限（32767 个字符），不是项目数据：请删除过长的内容"
            if sheet:
                buffer = tail + chunk
                rows += sum(1 for m in _ROW.finditer(buffer) if m.end() > len(tail))  # not counted before
                tail = buffer[-16:]
                if rows > MAX_SHEET_ROWS:
                    return f"有工作表超过 {MAX_SHEET_ROWS} 行，不是一个项目的数据：请删除多余的行"
    return None


def open_workbook(path: Path, file: str, data_only: bool = False) -> Workbook:
    if not path.is_file():
        raise _fail(file, "不是普通文件，无法作为工作簿读取")
    if path.stat().st_size > MAX_BYTES:
        raise _fail(file, f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB），不是项目填报工作簿")
    problem = package_problem(path)
    if problem:
        raise _fail(file, problem)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported" and the like
            return load_workbook(path, data_only=data_only)
    except PermissionError:
        raise _fail(file, "没有读取这个文件的权限") from None
    except Exception:  # a broken or foreign file: zip, XML and openpyxl errors alike
        raise _fail(file, "无法打开：不是有效的 Excel 工作簿（.xlsx）；请用 Excel 或 WPS 另存为 .xlsx 后再试") from None


def check_marker(wb: Workbook, file: str) -> None:
    if L.MARKER_SHEET not in wb.sheetnames:
        raise _fail(file, "不是 docgen 填报工作簿（缺少隐藏的“_docgen”工作表）："
                          "请用 docgen intake new 生成工作簿后填写")
    ws = wb[L.MARKER_SHEET]
    version = ws.cell(1, 2).value
    if ws.cell(1, 1).value != L.MARKER_TEXT or not isinstance(version, int):
        raise _fail(file, "“_docgen”工作表已被改动，无法识别工作簿格式：请用 docgen intake new 重新生成工作簿")
    if version > L.FORMAT_VERSION:
        raise _fail(file, f"工作簿格式版本 {version} 比本程序支持的（{L.FORMAT_VERSION}）新：请升级 docgen")


Read = tuple[Any, CellRef]  # a value (None when empty) and its cell


class SheetReader:
    """Cells as data values; a cell that cannot be read becomes a located problem and reads as empty."""

    def __init__(self, path: Path, doc: WorkbookDocument, wb: Workbook) -> None:
        self.path = path
        self.doc = doc
        self.wb = wb
        self._cached: Workbook | None = None
        self._merged: dict[str, dict[tuple[int, int], tuple[int, int]]] = {}

    def problem(self, ref: CellRef, message: str) -> None:
        self.doc.problems.append(Diagnostic(Level.ERROR, message, (), self.doc.where(ref)))

    def _raw(self, cell: Cell, ws: Worksheet) -> Any:
        if cell.data_type == "e":
            raise CellProblem(f"单元格显示错误值 {cell.value}，请改为要填写的内容")
        if cell.data_type != "f":
            return cell.value
        if self._cached is None:
            self._cached = open_workbook(self.path, self.doc.file, data_only=True)
        cached = self._cached[ws.title].cell(cell.row, cell.column)
        if cached.value is None or cached.data_type == "e":
            raise CellProblem("单元格是公式，但文件中没有它的计算结果：请直接填写内容，或在 Excel/WPS 中打开后保存")
        return cached.value

    def ref(self, ws: Worksheet, row: int, column: int, label: str) -> CellRef:
        return CellRef(ws.title, f"{get_column_letter(column)}{row}", label)

    def merged_origin(self, ws: Worksheet, row: int, column: int) -> tuple[int, int]:
        """The top-left cell of the merged range holding (row, column): a merged A12:A13 reads A12 in both rows."""
        if ws.title not in self._merged:
            origin: dict[tuple[int, int], tuple[int, int]] = {}
            for rng in ws.merged_cells.ranges:
                if (rng.max_row - rng.min_row + 1) * (rng.max_col - rng.min_col + 1) > MAX_MERGED_CELLS:
                    continue
                for r in range(rng.min_row, rng.max_row + 1):
                    for c in range(rng.min_col, rng.max_col + 1):
                        origin[(r, c)] = (rng.min_row, rng.min_col)
            self._merged[ws.title] = origin
        return self._merged[ws.title].get((row, column), (row, column))

    def value(self, ws: Worksheet, row: int, column: int, col: L.Column) -> Read:
        ref = self.ref(ws, row, column, col.label)
        row, column = self.merged_origin(ws, row, column)  # a pasted merged cell counts for every row it covers
        cell = ws.cell(row, column)
        try:
            raw = self._raw(cell, ws)
            if col.kind == L.TICKBOX:
                return ticked(raw, col.key), ref
            return convert(col.kind, raw, cell.number_format or "General"), ref
        except CellProblem as exc:
            self.problem(ref, str(exc))
            return None, ref

    def sheet(self, name: str) -> Worksheet | None:
        if name in self.wb.sheetnames:
            return self.wb[name]
        required = name in L.REQUIRED_SHEETS
        level = Level.ERROR if required else Level.WARNING
        tail = "请用 docgen intake new 重新生成工作簿" if required else "按未填写处理"
        self.doc.problems.append(Diagnostic(level, f"缺少工作表“{name}”：{tail}", (), Location(self.doc.file)))
        return None

    def labels(self, ws: Worksheet, first: int) -> dict[str, int]:
        """Column A's labels (from row ``first``) → their row."""
        out: dict[str, int] = {}
        for row in range(first, min(ws.max_row, first + MAX_ROWS) + 1):  # a stray far-away cell: bounded
            text = ws.cell(row, 1).value
            if isinstance(text, str) and text.strip() and text.strip() not in out:
                out[text.strip()] = row
        return out

    def header_ok(self, ws: Worksheet, columns: tuple[L.Column, ...], first: int) -> bool:
        """Rows 2–3 hold the expected headers; each difference is a problem (the sheet is then not read)."""
        ok = True
        previous_group = ""
        for c, col in enumerate(columns, start=first):
            expected = [(3, col.key)] if col.group else [(2, col.key)]
            if col.group and col.group != previous_group:
                expected.append((2, col.group))
            previous_group = col.group
            for row, text in expected:
                found = ws.cell(row, c).value
                if (found.strip() if isinstance(found, str) else found) != text:
                    shown = "空白" if found in (None, "") else f"“{found}”"
                    self.problem(self.ref(ws, row, c, text), f"表头应为“{text}”，实际是{shown}："
                                 "请不要修改表头（可用 docgen intake new --from 重新生成工作簿）")
                    ok = False
        return ok

    def form(self, spec: L.Form) -> dict[str, Read] | None:
        ws = self.sheet(spec.sheet)
        if ws is None:
            return None
        rows = self.labels(ws, L.FORM_FIRST_ROW)
        out: dict[str, Read] = {}
        for col in spec.fields:
            row = rows.get(col.label)
            if row is None:
                self.problem(self.ref(ws, L.FORM_FIRST_ROW, 1, col.label),
                             f"找不到“{col.label}”这一行：请不要修改 A 列的栏目名称")
                continue
            out[col.label] = self.value(ws, row, 2, col)
        return out

    def grid(self, spec: L.Grid, extra: tuple[str, ...] = ()) -> dict[tuple[str, str], Read] | None:
        """Each (row label, column key); ``extra`` rows are read in every column too."""
        ws = self.sheet(spec.sheet)
        if ws is None or not self.header_ok(ws, spec.columns, 2):
            return None
        rows = self.labels(ws, L.FIRST_ROW)
        out: dict[tuple[str, str], Read] = {}
        for name in [r for r, _ in spec.rows] + list(extra):
            row = rows.get(name)
            if row is None:
                self.problem(self.ref(ws, L.FIRST_ROW, 1, name), f"找不到“{name}”这一行：请不要修改 A 列的名称")
                continue
            for c, col in enumerate(spec.columns, start=2):
                if col.kind != L.FIXED:
                    out[(name, col.key)] = self.value(ws, row, c, col)
        return out

    def table(self, spec: L.Table) -> list[tuple[int, dict[str, Read]]]:
        """The non-empty rows: (row number, label → read)."""
        ws = self.sheet(spec.sheet)
        if ws is None or not self.header_ok(ws, spec.columns, 1):
            return []
        out = []
        last = ws.max_row
        if last >= L.FIRST_ROW + MAX_ROWS:
            last = L.FIRST_ROW + MAX_ROWS - 1
            self.problem(self.ref(ws, last + 1, 1, spec.sheet),
                         f"表格超过 {MAX_ROWS} 行，不是一个项目的数据：请删除多余的行")
        for row in range(L.FIRST_ROW, last + 1):
            record = {col.label: self.value(ws, row, c, col) for c, col in enumerate(spec.columns, start=1)}
            if any(v not in (None, False, []) for v, _ in record.values()):
                out.append((row, record))
        return out
