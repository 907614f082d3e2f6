"""The forms of a project, 表4 and coverage of a department, and a department's ZIP, rendered on request.

Rendered bytes are kept in a small in-memory cache keyed by the files' signatures.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..forms import FORMS, Form, find_form
from ..output import (
    available_formats,
    form_formats,
    missing_aggregate_data,
    missing_data,
    output_name,
    render_bytes,
    safe_name,
)
from ..render.package import write_zip
from ..rules.context import ProjectResult
from .projects import Entry

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
_CACHE: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_CACHE_SIZE = 256  # a few tens of MB at most (a PDF is ~300 KB, a DOCX or XLSX ~20 KB)
_lock = threading.Lock()


@dataclass(frozen=True)
class FormLink:
    form: Form
    formats: tuple[str, ...]
    reason: str | None  # why it cannot be filled, when it cannot


def project_forms(entry: Entry) -> list[FormLink]:
    result = entry.outcome.result
    assert result is not None
    fmts = available_formats()
    out = []
    for form in FORMS:
        if form.aggregate or not form.renderable:
            continue
        out.append(FormLink(form, form_formats(form, fmts), missing_data(form, result)))
    return out


def _cached(key: tuple[object, ...], make: Callable[[], bytes]) -> bytes:
    with _lock:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    data = make()
    with _lock:
        _CACHE[key] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data


def project_document(entry: Entry, form_id: str, fmt: str) -> tuple[str, bytes] | None:
    """(file name, bytes) of one form of one project, or None when there is no such document."""
    form = find_form(form_id)
    result = entry.outcome.result
    if form is None or form.id != form_id or form.aggregate or not form.renderable or result is None:
        return None
    if fmt not in form_formats(form, available_formats()) or missing_data(form, result):
        return None
    title = f"{result.project.name}-{form.short_title}"
    data = _cached((entry.rel, entry.signature, form.id, fmt),
                   lambda: render_bytes(form, form.build(result), fmt, title))
    return output_name(result.project.name, form, fmt), data


def aggregate_document(results: list[ProjectResult], scope: str, form_id: str, fmt: str,
                       key: tuple[object, ...]) -> tuple[str, bytes] | None:
    form = find_form(form_id)
    if form is None or form.id != form_id or not form.aggregate or fmt not in form_formats(form, available_formats()):
        return None
    if missing_aggregate_data(form, results):
        return None
    stem = safe_name(scope) if scope else "全部项目"
    data = _cached((*key, form.id, fmt), lambda: render_bytes(form, form.build(results, scope), fmt,
                                                               f"{stem}-{form.short_title}"))
    return f"{stem}-{form.short_title}.{fmt}", data


def department_zip(entries: list[Entry], scope: str) -> bytes:
    """Every form of every valid project of the department (DOCX and XLSX), and its 表4 and coverage."""
    parts: list[tuple[str, bytes]] = []
    results = [e.outcome.result for e in entries if e.ok and e.outcome.result is not None]
    key = tuple(sorted((e.rel, e.signature) for e in entries))
    for form_id in ("summary", "coverage"):
        for fmt in ("docx", "xlsx"):
            doc = aggregate_document(results, scope, form_id, fmt, ("agg", scope, key))
            if doc is not None:
                parts.append(doc)
    for entry in entries:
        if not entry.ok:
            continue
        folder = safe_name(entry.name or entry.rel)
        for link in project_forms(entry):
            if link.reason:
                continue
            for fmt in link.formats:
                if fmt == "pdf":
                    continue
                doc = project_document(entry, link.form.id, fmt)
                if doc is not None:
                    parts.append((f"{folder}/{doc[0]}", doc[1]))
    seen: set[str] = set()
    unique = []
    for name, data in parts:
        if name not in seen:
            seen.add(name)
            unique.append((name, data))
    return write_zip(unique)
