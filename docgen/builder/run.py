"""Run a build: check templates, scan, plan, delete what is obsolete, render in a process pool, record.

The main process alone writes the manifest, one commit per finished job, and only for files a
worker has already put in place (atomically); so a build killed at any moment leaves no partial
file, and the next build sees what is missing or unrecorded and completes it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .. import output
from ..compile import cache as compile_cache
from ..errors import DocgenError
from ..forms import FORMS, Form
from ..output import FORMATS, link_on_path
from ..render.pdf import require_pdf
from ..templatecheck import SAMPLES, display_path
from .check import check_before_build
from .faults import BuildFault, BuildLock, explain, os_problem
from .inputs import Source, lost_projects, scan, template_hashes, version_key
from .jobs import AggregateJob, Done, Named, ProjectJob, init_worker, read_name, run_aggregates, run_project
from .manifest import FOLDER, Manifest, OutputRow, SkipRow, SourceRow
from .plan import AGGREGATES, CHANGES, NEW, Inputs, Plan, make_plan
from .report import write_changes
from .result import BuildResult
from .values import diff

TEMP_PREFIX = ".tmp-"  # write_atomic's temporary files


@dataclass
class BuildOptions:
    source: Path
    out: Path
    jobs: int | None = None  # default: os.cpu_count()
    force: bool = False
    forms: list[Form] | None = None  # default: every renderable form (tabular forms and reports)
    formats: tuple[str, ...] = FORMATS
    samples: Path = SAMPLES
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
        """A finished job: outputs, skips, values, obsolete files; one commit."""
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
        self.manifest.commit()


def _pool(options: BuildOptions) -> Executor | None:
    workers = job_count(options.jobs)
    if workers <= 1:
        return None
    setup = (str(output.TEMPLATES), os.getpid(), str(compile_cache.folder()))
    # PDF workers are spawned: a forked child must not share this process's pango/fontconfig state
    context = multiprocessing.get_context("spawn") if "pdf" in options.formats else None
    return ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=setup, mp_context=context)


def _read_names(pool: Executor | None, sources: list[Source]) -> Iterator[Named]:
    args = [(s.key, s.path, s.display) for s in sources]
    if pool is None or len(args) < 8:
        yield from (read_name(*a) for a in args)
        return
    chunk = max(1, len(args) // 32)
    yield from pool.map(read_name, *zip(*args, strict=True), chunksize=chunk)


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


MAX_JOBS = 61  # more worker processes only cost memory (and Windows allows no more than 61)


def job_count(requested: int | None) -> int:
    """Worker processes: as asked, within 1 … min(4 × CPU cores, 61); default one per core."""
    cpus = os.cpu_count() or 1
    return max(1, min(requested or cpus, 4 * cpus, MAX_JOBS))


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
        if not scan(options.source, options.profile_name, options.as_of):
            raise BuildRefused(
                f"{options.source}: 没有找到项目数据文件（.yaml / .yml / 填报工作簿 .xlsx），未生成也未删除任何文件")
        _check_same_source(options)
        _refuse_links(out)
        out.mkdir(parents=True, exist_ok=True)
        with BuildLock(out):
            result = _build(options, forms, progress)
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


def _build(options: BuildOptions, forms: list[Form], progress: Callable[[int], Callable[[], None]] | None
           ) -> BuildResult:
    out = options.out
    version = version_key()
    result = BuildResult(cleaned=clean_temporaries(out))
    manifest = Manifest(out)
    pool: Executor | None = None
    interrupted = True
    compile_cache.set_folder(out / FOLDER / "templates")  # XLSX/HTML compiled from the DOCX, by its hash
    try:
        sources = scan(options.source, options.profile_name, options.as_of)
        result.sources = len(sources)
        manifest.set_meta("source", str(options.source.resolve()))
        known = manifest.sources()
        were = set(known) | {r.source for r in manifest.outputs() if r.kind == "project"}
        sources += lost_projects(options.source, were, sources)  # damaged, not deleted: outputs kept
        names, failed, pool = _names(options, manifest, sources, known, version, result)
        inp = Inputs(out, sources, names, failed,
                     [f for f in forms if not f.aggregate], [f for f in forms if f.aggregate], options.formats,
                     template_hashes(forms, options.formats), version, options.force, manifest.outputs(),
                     manifest.skips(), set(known))
        plan = make_plan(inp)
        result.fresh, result.labels = plan.fresh, plan.labels
        result.skipped += plan.skipped
        result.notes += plan.notes
        if plan.failures:
            result.fail(AGGREGATES, plan.failures)
        runner = _Runner(options, manifest, inp, plan, result)
        _forget(runner, plan)
        if plan.jobs or plan.aggregate:
            pool = pool or _pool(options)
            _run_jobs(runner, pool, progress)
        result.failures.sort()
        interrupted = False
    finally:
        if pool is not None:
            _stop(pool, interrupted)
        manifest.close()
        compile_cache.set_folder(None)
    return result


def _stop(pool: Executor, interrupted: bool) -> None:
    """Shut the workers down; after Ctrl-C, SIGTERM or a fault, end them at once (none is left behind)."""
    if interrupted:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _names(options: BuildOptions, manifest: Manifest, sources: list[Source], known: dict[str, SourceRow],
           version: str, result: BuildResult) -> tuple[dict[str, tuple[str, str]], set[str], Executor | None]:
    """Each project's (项目名称, 主管部门): from the manifest while its data is unchanged, else read (in the pool).

    Returns the names, the keys that cannot be built (unreadable profile or data) and the pool, if one was started.
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
    pool = _pool(options) if stale else None
    try:
        for named in _read_names(pool, stale):
            if named.errors:
                failed.add(named.key)
                result.fail(named.key, named.errors)
                continue
            names[named.key] = (named.name, named.department)
            manifest.put_source(named.key,
                                SourceRow(by_key[named.key].data_hash, version, named.name, named.department))
        manifest.commit()
    except BaseException:  # Ctrl-C, SIGTERM, a fault: the caller has no pool to stop yet
        if pool is not None:
            _stop(pool, True)
        raise
    return names, failed, pool


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


def _run_jobs(runner: _Runner, pool: Executor | None,
              progress: Callable[[int], Callable[[], None]] | None) -> None:
    plan, out = runner.plan, runner.options.out
    total = len(plan.jobs) + (1 if plan.aggregate else 0)
    tasks: list[tuple[Callable[[], Done] | Future[Done], list[str], str, str]] = []
    aggregate: AggregateJob | None = plan.aggregate
    if aggregate is not None:  # first: it loads every member, the longest job
        forms = sorted({r.form for r in aggregate.renders})
        tasks.append((_call(pool, run_aggregates, aggregate, out), forms, "aggregate", AGGREGATES))
    for job in plan.jobs:
        tasks.append((_call(pool, run_project, job, out), [r.form for r in job.renders], "project", job.display))
    tick = progress(total) if progress else (lambda: None)
    if pool is None:
        for task, forms, kind, _ in tasks:
            runner.record(task(), forms, kind)  # type: ignore[operator]
            tick()
        return
    meta = {id(t): (forms, kind, name) for t, forms, kind, name in tasks}
    for future in as_completed([t for t, *_ in tasks]):  # type: ignore[misc]
        forms, kind, name = meta[id(future)]
        try:
            done = future.result()
        except Exception as exc:  # the worker died (out of memory, killed): report it, go on
            done = Done(name, failures=[f"{name}: 生成进程意外退出（{type(exc).__name__}: {exc}），本项未生成"])
        runner.record(done, forms, kind)
        tick()


def _call(pool: Executor | None, fn: Callable[[ProjectJob | AggregateJob, Path], Done],
          job: ProjectJob | AggregateJob, out: Path) -> Callable[[], Done] | Future[Done]:
    if pool is None:
        return lambda: fn(job, out)
    return pool.submit(fn, job, out)
