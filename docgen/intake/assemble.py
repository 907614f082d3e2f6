"""The sheets of a filled workbook put together as the data of a project file (DATA.md's shape)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..errors import FieldPath
from ..model import DIMENSIONS
from ..values import ValueProblem, parse_date
from . import layout as L
from .reader import CellRef, Read, SheetReader, WorkbookDocument, check_marker, open_workbook

Data = dict[str, Any]


class Assembler:
    def __init__(self, reader: SheetReader) -> None:
        self.r = reader
        self.doc = reader.doc
        self.data: Data = {}

    def at(self, path: FieldPath, ref: CellRef) -> None:
        self.doc.cells.setdefault(path, ref)

    def put(self, target: Data, key: str, read: Read, path: FieldPath) -> None:
        value, ref = read
        self.at(path, ref)
        if value is not None:
            target[key] = value

    def mapping(self, reads: dict[str, Read], columns: tuple[L.Column, ...], base: FieldPath) -> Data:
        """Columns as a (nested) mapping: a grouped column lands in its group's mapping."""
        out: Data = {}
        for col in columns:
            if col.label not in reads:
                continue
            if col.group:
                group = out.setdefault(col.group, {})
                self.at((*base, col.group), reads[col.label][1])
                self.put(group, col.key, reads[col.label], (*base, col.group, col.key))
            else:
                self.put(out, col.key, reads[col.label], (*base, col.key))
        return {k: v for k, v in out.items() if v not in ({}, [])}

    # --- sheets ---------------------------------------------------------------------------------

    def basic(self) -> None:
        reads = self.r.form(L.BASIC)
        if reads:
            self.data.update(self.mapping(reads, L.BASIC.fields, ()))

    def funds(self) -> None:
        grid = self.r.grid(L.FUNDS)
        if grid is None:
            return
        funds: Data = {}
        for line, _ in L.FUNDS.rows:
            reads = {col.label: grid[(line, col.key)] for col in L.FUNDS.columns if (line, col.key) in grid}
            if not reads:
                continue
            first = next(iter(reads.values()))[1]
            self.at(("资金", line), CellRef(first.sheet, first.coord, line))
            funding = self.mapping(reads, L.FUNDS.columns, ("资金", line))
            if funding:
                funds[line] = funding
        if ("资金", "年初预算数") in self.doc.cells:
            self.at(("资金",), self.doc.cells[("资金", "年初预算数")])
        if funds:
            self.data["资金"] = funds

    def indicators(self) -> None:
        items = []
        ws_rows = self.r.table(L.INDICATORS)
        for i, (_, reads) in enumerate(ws_rows):
            self.at(("绩效指标", i), next(iter(reads.values()))[1])
            items.append(self.mapping(reads, L.INDICATORS.columns, ("绩效指标", i)))
        if L.INDICATORS.sheet in self.r.wb.sheetnames:
            self.at(("绩效指标",), CellRef(L.INDICATORS.sheet, f"A{L.FIRST_ROW}", "绩效指标"))
            self.data["绩效指标"] = items

    def snapshots(self) -> None:
        snaps = []
        dates: dict[date, int] = {}
        for i, (_, reads) in enumerate(self.r.table(L.SNAPSHOTS)):
            base = ("监控", i)
            self.at(base, reads["截止日期"][1])
            snaps.append(self.mapping(reads, L.SNAPSHOTS.columns, base))
            try:
                dates.setdefault(parse_date(reads["截止日期"][0]), i)
            except ValueProblem:
                pass  # reported by the validation against this cell
        seen: dict[tuple[int, str], str] = {}
        for row, reads in self.r.table(L.SNAPSHOT_INDICATORS):
            when, name = reads["截止日期"], reads["三级指标"]
            index = self._snapshot_of(when, dates)
            if name[0] is None:
                self.r.problem(name[1], "缺少三级指标：请从下拉列表中选择（或删除这一行）")
            if index is None or name[0] is None:
                continue
            key = str(name[0]).strip()
            if (index, key) in seen:
                self.r.problem(name[1], f"截止日期 {when[0]} 的“{key}”已在第 {seen[(index, key)]} 行填写过，"
                                        "同一指标只能填一行")
                continue
            seen[(index, key)] = str(row)
            base = ("监控", index, "指标", key)
            self.at(base, name[1])
            entry = self.mapping({k: v for k, v in reads.items() if k not in ("截止日期", "三级指标")},
                                 L.SNAPSHOT_INDICATORS.columns, base)
            causes = [c for c, ticked in entry.pop("偏差原因", {}).items() if ticked]
            if causes:
                entry["偏差原因"] = causes
            snaps[index].setdefault("指标", {})[key] = entry
        if L.SNAPSHOTS.sheet in self.r.wb.sheetnames:
            self.at(("监控",), CellRef(L.SNAPSHOTS.sheet, f"A{L.FIRST_ROW}", "截止日期"))
        if snaps:
            self.data["监控"] = snaps

    def _snapshot_of(self, when: Read, dates: dict[date, int]) -> int | None:
        value, ref = when
        if value is None:
            self.r.problem(ref, "缺少截止日期：应与“监控”表中该次监控的截止日期相同")
            return None
        try:
            day = parse_date(value)
        except ValueProblem as exc:
            self.r.problem(ref, str(exc))
            return None
        if day not in dates:
            self.r.problem(ref, f"截止日期 {day} 在“监控”表中没有对应的行："
                                "请先在“监控”表填写这次监控（截止日期、执行数）")
            return None
        return dates[day]

    def named_rows(self, spec: L.Table, base: FieldPath) -> Data:
        """A table keyed by its 三级指标 column (自评指标)."""
        out: Data = {}
        seen: dict[str, int] = {}
        for row, reads in self.r.table(spec):
            name, ref = reads["三级指标"]
            if name is None:
                self.r.problem(ref, "缺少三级指标：请从下拉列表中选择（或删除这一行）")
                continue
            key = str(name).strip()
            if key in seen:
                self.r.problem(ref, f"“{key}”已在第 {seen[key]} 行填写过，同一指标只能填一行")
                continue
            seen[key] = row
            self.at((*base, key), ref)
            rest = {k: v for k, v in reads.items() if k != "三级指标"}
            out[key] = self.mapping(rest, spec.columns, (*base, key))
        return out

    def rows(self, spec: L.Table, base: FieldPath) -> list[Data]:
        items = []
        for i, (_, reads) in enumerate(self.r.table(spec)):
            self.at((*base, i), next(iter(reads.values()))[1])
            items.append(self.mapping(reads, spec.columns, (*base, i)))
        return items

    def section_form(self, spec: L.Form, key: str) -> Data:
        reads = self.r.form(spec) or {}
        if reads:
            self.at((key,), next(iter(reads.values()))[1])
        return self.mapping(reads, spec.fields, (key,))

    def self_eval(self) -> None:
        section = self.section_form(L.SELF_EVAL, "自评")
        indicators = self.named_rows(L.SELF_EVAL_INDICATORS, ("自评", "指标"))
        if indicators:
            section["指标"] = indicators
        if section:
            self.data["自评"] = section

    def adjustment(self) -> None:
        section = self.section_form(L.ADJUSTMENT, "调整")
        for spec, key in ((L.BUDGET_CHANGES, "预算调整"), (L.INDICATOR_CHANGES, "指标调整")):
            items = self.rows(spec, ("调整", key))
            if items:
                section[key] = items
        if section:
            self.data["调整"] = section

    def pre_assessment(self) -> None:
        grid = self.r.grid(L.PRE_ASSESSMENT, (L.CONCLUSION,))
        if not grid:
            return
        base = ("事前评估",)
        dims: Data = {}
        for name in DIMENSIONS:
            reads = {col.label: grid[(name, col.key)] for col in L.PRE_ASSESSMENT.columns if (name, col.key) in grid}
            if reads:
                self.at((*base, "维度", name), next(iter(reads.values()))[1])
                dims[name] = self.mapping(reads, L.PRE_ASSESSMENT.columns, (*base, "维度", name))
        conclusion = grid.get((L.CONCLUSION, "意见"))
        first = next(iter(grid.values()))[1]
        self.at(base, first)
        self.at((*base, "维度"), first)
        section: Data = {}
        if any(dims.values()):
            section["维度"] = dims  # every dimension, so that an empty 得分 is named at its cell
        if conclusion is not None:
            self.put(section, "结论", (conclusion[0], CellRef(conclusion[1].sheet, conclusion[1].coord, "结论")),
                     (*base, "结论"))
        if section:
            self.data["事前评估"] = section

    def feedback(self) -> None:
        section = self.section_form(L.FEEDBACK, "反馈")
        if section:
            self.data["反馈"] = section

    def run(self) -> Data:
        self.basic()
        self.funds()
        self.indicators()
        self.snapshots()
        self.adjustment()
        self.self_eval()
        self.pre_assessment()
        self.feedback()
        return self.data


def read_workbook(path: Path, display: str | None = None) -> WorkbookDocument:
    """Read a filled intake workbook; raise :class:`InputError` when it cannot be one."""
    file = display or str(path)
    wb = open_workbook(path, file)
    check_marker(wb, file)
    doc = WorkbookDocument(file, None)
    doc.data = Assembler(SheetReader(path, doc, wb)).run()
    return doc
