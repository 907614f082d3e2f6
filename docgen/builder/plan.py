"""Decide, from hashes and the manifest alone (no project is loaded), what to render and why.

An output is stale when any input hash differs from the one it was built from (data, template,
profile, docgen version), when its file is missing or no longer has the hash it was written with,
when its planned path changed, or with ``--force``. A form a project could not fill is remembered
as skipped for the data it was skipped for. An aggregate's data hash is the hash of its members'
(source, data hash) pairs, so adding, removing or editing a member makes it stale. An aggregate is rendered
after its members, from their summary rows: a member whose row is neither cached (for its data, profile and
version) nor made by its own job this time gets a row-only job.

The plan is made a window of projects at a time (:meth:`Planner.window`), reading only those projects' manifest
rows, so the build's memory does not grow with the number of projects: what is held for the whole build is a
name and an output folder per project.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..forms import Form
from ..output import WHOLE, distinct_names, form_formats, safe_name
from .inputs import Source, sha256_bytes, sha256_file
from .jobs import AggregateRender, ProjectJob, Render, provenance
from .manifest import FOLDER, OutputRow, SkipRow

FORCED, VERSION, PROFILE, DATA, TEMPLATE = "强制", "版本变化", "配置变化", "数据变化", "模板变化"
RENAMED, MISSING, EDITED, NEW = "文件名变化", "输出缺失", "输出被改动", "新增"
REASONS = (FORCED, VERSION, PROFILE, DATA, TEMPLATE, RENAMED, MISSING, EDITED, NEW)
AGGREGATES = "汇总"  # the folder of the aggregate forms, and the prefix of their keys
CHANGES = "changes.md"  # the changes report, at the top of OUT
RESERVED = (AGGREGATES, CHANGES, FOLDER, WHOLE)  # names the build writes itself: never a 主管部门's folder
WINDOW = 128  # projects planned (and their manifest rows read) at a time


@dataclass
class Inputs:
    """Everything a plan is made from. The manifest's rows are read a window of sources at a time."""

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
    rows_of: Callable[[list[str]], list[OutputRow]]  # the output rows of these sources
    skips_of: Callable[[list[str]], dict[tuple[str, str], SkipRow]]  # their remembered skips
    known: set[str]  # source keys the manifest knows of (names, skips, values)
    recorded: set[str]  # source keys of the projects the manifest has output rows for
    guessed: set[str] = field(default_factory=set)  # keys whose names are a guess (their jobs check them)


@dataclass
class Window:
    """The plan for some sources: what to render, what is fresh, what to delete, move or re-stat first."""

    jobs: list[ProjectJob] = field(default_factory=list)
    size: int = 0  # the sources planned
    fresh: int = 0
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (display, form, reason), from the manifest
    obsolete: list[OutputRow] = field(default_factory=list)  # outputs to delete before the jobs run
    refresh: list[OutputRow] = field(default_factory=list)  # same content, new mtime: record the new stat
    moves: list[tuple[OutputRow, str]] = field(default_factory=list)  # intact outputs under an old name → new name
    aggregates: list[AggregateRender] = field(default_factory=list)  # rendered after every project job
    failures: list[str] = field(default_factory=list)


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
        stat = os.stat(os.path.join(out, row.path))  # not pathlib: a no-op build stats every output
    except OSError:
        return MISSING, False
    if stat.st_size == row.out_size and stat.st_mtime_ns == row.out_mtime:
        return None, False
    if stat.st_size != row.out_size or sha256_file(out / row.path) != row.out_hash:
        return EDITED, False
    row.out_mtime = stat.st_mtime_ns
    return None, True


def _movable(out: Path, row: OutputRow, path: str) -> bool:
    """An intact output whose name changed (a new layout, a renamed project) can be moved to ``path``."""
    return output_state(out, row)[0] is None and not (out / path).exists()


def _membership(sources: list[Source]) -> tuple[str, str]:
    data = json.dumps(sorted([s.key, s.data_hash] for s in sources), ensure_ascii=False)
    profiles = json.dumps(sorted({s.profile_hash for s in sources}))
    return sha256_bytes(data.encode("utf-8")), sha256_bytes(profiles.encode("utf-8"))


def aggregate_key(scope: str) -> str:
    """The manifest's name of an aggregate: the county-wide set, or one 主管部门's (even one named 全部项目)."""
    return f"{AGGREGATES}:{WHOLE}" if not scope else f"{AGGREGATES}:主管部门:{scope}"


class Planner:
    """The plan of one build, made a window of sources at a time; holds only each project's output folder."""

    def __init__(self, inp: Inputs) -> None:
        self.inp = inp
        self.folders = department_folders({dept for _, dept in inp.names.values()})
        self.notes = renamed_departments(self.folders)
        self.stems = assign_stems([(k, name, dept) for k, (name, dept) in inp.names.items()], self.folders)
        self.labels = {s.key: inp.names.get(s.key, (s.display, ""))[0] for s in inp.sources}
        self._by_stem: dict[str, str] = {}  # a project's output folder ("主管部门/项目名称/") → its source key
        present = {s.key for s in inp.sources}
        for s in inp.sources:
            if s.key in self.stems and s.key not in inp.failed and s.profile is not None:
                self._by_stem[project_stem(*self.stems[s.key])] = s.key
        self._files = {f"{form.short_title}.{fmt}" for form in inp.project_forms for fmt in inp.formats}
        self._kept: dict[str, str] = {}  # outputs kept as they are (a failed project's), aggregates' paths → owner
        cannot = [s.key for s in inp.sources if s.key in inp.failed or s.profile is None]
        self._kept.update((r.path, r.source) for r in inp.rows_of(cannot))
        self.planned: set[str] = set()  # sources that got a job
        self.forgotten = sorted((inp.recorded | inp.known) - present)  # deleted projects

    def owner(self, path: str) -> str | None:
        """The source that this build makes (or keeps) the output at ``path`` for, if any."""
        kept = self._kept.get(path)
        if kept is not None:
            return kept
        folder, _, name = path.rpartition("/")
        return self._by_stem.get(f"{folder}/") if name in self._files else None

    def windows(self) -> Iterable[Window]:
        """The projects' plan, :data:`WINDOW` sources at a time; the deleted projects' outputs first."""
        for start in range(0, len(self.forgotten), WINDOW):
            yield Window(obsolete=[r for r in self.inp.rows_of(self.forgotten[start:start + WINDOW])
                                   if r.kind == "project"])
        for start in range(0, len(self.inp.sources), WINDOW):
            yield self.window(self.inp.sources[start:start + WINDOW])

    def window(self, sources: list[Source]) -> Window:
        inp, plan = self.inp, Window(size=len(sources))
        keys = [s.key for s in sources]
        by_key: dict[tuple[str, str, str], list[OutputRow]] = defaultdict(list)
        for row in inp.rows_of(keys):
            by_key[(row.source, row.form, row.fmt)].append(row)
        skips = inp.skips_of(keys)
        for src in sources:
            if src.key in inp.failed or src.profile is None:  # its previous outputs are kept (see _kept)
                continue
            folder, stem = self.stems[src.key]
            hashes = (src.data_hash, src.profile_hash)
            renders = []
            for form in inp.project_forms:
                skip = skips.get((src.key, form.id))
                if skip is not None and not inp.force and (skip.data_hash, skip.profile_hash, skip.version) == (
                        src.data_hash, src.profile_hash, inp.version):
                    plan.skipped.append((src.display, form.id, skip.reason))
                    plan.obsolete += [r for fmt in inp.formats for r in by_key.get((src.key, form.id, fmt), [])]
                    continue
                render = self._formats(plan, by_key, src.key, form, project_stem(folder, stem), hashes,
                                       inp.names[src.key][0])
                if render is not None:
                    renders.append(render)
            if renders:
                self.planned.add(src.key)
                plan.jobs.append(ProjectJob(src.key, src.path, src.display, src.data_hash, src.profile, renders,
                                            inp.names[src.key] if src.key in inp.guessed else None))
        return plan

    def _formats(self, plan: Window, by_key: dict[tuple[str, str, str], list[OutputRow]], key: str, form: Form,
                 stem: str, hashes: tuple[str, str], title: str) -> Render | None:
        """What of ``form`` to render for ``key`` (None: nothing); counts fresh outputs, notes duplicates."""
        inp = self.inp
        render = Render(form.id, [], stem, f"{title}-{form.short_title}", {}, {})
        for fmt in form_formats(form, inp.formats):  # a report has no XLSX
            path = f"{stem}{form.short_title}.{fmt}"
            found = by_key.get((key, form.id, fmt), [])
            row = next((r for r in found if r.path == path), found[0] if found else None)
            plan.obsolete += [r for r in found if r is not row]
            inputs = (hashes[0], inp.templates[(form.id, fmt)], hashes[1])
            reason = self._reason(plan, row, path, inputs)
            if reason == RENAMED and row is not None and _movable(inp.out, row, path):
                plan.moves.append((row, path))  # same inputs, new name: the file is moved, not rebuilt
                plan.fresh += 1
            elif reason is None:
                plan.fresh += 1
            else:
                render.formats.append(fmt)
                render.properties[fmt] = provenance(*inputs)
                render.reasons[fmt] = reason
        return render if render.formats else None

    def _reason(self, plan: Window, row: OutputRow | None, path: str, hashes: tuple[str, str, str]) -> str | None:
        """Why the output at ``path`` must be rebuilt (None: it is up to date). ``hashes``: data, template, profile."""
        inp = self.inp
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

    def aggregates(self, rows: list[OutputRow]) -> Window:
        """The stale aggregates (``rows``: the manifest's aggregate outputs)."""
        inp, plan = self.inp, Window()
        usable = [s for s in inp.sources if s.key not in inp.failed and s.profile is not None]
        forms = {f.id for f in inp.aggregate_forms}
        if inp.sources and not usable:  # nothing can be read this time: keep the previous aggregates
            self._kept.update((r.path, r.source) for r in rows)
            if forms:
                plan.failures.append(f"{AGGREGATES}: 没有可用的项目数据，汇总表保持上次的内容")
            return plan
        by_key: dict[tuple[str, str, str], list[OutputRow]] = defaultdict(list)
        for row in rows:
            by_key[(row.source, row.form, row.fmt)].append(row)
        usable_keys = {s.key for s in usable}
        departments = sorted({inp.names[s.key][1] for s in inp.sources if s.key in inp.names})
        owned = set()
        for form in inp.aggregate_forms if usable else []:
            scopes = [""] + (departments if form.id == "summary" and len(departments) > 1 else [])
            for scope in scopes:
                members = [s for s in inp.sources if not scope or inp.names.get(s.key, ("", ""))[1] == scope]
                key = aggregate_key(scope)
                self.labels[key] = scope or WHOLE
                name = self.folders[scope] if scope else WHOLE
                stem = f"{AGGREGATES}/{name}-"
                for fmt in form_formats(form, inp.formats):
                    self._kept[f"{stem}{form.short_title}.{fmt}"] = key
                    owned.add(f"{stem}{form.short_title}.{fmt}")
                render = self._formats(plan, by_key, key, form, stem, _membership(members), name)
                if render is not None:
                    keys = [s.key for s in members if s.key in usable_keys]
                    plan.aggregates.append(AggregateRender(key, form.id, scope, keys, render))
        plan.obsolete += [r for r in rows if r.form in forms and r.fmt in inp.formats and r.path not in owned]
        return plan

    def row_jobs(self, valid: Callable[[list[str]], set[str]], aggregates: list[AggregateRender]) -> list[ProjectJob]:
        """Row-only jobs for the members of ``aggregates`` that have no job and no valid cached summary row
        (``valid``: which of these keys have one)."""
        needed = {k for item in aggregates for k in item.members}
        wanted = [s for s in self.inp.sources if s.key in needed and s.key not in self.planned
                  and s.profile is not None]
        good = set() if self.inp.force else valid([s.key for s in wanted])
        jobs = [ProjectJob(s.key, s.path, s.display, s.data_hash, s.profile, [],
                           self.inp.names.get(s.key) if s.key in self.inp.guessed else None)
                for s in wanted if s.key not in good]
        self.planned.update(job.key for job in jobs)
        return jobs
