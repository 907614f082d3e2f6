"""Load a project file: YAML → unknown-key warnings → pydantic model → cross-field checks.

The result carries the model, the line map and every diagnostic, each located as
``FILE:LINE: 字段路径: 说明``. Nothing here prints.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from .errors import Diagnostic, Diagnostics, FieldPath, InputError, Level, Location
from .model import DIMENSIONS, OPINION_AREAS, SOURCES, Funding, Project, closest
from .values import DateValue, Deadline, Quantity, Text, unit_key

WORKBOOK_SUFFIXES = (".xlsx",)  # an intake workbook (docgen intake new) is a project file too


class Document(Protocol):
    """Parsed project data and the map from field paths to where they were written.

    A :class:`YamlDocument` locates a path at a line; an intake workbook
    (:class:`docgen.intake.reader.WorkbookDocument`) at a sheet and cell, and may carry ``problems``
    (already located) that only the workbook shows.
    """

    file: str
    data: Any

    def locate(self, diagnostic: Diagnostic) -> Diagnostic: ...


@dataclass
class LoadedProject:
    """A validated project, where it came from, and what loading found."""

    file: str
    project: Project
    doc: Document
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def locate(self, diags: Diagnostics | list[Diagnostic]) -> list[Diagnostic]:
        items = diags.items if isinstance(diags, Diagnostics) else diags
        return [d if d.location else self.doc.locate(d) for d in items]


# --- unknown keys and plain data ------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    try:
        return _model_of_cached(annotation)
    except TypeError:  # an unhashable annotation: worked out each time
        return _model_of_uncached(annotation)


@functools.cache
def _model_of_cached(annotation: Any) -> type[BaseModel] | None:
    return _model_of_uncached(annotation)


def _model_of_uncached(annotation: Any) -> type[BaseModel] | None:
    a = _unwrap(annotation)
    return a if isinstance(a, type) and issubclass(a, BaseModel) else None


@functools.cache
def _fields_by_alias(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or name): f.annotation for name, f in model.model_fields.items()}


def _plain_scalar(value: Any) -> Any:
    """Scalars pass through: the loader's types (SourceInt, NonFinite, Decimal) carry meaning."""
    return value


def to_plain(node: Any, annotation: Any, path: FieldPath, diags: Diagnostics) -> Any:
    """Copy parsed data, dropping (and warning about) unknown keys; amounts under unknown sources are errors."""
    model = _model_of(annotation)
    if model is not None and isinstance(node, dict):
        by_alias = _fields_by_alias(model)
        out: dict[str, Any] = {}
        for key, value in node.items():
            k = str(key)
            if k not in by_alias:
                hint = closest(k, by_alias)
                tip = f"，是否应为“{hint}”？" if hint else ""
                if model is Funding:  # dropping an amount would silently change every total
                    diags.error((*path, k), f"未知的资金来源“{k}”{tip}（可选：{' / '.join(SOURCES)}）")
                else:
                    diags.warning((*path, k), f"未知字段“{k}”已忽略{tip}")
                continue
            out[k] = to_plain(value, by_alias[k], (*path, k), diags)
        return out
    a = _unwrap(annotation)
    origin = typing.get_origin(a)
    if origin is list and isinstance(node, list):
        (item,) = typing.get_args(a) or (Any,)
        return [to_plain(v, item, (*path, i), diags) for i, v in enumerate(node)]
    if origin is dict and isinstance(node, dict):
        _, item = typing.get_args(a) or (Any, Any)
        return {str(k): to_plain(v, item, (*path, str(k)), diags) for k, v in node.items()}
    if isinstance(node, dict):
        return {str(k): to_plain(v, Any, (*path, str(k)), diags) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v, Any, (*path, i), diags) for i, v in enumerate(node)]
    return _plain_scalar(node)


# --- pydantic errors in Chinese ---------------------------------------------------------------


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "键值映射"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    return f"\"{value}\""


def translate(error: dict[str, Any]) -> str:
    kind = error["type"]
    loc = error.get("loc", ())
    if kind == "docgen":
        return str(error["ctx"]["message"])
    if kind == "missing":
        return f"缺少必填字段“{loc[-1]}”" if loc else "缺少必填字段"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"应为键值映射（“键: 值”的形式），实际是 {_kind(error.get('input'))}"
    if kind == "list_type":
        return f"应为列表（每项以“- ”开头），实际是 {_kind(error.get('input'))}"
    if kind == "too_short":
        return "至少需要填写一项"
    if kind in ("string_type", "str_type"):
        return f"应为文字，实际是 {_kind(error.get('input'))}"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error.get("msg", "")))
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"):
        return f"应为数值，实际是 {_kind(error.get('input'))}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"应为整数，实际是 {_kind(error.get('input'))}"
    if kind in ("bool_parsing", "bool_type"):
        return f"应为 true 或 false，实际是 {_kind(error.get('input'))}"
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", " / ")
        return f"应为 {expected} 之一，实际是 {_kind(error.get('input'))}"
    if kind in ("tuple_type", "list_type", "iterable_type"):
        return f"应为列表，实际是 {_kind(error.get('input'))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"应不小于 {error.get('ctx', {}).get('ge', error.get('ctx', {}).get('gt'))}，实际是 {error.get('input')}"
    if kind in ("less_than_equal", "less_than"):
        return f"应不大于 {error.get('ctx', {}).get('le', error.get('ctx', {}).get('lt'))}，实际是 {error.get('input')}"
    if kind == "too_long":
        return "项数过多"
    return "取值不正确"


def _path(loc: tuple[Any, ...]) -> FieldPath:
    return tuple(p if isinstance(p, int) else str(p) for p in loc if p != "[key]")


# --- cross-field checks -----------------------------------------------------------------------


_MAX_SUGGESTIONS = 20  # closest-name search is quadratic: suggest for the first few only


def _unknown_indicator(project: Project, name: str, path: FieldPath, diags: Diagnostics) -> bool:
    if project.indicator(name) is not None:
        return False
    suggested = sum(1 for d in diags.items if "不是本项目的三级指标" in d.message)
    hint = closest(name, [i.name for i in project.indicators]) if suggested < _MAX_SUGGESTIONS else None
    tip = f"，是否应为“{hint}”？" if hint else ""
    diags.error(path, f"“{name}”不是本项目的三级指标{tip}")
    return True


def _check_actual(target: Any, actual: Any, path: FieldPath, diags: Diagnostics, *, dated: bool = True) -> None:
    """An actual must be of the target's kind and unit (RULES.md)."""
    if actual is None:
        return
    if isinstance(actual, Text):
        if isinstance(target, Deadline):
            if any(c.isdigit() for c in actual.text):
                diags.error(
                    path,
                    f"无法识别“{actual.text}”：指标值“{target.text}”是时限，这里应单独填写完成日期"
                    "（如“2024年6月15日”）；尚未完成的写“进行中”",
                )
            elif _SAYS_DONE.search(actual.text) and not _SAYS_NOT_DONE.search(actual.text):
                diags.warning(path, f"“{actual.text}”看起来已完成，但没有完成日期，按未完成计算；请填写完成日期")
            return
        if isinstance(target, Quantity) and any(c.isdigit() for c in actual.text):
            diags.error(
                path,
                f"无法识别的数值 \"{actual.text}\"：指标值“{target.text}”是定量指标，这里应填写一个数值"
                f"（如“{_example(target)}”）；尚无数据时可写“未到调查时点”",
            )
        return
    if isinstance(target, Quantity):
        if isinstance(actual, DateValue):
            diags.error(path, f"指标值“{target.text}”是数值，这里却填了日期“{actual.text}”")
        elif isinstance(actual, Quantity) and actual.unit and unit_key(actual.unit) != unit_key(target.unit):
            diags.error(
                path,
                f"单位“{actual.unit}”与指标值“{target.text}”的单位“{target.unit or '无'}”不一致",
            )
    elif isinstance(target, Deadline) and isinstance(actual, Quantity) and dated:
        diags.error(path, f"指标值“{target.text}”是时限，这里应填写完成日期或“进行中”，实际是“{actual.text}”")


_SAYS_DONE = re.compile("完成|完工|竣工|交付|投入使用|已")
_SAYS_NOT_DONE = re.compile("未|进行|正在|推进|尚|待|准备")


def _example(target: Quantity) -> str:
    return f"{target.value.normalize():f}{target.unit}"


def cross_check(p: Project, diags: Diagnostics) -> None:
    """Checks that span fields: names, references, units, dates."""
    seen: dict[str, int] = {}
    for i, ind in enumerate(p.indicators):
        if ind.name in seen:
            diags.error(("绩效指标", i, "三级指标"), f"三级指标“{ind.name}”重复（与 绩效指标[{seen[ind.name]}] 同名）")
        else:
            seen[ind.name] = i
    if p.start and p.end and p.start > p.end:
        diags.error(("结束日期",), f"结束日期 {p.end} 早于开始日期 {p.start}")

    dates: dict[date, int] = {}
    for s_i, snap in enumerate(p.snapshots):
        base: FieldPath = ("监控", s_i)
        if snap.as_of in dates:
            diags.error((*base, "截止日期"), f"截止日期 {snap.as_of} 与 监控[{dates[snap.as_of]}] 重复")
        dates[snap.as_of] = s_i
        if snap.as_of.year != p.year:
            diags.warning((*base, "截止日期"), f"截止日期 {snap.as_of} 不在预算年度 {p.year} 内")
        for name, entry in snap.indicators.items():
            path = (*base, "指标", name)
            if _unknown_indicator(p, name, path, diags):
                continue
            target = p.indicator(name).target  # type: ignore[union-attr]
            _check_actual(target, entry.actual, (*path, "执行情况"), diags)
            _check_actual(target, entry.forecast, (*path, "全年预计"), diags)
            _check_actual(target, entry.due, (*path, "本期应完成"), diags)
            if entry.due is not None and not isinstance(entry.due, Quantity):
                diags.error((*path, "本期应完成"), f"本期应完成应为数值，实际是“{entry.due.text}”")

    if p.self_eval is not None:
        for name, entry in p.self_eval.indicators.items():
            path = ("自评", "指标", name)
            if _unknown_indicator(p, name, path, diags):
                continue
            ind = p.indicator(name)
            assert ind is not None
            _check_actual(ind.target, entry.actual, (*path, "实际完成值"), diags)
            if entry.score is not None and ind.weight is not None and entry.score > ind.weight:
                diags.error((*path, "得分"), f"得分 {entry.score} 超过该指标分值 {ind.weight}")

    if p.adjustment is not None:
        for i, change in enumerate(p.adjustment.indicator_changes):
            _unknown_indicator(p, change.name, ("调整", "指标调整", i, "三级指标"), diags)

    if p.pre_assessment is not None:
        dims = p.pre_assessment.dimensions
        for name in dims:
            if name not in DIMENSIONS:
                hint = closest(name, DIMENSIONS)
                tip = f"，是否应为“{hint}”？" if hint else ""
                diags.error(("事前评估", "维度", name), f"未知的评估维度“{name}”{tip}")
        for name in DIMENSIONS:
            if name not in dims:
                diags.error(("事前评估", "维度"), f"缺少评估维度“{name}”")

    if p.feedback is not None:
        for area in p.feedback.opinions:
            if area not in OPINION_AREAS:
                hint = closest(area, OPINION_AREAS)
                tip = f"，是否应为“{hint}”？" if hint else ""
                diags.warning(("反馈", "意见", area), f"意见类别“{area}”不在 {' / '.join(OPINION_AREAS)} 之中{tip}")


# --- one pass: cross-field checks over the fields that are valid ---------------------------------


_DROP = object()
_PLACEHOLDER = "0"  # stands in for a bad value: a valid amount, score, indicator value or text
_MAX_ROUNDS = 8


def _without(node: Any, drop: set[FieldPath], stand_in: set[FieldPath], path: FieldPath,
             kept: dict[FieldPath, list[int]]) -> Any:
    """``node`` without the parts at ``drop`` and with a placeholder at ``stand_in``; ``kept`` records, per list,
    which original positions remain."""
    if path in drop:
        return _DROP
    if path in stand_in:
        return _PLACEHOLDER
    if isinstance(node, dict):
        out = {k: _without(v, drop, stand_in, (*path, str(k)), kept) for k, v in node.items()}
        return {k: v for k, v in out.items() if v is not _DROP}
    if isinstance(node, list):
        items = [(i, _without(v, drop, stand_in, (*path, i), kept)) for i, v in enumerate(node)]
        kept[path] = [i for i, v in items if v is not _DROP]
        return [v for _, v in items if v is not _DROP]
    return node


def _original(path: FieldPath, kept: dict[FieldPath, list[int]]) -> FieldPath:
    """A path in the reduced data as a path in the data the user wrote."""
    out: list[str | int] = []
    for part in path:
        if isinstance(part, int) and tuple(out) in kept and part < len(kept[tuple(out)]):
            part = kept[tuple(out)][part]
        out.append(part)
    return tuple(out)


def _under(path: FieldPath, parts: set[FieldPath]) -> bool:
    return any(path[: len(p)] == p for p in parts)


def _cross_check_the_rest(plain: Any, errors: list[FieldPath], diags: Diagnostics) -> None:
    """Put a placeholder in each field that failed validation (or leave the field out, or its parent, when that
    fails too) until the rest is a valid project, then run the cross-field checks on it: a file shows every kind
    of problem at once, not one kind per round of corrections."""
    stand_in = {e for e in errors if e}
    drop: set[FieldPath] = set()
    for _ in range(_MAX_ROUNDS):
        kept: dict[FieldPath, list[int]] = {}
        reduced = _without(plain, drop, stand_in, (), kept)
        try:
            project = Project.model_validate(reduced)
        except ValidationError as exc:
            grown = False
            for e in exc.errors():
                where = _original(_path(e["loc"]), kept)
                if where in stand_in:
                    stand_in.discard(where)
                    drop.add(where)
                    grown = True
                    continue
                while where and _under(where, drop):
                    where = where[:-1]  # the field was left out and is required: leave out its parent
                if not where:
                    return  # nothing valid is left to check
                if where not in drop:
                    drop.add(where)
                    grown = True
            if not grown:
                return
            continue
        found = Diagnostics()
        cross_check(project, found)
        replaced = drop | stand_in
        left_out = _left_out_indicators(plain, replaced)  # their entries would read as unknown indicators
        for d in found.items:
            d.path = _original(d.path, kept)
            if not _under(d.path, replaced) and not left_out.intersection(map(str, d.path)):
                diags.items.append(d)
        return


def _left_out_indicators(plain: Any, drop: set[FieldPath]) -> set[str]:
    items = plain.get("绩效指标") if isinstance(plain, dict) else None
    if not isinstance(items, list):
        return set()
    return {
        str(item.get("三级指标", "")).strip() for i, item in enumerate(items)
        if isinstance(item, dict) and any(d[:2] == ("绩效指标", i) or d == ("绩效指标",) for d in drop)
    }


# --- entry points -----------------------------------------------------------------------------


def _located(doc: Document, diags: Diagnostics) -> list[Diagnostic]:
    """The document's own problems, then the validation's, one per place: a cell the workbook reader
    already reported (say, a formula without a value) is not reported again as missing."""
    early: list[Diagnostic] = list(getattr(doc, "problems", ()))
    taken = {d.location for d in early if d.level is Level.ERROR}
    located = early + [d for d in (doc.locate(d) for d in diags.items) if d.location not in taken]
    order = getattr(doc, "order", None)  # a workbook: sheet by sheet, row by row
    return sorted(located, key=order) if order is not None else located


MAX_TEXT = 10_000  # characters of one text field: far more than a form's cell or a report's section prints


def long_texts(data: Any, path: FieldPath, diags: Diagnostics) -> None:
    """A text too long for any form is refused here, before a renderer (WeasyPrint above all) spends
    minutes laying it out."""
    stack = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str) and len(value) > MAX_TEXT:
            diags.error(where, f"文字过长（{len(value)} 个字符），表单和报告中印不下：请精简到 {MAX_TEXT} 个字符以内")
        elif isinstance(value, dict):
            stack += [(v, (*where, str(k))) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(v, (*where, i)) for i, v in enumerate(value)]


def validate(doc: Document) -> LoadedProject:
    """Validate parsed data (YAML or a workbook) as a project; raise :class:`InputError` with every located error."""
    diags = Diagnostics()
    data = doc.data
    if not isinstance(data, dict):
        what = "列表" if isinstance(data, list) else f"单个值 {_kind(data)}"
        diags.error((), f"文件顶层应为项目字段（“项目名称: …”这样的键值映射），实际是{what}")
        raise InputError("", _located(doc, diags))
    long_texts(data, (), diags)
    plain = to_plain(data, Project, (), diags)  # an unknown source is an error; the rest is still read
    try:
        project = Project.model_validate(plain)
    except ValidationError as exc:
        errors = [_path(e["loc"]) for e in exc.errors()]
        for e in exc.errors():
            diags.error(_path(e["loc"]), translate(dict(e)))
        _cross_check_the_rest(plain, errors, diags)  # all problems in one pass, not one round per kind
        raise InputError("", _located(doc, diags)) from None
    cross_check(project, diags)
    if diags.errors:
        raise InputError("", _located(doc, diags))
    located = _located(doc, diags)
    if any(d.level is Level.ERROR for d in located):
        raise InputError("", located)
    return LoadedProject(doc.file, project, doc, located)


def load_project(path: Path, display: str | None = None) -> LoadedProject:
    """A YAML project file, or an intake workbook (``.xlsx``) read through the same validation."""
    if path.suffix.lower() == ".xls":
        message = "这是旧版 Excel 格式（.xls），docgen 不能读取：请用 Excel/WPS 另存为 .xlsx（Excel 工作簿）后再试"
        raise InputError(message, [Diagnostic(Level.ERROR, message, (), Location(display or str(path)))])
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from .intake.assemble import read_workbook  # openpyxl is loaded only for a workbook

        return validate(read_workbook(path, display))
    from .sidefile import read_with_side_file  # a reviewer's 反馈 kept beside the file (docgen review --side-file)

    doc, notes = read_with_side_file(path, display)
    try:
        loaded = validate(doc)
    except InputError as exc:
        raise InputError(exc.message, [*notes, *exc.diagnostics]) from None
    loaded.diagnostics = [*notes, *loaded.diagnostics]
    return loaded


__all__ = ["WORKBOOK_SUFFIXES", "Decimal", "Document", "LoadedProject", "load_project", "validate"]
