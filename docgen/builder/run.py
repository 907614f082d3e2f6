"""Run a build: check templates, scan, plan, delete what is obsolete, render the projects (in a process pool or
on a Dask cluster: :mod:`.executors`), then the aggregates from the projects' summary rows, record.

The main process alone writes the manifest, and only for files a worker has already put in place
(atomically) and that have been flushed to disk (:mod:`.durable`, once per batch of finished jobs, about a
second); so a build killed at any moment, or a power cut, leaves no partial file recorded, and the next build
sees what is missing or unrecorded and completes it.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import time
import zlib
from collections import Counter
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
from ..render.package import write_atomic
from ..render.pdf import require_pdf
from ..templatecheck import SAMPLES, display_path
from .check import check_before_build
from .durable import PER_FILE, sync_tree
from .executors import Engine, dask_engine, local_engine, on_worker, worker_fingerprint
from .faults import BuildFault, BuildLock, explain, os_problem
from .inputs import Source, lost_projects, scan, sha256_bytes, template_hashes, version_key
from .jobs import (
    AggregateRender,
    AggregateTask,
    Chunk,
    Done,
    Named,
    ProjectJob,
    quick_names,
    read_names,
    run_aggregate,
    run_chunk,
    run_project,
    write_rows,
)
from .manifest import FOLDER, Manifest, OutputRow, SkipRow, SourceRow
from .plan import (
    AGGREGATES,
    CHANGES,
    NEW,
    REASONS,
    Inputs,
    Planner,
    Window,
    assign_stems,
    department_folders,
)
from .report import write_changes
from .result import BuildResult, Built, Packed
from .values import diff

TEMP_PREFIX = ".tmp-"  # write_atomic's temporary files
ROWS = "rows"  # OUT/.docgen/rows: the summary rows of the aggregates being built
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
    for folder, _, names in os.walk(out):  # os.walk, not rglob: OUT holds every output (a no-op build walks it)
        for name in names:
            if name.startswith(TEMP_PREFIX):
                path = Path(folder, name)
                if path.is_file():
                    path.unlink(missing_ok=True)
                    count += 1
    return count


def _selected(options: BuildOptions) -> list[Form]:
    forms = options.forms or [f for f in FORMS if f.renderable]
    return [f for f in FORMS if f in forms]  # the registry's order


class _Runner:
    """Holds the manifest and the result while jobs finish."""

    def __init__(self, options: BuildOptions, manifest: Manifest, inp: Inputs, planner: Planner,
                 result: BuildResult):
        self.options, self.manifest, self.inp, self.planner, self.result = options, manifest, inp, planner, result
        self.sources = {s.key: s for s in inp.sources}
        self.counts: Counter[str] = Counter()  # rebuilt files by reason (their paths go to the manifest)
        self.replan = False  # a project's names were not as planned: plan again once its round is done
        self.lost = False  # a worker died with a task: it may have left a temporary file half written

    def delete(self, row: OutputRow) -> None:
        """Delete an output file (unless another output of this build now owns its path) and its row."""
        owner = self.planner.owner(row.path)
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

    def record(self, done: Done, job: ProjectJob | AggregateTask, kind: str) -> None:
        """A finished job: outputs, skips, values, summary row, obsolete files (the batch commits)."""
        res = self.result
        if done.failures:
            res.fail(done.key, done.failures)
        res.warnings += done.warnings
        renders = {r.form: r for r in job.renders} if isinstance(job, ProjectJob) else {job.item.form: job.item.render}
        written = {(w.key, w.form, w.fmt): w.path for w in done.written}
        for w in done.written:
            render = renders[w.form]
            props = render.properties[w.fmt]
            reason = render.reasons.get(w.fmt, NEW)
            self.manifest.put_output(OutputRow(w.path, w.key, kind, w.form, w.fmt, props["docgen.数据哈希"],
                                               props["docgen.模板哈希"], props["docgen.配置哈希"], self.inp.version,
                                               w.out_hash, w.size, w.mtime, reason))
            self.manifest.put_built(w.path, reason)
            self.counts[reason] += 1
        for (key, form), packed in sorted(done.values.items()):
            old = self.manifest.values(key, form)
            if old is None:
                res.first += 1
            else:
                changed = diff(old, json.loads(zlib.decompress(packed)))
                if changed:
                    res.changes[(key, form)] = changed
            self.manifest.put_values(key, form, packed)
        if kind == "project":
            self._names(done)
        if kind == "project" and done.loaded:
            src = self.sources[done.key]
            for form, reason in done.skipped.items():
                self.manifest.put_skip(done.key, form, SkipRow(reason, src.data_hash, src.profile_hash,
                                                                self.inp.version))
                self.manifest.delete_values(done.key, form)
                res.skipped.append((src.display, form, reason))
            for form in set(renders) - set(done.skipped):
                self.manifest.delete_skip(done.key, form)
            for row in self.manifest.source_outputs(done.key):
                new = written.get((row.source, row.form, row.fmt))
                if row.form in done.skipped or (new is not None and new != row.path):
                    self.delete(row)
            if done.summary is not None:
                self.manifest.put_summary(done.key, src.data_hash, src.profile_hash, self.inp.version, done.summary)

    def _names(self, done: Done) -> None:
        """A project job tells its names as loaded: recorded for its data hash; when they are not what it was
        planned with (a guess), or it could not be read, the plan is made again (``self.replan``)."""
        inp, key = self.inp, done.key
        if done.name:
            src = self.sources[key]
            self.manifest.put_source(key, SourceRow(src.data_hash, inp.version, done.name, done.department))
            if inp.names.get(key) != (done.name, done.department):
                inp.names[key] = (done.name, done.department)
                self.replan = True
        elif key in inp.guessed:  # unreadable: as if its names could not be read (it is not planned again)
            inp.names.pop(key, None)
            inp.failed.add(key)
            self.replan = True
        inp.guessed.discard(key)

    def valid_summaries(self, keys: list[str]) -> set[str]:
        """Those of ``keys`` whose cached summary row was made from their present data, profile and version."""
        found = self.manifest.summaries_of(keys)
        return {k for k, hashes in found.items()
                if k in self.sources and (self.sources[k].data_hash, self.sources[k].profile_hash,
                                          self.inp.version) == hashes}


class _Batch:
    """Finished jobs wait here for at most a second; then their files are flushed to disk once (not one sync
    per file) and only then recorded in the manifest, in one commit."""

    SECONDS = 1.0

    def __init__(self, runner: _Runner, flush_files: bool):
        self.runner, self.flush_files = runner, flush_files
        self.pending: list[tuple[Done, ProjectJob | AggregateTask, str]] = []
        self.since = time.monotonic()

    def add(self, done: Done, job: ProjectJob | AggregateTask, kind: str) -> None:
        self.pending.append((done, job, kind))
        if time.monotonic() - self.since >= self.SECONDS:
            self.flush()

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        self.since = time.monotonic()
        if not pending:
            return
        if self.flush_files and any(done.written for done, _, _ in pending):
            sync_tree(self.runner.options.out)
        for done, job, kind in pending:
            self.runner.record(done, job, kind)
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
        check_before_build(forms, options.formats, out, version_key(), options.samples, options.force,
                           options.jobs)
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

    _keep_compiled(compile_cache.folder(), out / FOLDER / "templates")
    compile_cache.set_folder(out / FOLDER / "templates")  # XLSX/HTML compiled from the DOCX, by its hash
    try:
        result.sources = len(sources)
        manifest.set_meta("source", str(options.source.resolve()))
        manifest.clear_built()
        known = manifest.sources()
        recorded = manifest.recorded_projects()
        sources += lost_projects(options.source, set(known) | recorded, sources)  # damaged, not deleted: kept
        project_forms = [f for f in forms if not f.aggregate]
        names, failed, guessed = _names(engine, manifest, sources, known, version, result, bool(project_forms))
        inp = Inputs(out, sources, names, failed, project_forms, [f for f in forms if f.aggregate],
                     options.formats, template_hashes(forms, options.formats), version, options.force,
                     manifest.rows_of, manifest.skips_of, set(known), recorded, guessed)
        del known
        planner = Planner(inp)
        result.labels = planner.labels
        result.notes += planner.notes
        runner = _Runner(options, manifest, inp, planner, result)
        _run_jobs(runner, engine, progress)
        for key in planner.forgotten:
            manifest.forget_source(key)
        manifest.commit()
        result.built = Built(manifest.built(list(REASONS)))
        result.failures.sort()
        interrupted = False
    finally:
        for started in engines:
            started.close(interrupted)
        manifest.close()
        compile_cache.set_folder(None)
    return result


def _keep_compiled(checked: Path, cache: Path) -> None:
    """The templates the check before the build compiled (in this process's temporary folder) go to the build's
    cache folder: the workers read them there instead of each compiling them again (the names hold the hash)."""
    if checked == cache or not checked.is_dir():
        return
    cache.mkdir(parents=True, exist_ok=True)
    for path in checked.iterdir():
        if path.is_file() and not (cache / path.name).exists():
            write_atomic(cache / path.name, path.read_bytes())  # never a half-copied template


def _names(engine: Callable[[], Engine], manifest: Manifest, sources: list[Source], known: dict[str, SourceRow],
           version: str, result: BuildResult, guess: bool) -> tuple[dict[str, tuple[str, str]], set[str], set[str]]:
    """Each project's (项目名称, 主管部门): from the manifest while its data is unchanged; for a changed or new
    project (``guess``) as it was before, or as written on its top lines, checked by its job when it loads it
    (each project is read once a build); else read (in the pool).

    Returns the names, the keys that cannot be built (unreadable profile or data) and the keys whose names are
    guessed.
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
    guessed, unread = set(), []
    for s in stale:
        found = (names.get(s.key) or quick_names(s.path)) if guess else None
        if found is None:
            unread.append(s)
        else:
            names[s.key] = found
            guessed.add(s.key)
    for named in _read_names(engine() if len(unread) > SMALL else Engine(None, 1), unread):
        if named.errors:
            failed.add(named.key)
            names.pop(named.key, None)
            result.fail(named.key, named.errors)
            continue
        names[named.key] = (named.name, named.department)
        manifest.put_source(named.key, SourceRow(by_key[named.key].data_hash, version, named.name, named.department))
    manifest.commit()
    return names, failed, guessed


def _forget(runner: _Runner, window: Window) -> None:
    """Before a window's jobs: delete what is obsolete, move intact outputs to their new names, re-stat."""
    result = runner.result
    result.fresh += window.fresh
    result.skipped += window.skipped
    if window.failures:
        result.fail(AGGREGATES, window.failures)
    for row in window.obsolete:
        runner.delete(row)
    for row, path in window.moves:
        _move(runner, row, path)
    for row in window.refresh:
        runner.manifest.put_output(row)


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


def _run_jobs(runner: _Runner, engine: Callable[[], Engine],
              progress: Callable[[int], Callable[[], None]] | None) -> None:
    """The projects' jobs, a window at a time (each job also makes its project's summary row), then each stale
    aggregate from those rows. A build of a few jobs (one project edited) runs in this process."""
    planner, options = runner.planner, runner.options
    tick = progress(len(runner.inp.sources) + 1) if progress else (lambda: None)
    tasks = _project_tasks(runner, tick)
    ahead: list[Task] = []
    for task in tasks:  # look ahead: more than SMALL jobs are worth starting the workers for
        ahead.append(task)
        if sum(len(t.jobs) for t in ahead) > SMALL:
            break
    remote = bool(options.scheduler or options.cluster)
    chosen = engine() if remote or sum(len(t.jobs) for t in ahead) > SMALL else Engine(None, 1)
    batch = _Batch(runner, flush_files=not PER_FILE and not chosen.remote)
    try:
        _drive(runner, chosen, itertools.chain(ahead, tasks), batch, tick)
        batch.flush()
        if runner.replan and _stems_changed(runner):  # a guessed name was wrong: plan again, with the names read
            planner = _replan(runner)
            _drive(runner, chosen, _project_tasks(runner, lambda: None), batch, lambda: None)
            batch.flush()
            runner.result.fresh = max(0, runner.result.fresh - sum(runner.counts.values()))
        aggregates = planner.aggregates(runner.manifest.aggregate_rows())
        _forget(runner, aggregates)
        rows = planner.row_jobs(runner.valid_summaries, aggregates.aggregates)
        if rows and chosen.executor is None and len(rows) > SMALL and not remote:
            chosen = engine()
            batch.flush_files = not PER_FILE and not chosen.remote
        _drive(runner, chosen, _chunks(rows, run_project, "project"), batch, lambda: None)
        batch.flush()  # the aggregates read the rows just recorded
        _drive(runner, chosen, _aggregate_tasks(runner, aggregates.aggregates), batch, lambda: None)
        tick()
    finally:
        batch.flush()
        shutil.rmtree(options.out / FOLDER / ROWS, ignore_errors=True)
        if runner.lost or chosen.remote:  # a worker that died mid-write leaves its temporary file (Dask runs the
            clean_temporaries(options.out)  # task again elsewhere, silently): no worker writes any more


def _stems_changed(runner: _Runner) -> bool:
    """Whether the names read by the jobs give any project another output folder than it was planned with."""
    inp, planner = runner.inp, runner.planner
    stems = assign_stems([(k, name, dept) for k, (name, dept) in inp.names.items()],
                         department_folders({dept for _, dept in inp.names.values()}))
    return stems != {k: v for k, v in planner.stems.items() if k in inp.names}


def _replan(runner: _Runner) -> Planner:
    """A second plan over every project with the names the jobs read (what the first round wrote is fresh now)."""
    result = runner.result
    notes = set(runner.planner.notes)
    planner = runner.planner = Planner(runner.inp)
    result.labels.update(planner.labels)
    result.notes = [n for n in result.notes if n not in notes] + planner.notes
    result.skipped = Packed()
    return planner


@dataclass
class Task:
    """One task sent to a worker: a chunk of jobs of one kind ("project" or "aggregate")."""

    chunk: Chunk
    kind: str
    name: str  # who to blame when the worker dies

    @property
    def jobs(self) -> list[Any]:
        return self.chunk.jobs


CHUNK_FILES = 96  # files a project task writes (~0.3 s; a Dask task costs ~3 ms and more: 24 files a task gave
#                   Dask/pool 1.32 at 1,000 projects, 96 files 1.20, bench/scale.py)
CHUNK_FILES_DASK = 192  # on Dask: its ~30 ms a task weighed more once a file took 2.8 ms (Dask/pool 1.28–1.32 at
#                         96 files a task, 1.20 at 192; the pool keeps 96 for an even finish)
CHUNK_JOBS = 64  # at most this many projects in one task (row-only jobs are cheap)


def _chunks(jobs: Iterable[ProjectJob], fn: Callable[[Any, Path], Done], kind: str,
            per_task: int = CHUNK_FILES) -> Iterator[Task]:
    chunk: list[ProjectJob] = []
    files = 0
    for job in jobs:
        chunk.append(job)
        files += sum(len(r.formats) for r in job.renders) or 1
        if files >= per_task or len(chunk) >= CHUNK_JOBS:
            yield Task(Chunk(fn, chunk), kind, chunk[0].display)
            chunk, files = [], 0
    if chunk:
        yield Task(Chunk(fn, chunk), kind, chunk[0].display)


def _project_tasks(runner: _Runner, tick: Callable[[], None]) -> Iterator[Task]:
    """Plan a window, tidy what it makes obsolete, then yield its jobs in chunks; ticks for the projects with
    nothing to do."""
    for window in runner.planner.windows():
        _forget(runner, window)
        for _ in range(window.size - len(window.jobs)):
            tick()
        remote = bool(runner.options.scheduler or runner.options.cluster)
        yield from _chunks(window.jobs, run_project, "project", CHUNK_FILES_DASK if remote else CHUNK_FILES)


def _lost(job: Any, name: str, exc: Exception) -> Done:
    """The result of a job whose worker died (too often, on Dask): a failure; its outputs stay as they were."""
    shown = getattr(job, "display", name)
    return Done(getattr(job, "key", name), failures=[
        f"{shown}: 生成进程意外退出（{type(exc).__name__}: {exc}），本项未生成"])


def _aggregate_tasks(runner: _Runner, aggregates: list[AggregateRender]) -> Iterator[Task]:
    """One task per stale aggregate, over its members' summary rows (streamed from the manifest to a file the
    worker reads). A member read at planning that has no row now (changed or deleted during the build) keeps the
    aggregate's last content: never a silent omission. A member that failed in this build is left out."""
    if not aggregates:
        return
    valid = runner.valid_summaries(sorted({k for item in aggregates for k in item.members}))
    failed = runner.inp.failed  # unreadable: left out, as a project that failed its names
    folder = runner.options.out / FOLDER / ROWS
    for n, item in enumerate(aggregates):
        members = [k for k in item.members if k not in failed or k in valid]
        lost = [k for k in members if k not in valid]
        if lost:
            shown = [runner.sources[k].display if k in runner.sources else k for k in lost]
            name = item.scope or "全部项目"
            runner.result.fail(AGGREGATES, [f"{name}: {'、'.join(shown)} 在生成过程中无法读取，“{item.form}”汇总表"
                                            "保持上次的内容；请重新运行 docgen build"])
            continue
        path = folder / f"{n}.rows"
        write_rows(path, _member_rows(runner.manifest, members))
        light = replace(item, members=[])  # the worker needs the rows, not the keys
        yield Task(Chunk(run_aggregate, [AggregateTask(light, str(path))]), "aggregate", AGGREGATES)


def _member_rows(manifest: Manifest, members: list[str]) -> Iterator[bytes]:
    """The members' packed summary rows in member order, read 500 at a time."""
    for start in range(0, len(members), 500):
        part = members[start:start + 500]
        rows = manifest.summary_rows(part)
        yield from (rows[k] for k in part if k in rows)


def _drive(runner: _Runner, engine: Engine, tasks: Iterable[Task], batch: _Batch, tick: Callable[[], None]) -> None:
    """Run ``tasks``, a bounded number at a time (the coordinator never holds every job's result), and hand each
    result to ``batch`` as it completes."""
    out = runner.options.out
    if engine.executor is None:
        for task in tasks:
            for job, done in zip(task.jobs, run_chunk(task.chunk, out), strict=True):
                batch.add(done, job, task.kind)
                tick()
        return
    executor = engine.executor
    remote = engine.name != "local"
    templates = sha256_bytes(json.dumps(sorted(runner.inp.templates.items())).encode()) if remote else ""
    window = max(8, engine.workers * 3)
    pending: dict[Future[list[Done]], Task] = {}
    queue = iter(tasks)

    def fill() -> None:
        for task in queue:
            if remote:
                future = executor.submit(on_worker, run_chunk, task.chunk, out, templates, engine.remote,
                                         str(compile_cache.folder()))
            else:
                future = executor.submit(run_chunk, task.chunk, out)
            pending[future] = task
            runner.result.tasks += 1
            if len(pending) >= window:
                return

    fill()
    while pending:
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            task = pending.pop(future)
            try:
                results = future.result()
            except Exception as exc:  # the worker died (out of memory, killed) too often: report it, go on
                results = [_lost(job, task.name, exc) for job in task.jobs]
                runner.lost = True
            for job, done in zip(task.jobs, results, strict=True):
                batch.add(done, job, task.kind)
                tick()
        fill()
