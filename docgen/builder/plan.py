"""Decide, from hashes and the manifest alone (no project is loaded), what to render and why.

An output is stale when any input hash differs from the one it was built from (data, template,
profile, docgen version), when its file is missing or no longer has the hash it was written with,
when its planned path changed, or with ``--force``. A form a project could not fill is remembered
as skipped for the data it was skipped for. An aggregate's data hash is the hash of its members'
(source, data hash) pairs, so adding, removing or editing a member makes it stale.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..forms import Form
from ..output import WHOLE, distinct_names, form_formats, safe_name
from .inputs import Source, sha256_bytes, sha256_file
from .jobs import AggregateJob, AggregateRender, ProjectJob, Render, provenance
from .manifest import FOLDER, OutputRow, SkipRow

FORCED, VERSION, PROFILE, DATA, TEMPLATE = "强制", "版本变化", "配置变化", "数据变化", "模板变化"
RENAMED, MISSING, EDITED, NEW = "文件名变化", "输出缺失", "输出被改动", "新增"
REASONS = (FORCED, VERSION, PROFILE, DATA, TEMPLATE, RENAMED, MISSING, EDITED, NEW)
AGGREGATES = "汇总"  # the folder of the aggregate forms, and the prefix of their keys
CHANGES = "changes.md"  # the changes report, at the top of OUT
RESERVED = (AGGREGATES, CHANGES, FOLDER, WHOLE)  # names the build writes itself: never a 主管部门's folder


@dataclass
class Inputs:
    """Everything a plan is made from."""

    out: Path
    sources: list[Source]
    names: dict[str, tuple[str, str]]  # key → (项目名称, 主管部门), for every source whose name is known
    failed: set[str]  # keys that cannot be built this time (unreadable profile or data)
    project_forms: list[Form]
    aggregate_forms: list[Form]
    formats: tuple[str, ...]
    templates: dict[tuple[str, str], str]
    version: str
    force: bool
    rows: list[OutputRow]
    skips: dict[tuple[str, str], SkipRow]
    known: set[str]  # source keys the manifest knows of (names, skips, values)


@dataclass
class Plan:
    jobs: list[ProjectJob] = field(default_factory=list)
    aggregate: AggregateJob | None = None
    reasons: dict[str, str] = field(default_factory=dict)  # planned path → why it is rebuilt
    hashes: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # planned path → data, template, profile
    owner: dict[str, str] = field(default_factory=dict)  # every path this build produces or keeps → source key
    fresh: int = 0
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (display, form, reason), from the manifest
    obsolete: list[OutputRow] = field(default_factory=list)  # outputs to delete before the jobs run
    forgotten: list[str] = field(default_factory=list)  # deleted projects
    refresh: list[OutputRow] = field(default_factory=list)  # same content, new mtime: record the new stat
    labels: dict[str, str] = field(default_factory=dict)  # source key → the name shown in reports
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # told to the user, not failures (e.g. a renamed folder)
    moves: list[tuple[OutputRow, str]] = field(default_factory=list)  # intact outputs under an old name → new name


def project_stem(folder: str, stem: str) -> str:
    """Where a project's outputs go: ``OUT/主管部门/项目名称/表名.ext`` (one folder per project)."""
    return f"{folder}/{stem}/"


def department_folders(departments: set[str]) -> dict[str, str]:
    """A distinct folder (and 表4 file name) per 主管部门: never one another's, nor a name the build writes."""
    return distinct_names(departments, RESERVED)


def renamed_departments(folders: dict[str, str]) -> list[str]:
    """A note for each 主管部门 whose folder could not be its plain name."""
    notes = []
    for dept, folder in folders.items():
        plain = safe_name(dept or "未填主管部门")
        if folder != plain:
            others = [f"“{d}”" for d, f in folders.items() if d != dept and f.casefold() == plain.casefold()]
            clash = f"与主管部门{'、'.join(others)}" if others else "与 docgen 自己写的文件"
            notes.append(f"主管部门“{dept}”的文件夹名“{plain}”{clash}相同，改用“{folder}”")
    return notes


def assign_stems(entries: list[tuple[str, str, str]],
                 folders: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """(folder, file stem) per source key from (key, 项目名称, 主管部门).

    Each 主管部门 has its own folder (:func:`department_folders`). Two project files that would write the
    same file (same 主管部门 and 项目名称) are told apart deterministically: the first by key keeps the
    plain name, the others get their file name added.
    """
    folders = folders or department_folders({department for _, _, department in entries})
    taken: set[tuple[str, str]] = set()
    out = {}
    for key, name, department in sorted(entries):
        folder, stem = folders[department], safe_name(name)
        if (folder.casefold(), stem.casefold()) in taken:
            stem = f"{stem}（{safe_name(PurePosixPath(key).with_suffix('').as_posix().replace('/', '_'), 40)}）"
        taken.add((folder.casefold(), stem.casefold()))
        out[key] = (folder, stem)
    return out


def output_state(out: Path, row: OutputRow) -> tuple[str | None, bool]:
    """(reason, stat changed): size and mtime first, as doit does; the hash only when they differ."""
    try:
        stat = (out / row.path).stat()
    except OSError:
        return MISSING, False
    if stat.st_size == row.out_size and stat.st_mtime_ns == row.out_mtime:
        return None, False
    if stat.st_size != row.out_size or sha256_file(out / row.path) != row.out_hash:
        return EDITED, False
    row.out_mtime = stat.st_mtime_ns
    return None, True


def _reason(inp: Inputs, plan: Plan, row: OutputRow | None, path: str, hashes: tuple[str, str, str]) -> str | None:
    """Why the output at ``path`` must be rebuilt (None: it is up to date). ``hashes``: data, template, profile."""
    if row is None:
        return NEW
    data, template, profile = hashes
    for differs, reason in ((inp.force, FORCED), (row.version != inp.version, VERSION),
                            (row.profile_hash != profile, PROFILE), (row.data_hash != data, DATA),
                            (row.template_hash != template, TEMPLATE), (row.path != path, RENAMED)):
        if differs:
            return reason
    state, touched = output_state(inp.out, row)
    if touched:
        plan.refresh.append(row)
    return state


def _formats(inp: Inputs, plan: Plan, by_key: dict[tuple[str, str, str], list[OutputRow]], key: str, form: Form,
             stem: str, hashes: tuple[str, str]) -> list[str]:
    """The formats of ``form`` to render for ``key``; records fresh ones and duplicates to delete."""
    todo = []
    for fmt in form_formats(form, inp.formats):  # a report has no XLSX
        path = f"{stem}{form.short_title}.{fmt}"
        plan.owner[path] = key
        found = by_key.get((key, form.id, fmt), [])
        row = next((r for r in found if r.path == path), found[0] if found else None)
        plan.obsolete += [r for r in found if r is not row]
        inputs = (hashes[0], inp.templates[(form.id, fmt)], hashes[1])
        reason = _reason(inp, plan, row, path, inputs)
        if reason == RENAMED and row is not None and _movable(inp.out, row, path):
            plan.moves.append((row, path))  # same inputs, new name: the file is moved, not rebuilt
            plan.fresh += 1
        elif reason is None:
            plan.fresh += 1
        else:
            plan.reasons[path] = reason
            plan.hashes[path] = inputs
            todo.append(fmt)
    return todo


def _movable(out: Path, row: OutputRow, path: str) -> bool:
    """An intact output whose name changed (a new layout, a renamed project) can be moved to ``path``."""
    return output_state(out, row)[0] is None and not (out / path).exists()


def _render(inp: Inputs, form: Form, fmts: list[str], stem: str, title: str, hashes: tuple[str, str]) -> Render:
    props = {fmt: provenance(hashes[0], inp.templates[(form.id, fmt)], hashes[1]) for fmt in fmts}
    return Render(form.id, fmts, stem, f"{title}-{form.short_title}", props)


def make_plan(inp: Inputs) -> Plan:
    plan = Plan()
    by_key: dict[tuple[str, str, str], list[OutputRow]] = defaultdict(list)
    by_source: dict[str, list[OutputRow]] = defaultdict(list)
    for row in inp.rows:
        by_key[(row.source, row.form, row.fmt)].append(row)
        by_source[row.source].append(row)
    folders = department_folders({dept for _, dept in inp.names.values()})
    plan.notes += renamed_departments(folders)
    stems = assign_stems([(k, name, dept) for k, (name, dept) in inp.names.items()], folders)
    for src in inp.sources:
        plan.labels[src.key] = inp.names.get(src.key, (src.display, ""))[0]
        if src.key in inp.failed or src.profile is None:  # its previous outputs are kept as they are
            plan.owner.update((r.path, src.key) for r in by_source[src.key])
            continue
        folder, stem = stems[src.key]
        hashes = (src.data_hash, src.profile_hash)
        renders = []
        for form in inp.project_forms:
            skip = inp.skips.get((src.key, form.id))
            if skip is not None and not inp.force and (skip.data_hash, skip.profile_hash, skip.version) == (
                    src.data_hash, src.profile_hash, inp.version):
                plan.skipped.append((src.display, form.id, skip.reason))
                plan.obsolete += [r for fmt in inp.formats for r in by_key.get((src.key, form.id, fmt), [])]
                continue
            fmts = _formats(inp, plan, by_key, src.key, form, project_stem(folder, stem), hashes)
            if fmts:
                renders.append(_render(inp, form, fmts, project_stem(folder, stem), inp.names[src.key][0], hashes))
        if renders:
            plan.jobs.append(ProjectJob(src.key, src.path, src.display, src.data_hash, src.profile, renders))
    present = {s.key for s in inp.sources}
    plan.forgotten = sorted(({r.source for r in inp.rows if r.kind == "project"} | inp.known) - present)
    plan.obsolete += [r for r in inp.rows if r.kind == "project" and r.source not in present]
    _plan_aggregates(inp, plan, by_key, folders)
    return plan


def _membership(sources: list[Source]) -> tuple[str, str]:
    data = json.dumps(sorted([s.key, s.data_hash] for s in sources), ensure_ascii=False)
    profiles = json.dumps(sorted({s.profile_hash for s in sources}))
    return sha256_bytes(data.encode("utf-8")), sha256_bytes(profiles.encode("utf-8"))


def aggregate_key(scope: str) -> str:
    """The manifest's name of an aggregate: the county-wide set, or one 主管部门's (even one named 全部项目)."""
    return f"{AGGREGATES}:{WHOLE}" if not scope else f"{AGGREGATES}:主管部门:{scope}"


def _plan_aggregates(inp: Inputs, plan: Plan, by_key: dict[tuple[str, str, str], list[OutputRow]],
                     folders: dict[str, str]) -> None:
    usable = {s.key for s in inp.sources if s.key not in inp.failed and s.profile is not None}
    forms = {f.id for f in inp.aggregate_forms}
    if inp.sources and not usable:  # nothing can be read this time: keep the previous aggregates
        plan.owner.update((r.path, r.source) for r in inp.rows if r.kind == "aggregate")
        if forms:
            plan.failures.append(f"{AGGREGATES}: 没有可用的项目数据，汇总表保持上次的内容")
        return
    renders: list[AggregateRender] = []
    departments = sorted({inp.names[s.key][1] for s in inp.sources if s.key in inp.names})
    for form in inp.aggregate_forms if usable else []:
        scopes = [""] + (departments if form.id == "summary" and len(departments) > 1 else [])
        for scope in scopes:
            members = [s for s in inp.sources if not scope or inp.names.get(s.key, ("", ""))[1] == scope]
            key = aggregate_key(scope)
            plan.labels[key] = scope or WHOLE
            name = folders[scope] if scope else WHOLE
            stem = f"{AGGREGATES}/{name}-"
            hashes = _membership(members)
            fmts = _formats(inp, plan, by_key, key, form, stem, hashes)
            if fmts:
                keys = [s.key for s in members if s.key in usable]
                renders.append(AggregateRender(key, form.id, scope, keys,
                                               _render(inp, form, fmts, stem, name, hashes)))
    plan.obsolete += [r for r in inp.rows if r.kind == "aggregate" and r.form in forms and r.fmt in inp.formats
                      and r.path not in plan.owner]
    if renders:
        needed = {k for item in renders for k in item.members}
        members_spec = [(s.key, s.path, s.display, s.profile) for s in inp.sources if s.key in needed]
        plan.aggregate = AggregateJob(members_spec, renders)  # type: ignore[arg-type]
