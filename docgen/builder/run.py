"""Run a build: check templates, scan, plan, delete what is obsolete, render the projects (in a process pool or
on a Dask cluster: :mod:`.executors`), then the aggregates from the projects' summary rows, record.

The main process alone writes the manifest, and only for files a worker has already put in place
(atomically) and that have been flushed to disk (:mod:`.durable`, once per batch of finished jobs, about a
second); so a build killed at any moment, or a power cut, leaves no partial file recorded, and the next build
sees what is missing or unrecorded and completes it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from .. import output
from ..compile import cache as compile_cache
from ..errors import DocgenError
from ..forms import FORMS, Form
from ..output import FORMATS, link_on_path
from ..render.pdf import require_pdf
from ..templatecheck import SAMPLES, display_path
from .check import check_before_build
from .durable import PER_FILE, sync_tree
from .executors import Engine, dask_engine, local_engine, on_worker, worker_fingerprint
from .faults import BuildFault, BuildLock, explain, os_problem
from .inputs import Source, lost_projects, scan, sha256_bytes, template_hashes, version_key
from .jobs import AggregateRender, AggregateTask, Done, Named, read_names, run_aggregate, run_project
from .manifest import FOLDER, Manifest, OutputRow, SkipRow, SourceRow
from .plan import AGGREGATES, CHANGES, NEW, Inputs, Plan, make_plan
from .report import write_changes
from .result import BuildResult
from .values import diff

TEMP_PREFIX = ".tmp-"  # write_atomic's temporary files
SMALL = 8  # this many jobs or fewer run in this process: starting workers (each compiling templates) costs more


@dataclass
class BuildOptions:
    source: Path
    out: Path
    jobs: int | None = None  # default: os.cpu_count()
    force: bool = False
    forms: list[Form] | None = None  # default: every renderable form (tabular forms and reports)
    formats: tuple[str, ...] = FORMATS
    samples: Path = SAMPLES
    scheduler: str | None = None  # a Dask scheduler's address (tcp://HOST:8786)
    cluster: str | None = None  # "local:N": a Dask LocalCluster of N worker processes on this machine
    profile_name: str | None = None  # --profile: instead of each folder's docgen.yaml
    as_of: date | None = None  # --as-of: the latest 监控 on or before this day


def clean_temporaries(out: Path) -> int:
    """Remove what an interrupted build left: write_atomic's temporary files."""
    count = 0
    if out.is_dir():
        for path in out.rglob(f"{TEMP_PREFIX}*"):
            if path.is_file():
                path.unlink(missing_ok=True)
                count += 1
    return count


def _selected(options: BuildOptions) -> list[Form]:
    forms = options.forms or [f for f in FORMS if f.renderable]
    return [f for f in FORMS if f in forms]  # the registry's order


class _Runner:
    """Holds the manifest and the result while jobs finish."""

    def __init__(self, options: BuildOptions, manifest: Manifest, inp: Inputs, plan: Plan, result: BuildResult):
        self.options, self.manifest, self.inp, self.plan, self.result = options, manifest, inp, plan, result
        self.sources = {s.key: s for s in inp.sources}

    def delete(self, row: OutputRow) -> None:
        """Delete an output file (unless another output of this build now owns its path) and its row."""
        owner = self.plan.owner.get(row.path)
        link = link_on_path(self.options.out, row.path)
        if link is not None:  # never delete through a link: the file it reaches is not docgen's
            self.result.fail(row.source, [f"{link}: 是符号链接，docgen 不通过链接删除文件：请删除该链接后重新运行"])
        elif owner is None or owner == row.source:
            path = self.options.out / row.path
            if path.exists():
                path.unlink()
                self.result.deleted.append(row.path)
                _remove_empty_folders(path.parent, self.options.out)
        self.manifest.delete_output(row.path)

    def record(self, done: Done, forms: list[str], kind: str) -> None:
        """A finished job: outputs, skips, values, summary row, obsolete files (the batch commits)."""
        res, plan = self.result, self.plan
        if done.failures:
            res.fail(done.key, done.failures)
        res.warnings += done.warnings
        written = {(w.key, w.form, w.fmt): w.path for w in done.written}
        for w in done.written:
            data, template, profile = plan.hashes[w.path]
            reason = plan.reasons.get(w.path, NEW)
            self.manifest.put_output(OutputRow(w.path, w.key, kind, w.form, w.fmt, data, template, profile,
                                               self.inp.version, w.out_hash, w.size, w.mtime, reason))
            res.built[w.path] = reason
        for (key, form), packed in sorted(done.values.items()):
            old = self.manifest.values(key, form)
            if old is None:
                res.first += 1
            else:
                changed = diff(old, json.loads(zlib.decompress(packed)))
                if changed:
                    res.changes[(key, form)] = changed
            self.manifest.put_values(key, form, packed)
        if kind == "project" and done.loaded:
            src = self.sources[done.key]
            for form, reason in done.skipped.items():
                self.manifest.put_skip(done.key, form, SkipRow(reason, src.data_hash, src.profile_hash,
                                                                self.inp.version))
                self.manifest.delete_values(done.key, form)
                res.skipped.append((src.display, form, reason))
            for form in set(forms) - set(done.skipped):
                self.manifest.delete_skip(done.key, form)
            for row in self.manifest.source_outputs(done.key):
                new = written.get((row.source, row.form, row.fmt))
                if row.form in done.skipped or (new is not None and new != row.path):
                    self.delete(row)
            if done.summary is not None:
                self.manifest.put_summary(done.key, src.data_hash, src.profile_hash, self.inp.version, done.summary)

    def summary_rows(self, item: AggregateRender, valid: set[str]) -> list[bytes]:
        """The packed summary rows of an aggregate's members that are up to date, in member order."""
        rows = self.manifest.summary_rows([k for k in item.members if k in valid])
        return [rows[k] for k in item.members if k in rows]

    def valid_summaries(self) -> set[str]:
        """The sources whose cached summary row was made from their present data, profile and version."""
        want = {k: (s.data_hash, s.profile_hash, self.inp.version) for k, s in self.sources.items()}
        return {k for k, hashes in self.manifest.summary_keys().items() if want.get(k) == hashes}


class _Batch:
    """Finished jobs wait here for at most a second; then their files are flushed to disk once (not one sync
    per file) and only then recorded in the manifest, in one commit."""

    SECONDS = 1.0

    def __init__(self, runner: _Runner, flush_files: bool):
        self.runner, self.flush_files = runner, flush_files
        self.pending: list[tuple[Done, list[str], str]] = []
        self.since = time.monotonic()

    def add(self, done: Done, forms: list[str], kind: str) -> None:
        self.pending.append((done, forms, kind))
        if time.monotonic() - self.since >= self.SECONDS:
            self.flush()

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        self.since = time.monotonic()
        if not pending:
            return
        if self.flush_files and any(done.written for done, _, _ in pending):
            sync_tree(self.runner.options.out)
        for done, forms, kind in pending:
            self.runner.record(done, forms, kind)
        self.runner.manifest.commit()


def _engine(options: BuildOptions, forms: list[Form]) -> Engine:
    """The local process pool, or the Dask cluster (checked: same docgen, same templates on every worker)."""
    if options.scheduler or options.cluster:
        keys = [(form_id, fmt) for form_id, fmt in template_hashes(forms, options.formats)]
        return dask_engine(options.scheduler, options.cluster, worker_fingerprint(keys))
    return local_engine(options.jobs, options.formats)


def _read_names(engine: Engine, sources: list[Source]) -> Iterator[Named]:
    args = [(s.key, s.path, s.display) for s in sources]
    if engine.executor is None:
        yield from read_names(args)
        return
    size = max(1, min(64, len(args) // (engine.workers * 4)))
    for named in engine.executor.map(read_names, [args[i:i + size] for i in range(0, len(args), size)]):
        yield from named


class BuildRefused(DocgenError):
    """The build would do harm (an empty source folder, another folder's outputs): nothing is touched."""


def _check_same_source(options: BuildOptions) -> None:
    """Outputs belong to the folder they were built from: building another folder would delete them."""
    if options.force or not Manifest.exists(options.out):
        return
    manifest = Manifest(options.out)
    try:
        before = manifest.meta("source")
    finally:
        manifest.close()
    now = str(options.source.resolve())
    if before is not None and before != now:
        raise BuildRefused(
            f"{options.out}: 这个输出目录上次由 {before} 生成；为 {options.source} 生成会删除那些文件。"
            "请换一个输出目录，或加 --force 确认"
        )


def build(options: BuildOptions, progress: Callable[[int], Callable[[], None]] | None = None) -> BuildResult:
    """Run one build. ``progress(total)`` returns a function called once per finished job.

    A fault of the machine (disk full, a read-only folder, another build holding the output folder, too
    little memory) stops it with a :class:`BuildFault` naming the file and what to do; what was written stays.
    """
    output.clear_compiled()  # a template may have changed since this process last compiled it
    if "pdf" in options.formats:
        require_pdf()  # no WeasyPrint or no Chinese font: say what to install before anything is touched
    out = options.out
    try:
        forms = _selected(options)
        check_before_build(forms, options.formats, out, version_key(), options.samples, options.force)
        # an empty or unmounted folder must not wipe the outputs
        sources = scan(options.source, options.profile_name, options.as_of)
        if not sources:
            raise BuildRefused(
                f"{options.source}: 没有找到项目数据文件（.yaml / .yml / 填报工作簿 .xlsx），未生成也未删除任何文件")
        _check_same_source(options)
        _refuse_links(out)
        out.mkdir(parents=True, exist_ok=True)
        with BuildLock(out):
            result = _build(options, forms, sources, progress)
            _write_changes(result, out)
        return result
    except (OSError, sqlite3.Error, MemoryError) as exc:
        raise BuildFault(explain(exc, out)) from None


def _refuse_links(out: Path) -> None:
    """The manifest's folder must be OUT's own: a link could make docgen write anywhere."""
    if (out / FOLDER).is_symlink():
        raise BuildRefused(f"{out / FOLDER}: 是符号链接，docgen 不通过链接写入构建记录：请删除该链接后重新运行")


def _write_changes(result: BuildResult, out: Path) -> None:
    link = link_on_path(out, CHANGES)
    if link is not None:
        result.fail(CHANGES, [f"{link}: 是符号链接，docgen 不通过链接写入变化报告：请删除该链接后重新运行"])
        return
    try:
        write_changes(result, out)
    except OSError as exc:  # the outputs are in place and recorded: say why the report is not
        result.fail(CHANGES, [f"{out / CHANGES}: 变化报告未写入：{os_problem(exc)}"])


def _build(options: BuildOptions, forms: list[Form], sources: list[Source],
           progress: Callable[[int], Callable[[], None]] | None) -> BuildResult:
    out = options.out
    version = version_key()
    result = BuildResult(cleaned=clean_temporaries(out))
    manifest = Manifest(out)
    engines: list[Engine] = []
    interrupted = True

    def engine() -> Engine:  # started when first needed (a no-op build starts none)
        if not engines:
            engines.append(_engine(options, forms))
        return engines[0]

    compile_cache.set_folder(out / FOLDER / "templates")  # XLSX/HTML compiled from the DOCX, by its hash
    try:
        result.sources = len(sources)
        manifest.set_meta("source", str(options.source.resolve()))
        known = manifest.sources()
        were = set(known) | {r.source for r in manifest.outputs() if r.kind == "project"}
        sources += lost_projects(options.source, were, sources)  # damaged, not deleted: outputs kept
        names, failed = _names(engine, manifest, sources, known, version, result)
        inp = Inputs(out, sources, names, failed,
                     [f for f in forms if not f.aggregate], [f for f in forms if f.aggregate], options.formats,
                     template_hashes(forms, options.formats), version, options.force, manifest.outputs(),
                     manifest.skips(), set(known), manifest.summary_keys())
        plan = make_plan(inp)
        result.fresh, result.labels = plan.fresh, plan.labels
        result.skipped += plan.skipped
        result.notes += plan.notes
        if plan.failures:
            result.fail(AGGREGATES, plan.failures)
        runner = _Runner(options, manifest, inp, plan, result)
        _forget(runner, plan)
        if plan.jobs or plan.aggregates:
            small = len(plan.jobs) + len(plan.aggregates) <= SMALL and not (options.scheduler or options.cluster)
            _run_jobs(runner, Engine(None, 1) if small else engine(), progress)
        result.failures.sort()
        interrupted = False
    finally:
        for started in engines:
            started.close(interrupted)
        manifest.close()
        compile_cache.set_folder(None)
    return result


def _names(engine: Callable[[], Engine], manifest: Manifest, sources: list[Source], known: dict[str, SourceRow],
           version: str, result: BuildResult) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Each project's (项目名称, 主管部门): from the manifest while its data is unchanged, else read (in the pool).

    Returns the names and the keys that cannot be built (unreadable profile or data).
    """
    failed = set()
    for s in sources:
        if s.profile is None:
            failed.add(s.key)
            result.fail(s.key, s.errors or [f"{s.display}: 配置文件有错误"])
    by_key = {s.key: s for s in sources}
    names = {k: (r.name, r.department) for k, r in known.items() if k in by_key}
    stale = [s for s in sources if s.profile is not None and (
        s.key not in known or known[s.key].data_hash != s.data_hash or known[s.key].version != version)]
    for named in _read_names(engine() if len(stale) > SMALL else Engine(None, 1), stale):
        if named.errors:
            failed.add(named.key)
            result.fail(named.key, named.errors)
            continue
        names[named.key] = (named.name, named.department)
        manifest.put_source(named.key, SourceRow(by_key[named.key].data_hash, version, named.name, named.department))
    manifest.commit()
    return names, failed


def _forget(runner: _Runner, plan: Plan) -> None:
    for row in plan.obsolete:
        runner.delete(row)
    for row, path in plan.moves:
        _move(runner, row, path)
    for row in plan.refresh:
        runner.manifest.put_output(row)
    for key in plan.forgotten:
        runner.manifest.forget_source(key)
    runner.manifest.commit()


def _move(runner: _Runner, row: OutputRow, path: str) -> None:
    """Rename an intact output to its new name (a new layout, a renamed project): nothing is rebuilt for it."""
    out = runner.options.out
    target = out / path
    link = link_on_path(out, row.path) or link_on_path(out, path)
    if link is not None:  # never move through a link: it could point anywhere
        runner.result.fail(row.source, [f"{link}: 是符号链接，docgen 不通过链接移动文件：请删除该链接后重新运行"])
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(out / row.path, target)
    except OSError as exc:
        runner.result.fail(row.source, [f"{display_path(out / row.path)}: 无法移动到 {path}：{os_problem(exc)}"])
        return
    runner.manifest.delete_output(row.path)
    runner.manifest.put_output(replace(row, path=path))
    runner.result.moved += 1
    _remove_empty_folders((out / row.path).parent, out)


def _remove_empty_folders(folder: Path, out: Path) -> None:
    """The project (and 主管部门) folders a deletion or a move left empty, up to OUT."""
    try:
        while folder != out and out in folder.parents and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    except OSError:
        pass  # a folder someone still uses is left as it is


def _run_jobs(runner: _Runner, engine: Engine, progress: Callable[[int], Callable[[], None]] | None) -> None:
    """The projects' jobs (each also makes the project's summary row), then each aggregate from those rows."""
    plan = runner.plan
    tick = progress(len(plan.jobs) + len(plan.aggregates)) if progress else (lambda: None)
    batch = _Batch(runner, flush_files=not PER_FILE and not engine.remote)
    try:
        projects = ((run_project, job, [r.form for r in job.renders], "project", job.display) for job in plan.jobs)
        _drive(runner, engine, projects, batch, tick)
        batch.flush()  # the aggregates read the rows just recorded
        _drive(runner, engine, _aggregate_tasks(runner, tick), batch, tick)
    finally:
        batch.flush()


Task = tuple[Callable[[Any, Path], Done], Any, list[str], str, str]  # function, job, forms, kind, name


def _aggregate_tasks(runner: _Runner, tick: Callable[[], None]) -> Iterator[Task]:
    """One task per stale aggregate, over its members' summary rows. A member read at planning that has no row
    now (changed or deleted during the build) keeps the aggregate's last content: never a silent omission."""
    plan = runner.plan
    valid = runner.valid_summaries() if plan.aggregates else set()
    for item in plan.aggregates:
        rows = runner.summary_rows(item, valid)
        if len(rows) < len(item.members):
            lost = [runner.sources[k].display if k in runner.sources else k
                    for k in item.members if k not in valid]
            name = item.scope or "全部项目"
            runner.result.fail(AGGREGATES, [f"{name}: {'、'.join(lost)} 在生成过程中无法读取，“{item.form}”汇总表"
                                            "保持上次的内容；请重新运行 docgen build"])
            tick()
            continue
        yield run_aggregate, AggregateTask(item, rows), [item.form], "aggregate", AGGREGATES


def _drive(runner: _Runner, engine: Engine, tasks: Iterable[Task], batch: _Batch, tick: Callable[[], None]) -> None:
    """Run ``tasks``, a bounded number at a time (the coordinator never holds every job's result), and hand each
    result to ``batch`` as it completes."""
    out = runner.options.out
    if engine.executor is None:
        for fn, job, forms, kind, _ in tasks:
            batch.add(fn(job, out), forms, kind)
            tick()
        return
    executor = engine.executor
    remote = engine.name != "local"
    templates = sha256_bytes(json.dumps(sorted(runner.inp.templates.items())).encode()) if remote else ""
    window = max(16, engine.workers * 4)
    pending: dict[Future[Done], tuple[list[str], str, str]] = {}
    queue = iter(tasks)

    def fill() -> None:
        for fn, job, forms, kind, name in queue:
            if remote:
                future = executor.submit(on_worker, fn, job, out, templates, engine.remote,
                                         str(compile_cache.folder()))
            else:
                future = executor.submit(fn, job, out)
            pending[future] = (forms, kind, name)
            if len(pending) >= window:
                return

    fill()
    while pending:
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            forms, kind, name = pending.pop(future)
            try:
                done = future.result()
            except Exception as exc:  # the worker died (out of memory, killed) too often: report it, go on
                done = Done(name, failures=[f"{name}: 生成进程意外退出（{type(exc).__name__}: {exc}），本项未生成"])
            batch.add(done, forms, kind)
            tick()
        fill()
