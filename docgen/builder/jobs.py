"""What a worker process runs: read a project's name; render one project's stale forms (and make its summary
row); render an aggregate from its members' summary rows.

Every function here takes and returns plain picklable data, writes files atomically and never
raises for bad input or a broken template: a problem becomes a located message in the result.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, output
from ..compile import cache as compile_cache
from ..errors import InputError, Level
from ..formdata.rows import ProjectRow, pack_row, project_row, unpack_row
from ..forms import find_form
from ..output import link_on_path, missing_data, paged, render_bytes
from ..pipeline import run_file
from ..profile import Profile
from ..project import load_project
from ..render.faults import render_fault
from ..render.package import write_atomic
from ..templatecheck import display_path
from ..yamlfile import MAX_BYTES
from .durable import PER_FILE
from .inputs import data_hash, sha256_bytes
from .manifest import pack_values
from .values import flatten


def init_worker(templates: str, parent: int, compiled: str = "") -> None:
    """Each worker uses the build's template folder and compiles each template once (then from its cache);
    ``compiled`` is the build's folder of XLSX/HTML templates compiled from the DOCX.

    A worker also ends when the build process is gone (``kill -9``): otherwise it would wait for work forever.
    """
    # a forked worker inherits the CLI's SIGTERM handler (which raises KeyboardInterrupt): a worker ends at once
    # on SIGTERM instead, and leaves Ctrl-C to the build, which stops it
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    output.TEMPLATES = Path(templates)
    output.clear_compiled()
    compile_cache.set_folder(Path(compiled) if compiled else None)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


@dataclass
class Named:
    key: str
    name: str = ""
    department: str = ""
    errors: list[str] = field(default_factory=list)


def read_name(key: str, path: Path, display: str) -> Named:
    """A project's name and 主管部门 (they decide its output folder and file names)."""
    try:
        loaded = load_project(path, display)
    except InputError as exc:
        return Named(key, errors=[str(d) for d in exc.diagnostics] or [str(exc)])
    except Exception as exc:  # a bug: report it against this file, go on with the others
        return Named(key, errors=[unexpected(display, exc)])
    except MemoryError as exc:
        return Named(key, errors=[unexpected(display, exc)])
    return Named(key, loaded.project.name, loaded.project.department)


_TOP_KEY = re.compile(r"^(项目名称|主管部门)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)
_PLAIN = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s][^#\t]*")  # a plain YAML scalar without a comment


def quick_names(path: Path) -> tuple[str, str] | None:
    """A YAML project's (项目名称, 主管部门) as written on their top-level lines, without parsing the file; None
    when they are not plain one-line values (then the project is read). Only a guess: the project's job checks
    it against what it loads, and a wrong guess is planned again (:func:`run_project`)."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # never more than a project file may hold (a huge file is refused later)
        if len(raw) > MAX_BYTES:
            return None
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found: dict[str, str] = {}
    for match in _TOP_KEY.finditer(text):
        key, value = match.group(1), match.group(2)
        if key in found or not _PLAIN.fullmatch(value) or ": " in value or value.endswith(":"):
            return None
        found[key] = value
    if len(found) != 2:
        return None
    return found["项目名称"], found["主管部门"]


def read_names(items: list[tuple[str, Path, str]]) -> list[Named]:
    """:func:`read_name` for a batch of (key, path, display): one task, not one per project."""
    return [read_name(*item) for item in items]


@dataclass
class Written:
    key: str  # the source key (a project's, or an aggregate's)
    form: str
    fmt: str
    path: str  # relative to OUT
    out_hash: str
    size: int
    mtime: int


@dataclass
class Done:
    """A job's result: files written, forms skipped (with the reason), values, located failures."""

    key: str
    loaded: bool = False
    written: list[Written] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    values: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (source key, form) → packed values
    failures: list[str] = field(default_factory=list)
    summary: bytes | None = None  # a project's packed summary row (formdata.rows), for the aggregates
    name: str = ""  # the project's 项目名称 and 主管部门 as loaded (they decide its output folder)
    department: str = ""
    misnamed: bool = False  # they are not what the job was planned with: nothing was written
    warnings: list[str] = field(default_factory=list)  # located data warnings (元 for 万元, 0.15 for 15% …)


@dataclass
class Render:
    """One form of one source to render in some formats, with the provenance its files carry."""

    form: str
    formats: list[str]
    path_stem: str  # relative to OUT, up to the form's name: "主管部门/项目名称/" or "汇总/全部项目-"
    title: str
    properties: dict[str, dict[str, str]]  # by format
    reasons: dict[str, str] = field(default_factory=dict)  # by format: why it is rebuilt (for the manifest)


@dataclass
class ProjectJob:
    key: str
    path: Path
    display: str
    data_hash: str
    profile: Profile
    renders: list[Render]
    names: tuple[str, str] | None = None  # the (项目名称, 主管部门) planned with, when only guessed


def provenance(data_hash: str, template_hash: str, profile_hash: str) -> dict[str, str]:
    """The custom document properties: stable values, so a rebuild of the same input is byte-identical."""
    return {"docgen.数据哈希": data_hash, "docgen.模板哈希": template_hash, "docgen.配置哈希": profile_hash,
            "docgen.版本": __version__}


def _render_error(display: str, form_id: str, fmt: str, exc: Exception) -> str:
    form = find_form(form_id)
    if form is None:
        return f"{display}: {form_id}: 生成失败：{type(exc).__name__}: {exc}"
    return f"{display}: {render_fault(exc, form, fmt)}"


def _write_problem(exc: OSError) -> str:
    from .faults import os_problem

    return f"无法写入：{os_problem(exc)}"


def _write(out: Path, render: Render, form_id: str, context: dict[str, Any], key: str, display: str,
           done: Done, folders: set[Path] | None = None) -> None:
    """Render one form in its formats and write the files (``folders``: the job's folders found to be no
    symbolic links)."""
    form = find_form(form_id)
    assert form is not None
    try:
        printed = paged(form, context, render.formats)  # the page plan, once for the formats written
    except Exception:
        printed = context  # render_bytes meets the same fault and reports it for each format
    for fmt in render.formats:
        try:
            data = render_bytes(form, printed, fmt, render.title, render.properties[fmt])
        except Exception as exc:
            done.failures.append(_render_error(display, form_id, fmt, exc))
            continue
        rel = f"{render.path_stem}{form.short_title}.{fmt}"
        target = out / rel
        link = link_on_path(out, rel, folders)
        if link is not None:  # a link inside OUT could point anywhere: never written through
            done.failures.append(f"{display}: {display_path(link)}: 是符号链接，docgen 不通过链接写入："
                                 "请删除该链接后重新运行 docgen build")
            continue
        try:
            write_atomic(target, data, sync=PER_FILE)  # made durable once per batch (durable.sync_tree)
            stat = target.stat()
        except OSError as exc:  # e.g. the file is open in Word/WPS/Excel (Windows), or read-only
            done.failures.append(f"{display}: {display_path(target)}: {_write_problem(exc)}")
            continue
        done.written.append(Written(key, form_id, fmt, rel, sha256_bytes(data), stat.st_size, stat.st_mtime_ns))
    done.values[(key, form_id)] = pack_values(flatten(context))


def run_project(job: ProjectJob, out: Path) -> Done:
    """Load and compute one project once, make its summary row, then render each of its stale forms
    (none: only the summary row, for an aggregate whose member has no cached row)."""
    done = Done(job.key)
    try:
        if not job.path.exists():
            done.failures.append(f"{job.display}: 文件在生成过程中被删除或移走，本次未生成，上次生成的文件已保留")
            return done
        if data_hash(job.path) != job.data_hash:
            done.failures.append(f"{job.display}: 文件在生成过程中被修改，本次未生成，请重新运行 docgen build")
            return done
        outcome = run_file(job.path, job.display, profile=job.profile)
        if not outcome.ok or outcome.result is None:
            done.failures = [str(d) for d in outcome.diagnostics if d.level is Level.ERROR]
            done.failures = done.failures or [f"{job.display}: 数据有错误，未生成表单"]
            return done
        project = outcome.result.project
        done.name, done.department = project.name, project.department
        if job.names is not None and job.names != (project.name, project.department):
            done.misnamed = True  # its output folder was planned from a wrong guess: planned again, written then
            return done
        done.loaded = True
        folders: set[Path] = set()  # its output folders, looked at for links once
        done.warnings = [str(d) for d in outcome.diagnostics if d.level is Level.WARNING]
        try:
            done.summary = pack_row(project_row(outcome.result))
        except Exception as exc:
            done.failures.append(f"{job.display}: 计算汇总行失败：{type(exc).__name__}: {exc}")
        for render in job.renders:
            form = find_form(render.form)
            assert form is not None
            reason = missing_data(form, outcome.result)
            if reason:
                done.skipped[render.form] = reason
                continue
            try:
                context = form.build(outcome.result)
            except Exception as exc:
                done.failures.append(f"{job.display}: 计算“{form.short_title}”的内容失败：{type(exc).__name__}: {exc}")
                continue
            _write(out, render, render.form, context, job.key, job.display, done, folders)
    except (Exception, MemoryError) as exc:  # this project fails, the others go on
        done.failures.append(unexpected(job.display, exc))
    return done


@dataclass
class Chunk:
    """Several jobs sent as one task: a task costs a scheduler round-trip (Dask: ~3 ms), so each should carry
    ~0.1 s of work or more."""

    fn: Callable[[Any, Path], Done]
    jobs: list[Any]


def run_chunk(chunk: Chunk, out: Path) -> list[Done]:
    """Run a chunk's jobs one after the other (each fails alone, as when run separately)."""
    return [chunk.fn(job, out) for job in chunk.jobs]


def unexpected(display: str, exc: BaseException) -> str:
    """A located message for what should not happen with any input (too little memory, a bug)."""
    if isinstance(exc, MemoryError):
        return f"{display}: 内存不足，本项未生成：文件或其中的文字过大；请精简后重新运行，已生成的文件保留"
    if isinstance(exc, OSError):
        from .faults import os_problem

        return f"{exc.filename or display}: {os_problem(exc)}"
    return (f"{display}: 无法处理这个文件（{type(exc).__name__}: {exc}），本项未生成：请检查文件内容；"
            "仍有问题时请把文件和此信息发给维护人员")


@dataclass
class AggregateRender:
    key: str  # "汇总:全部项目"
    form: str
    scope: str  # a 主管部门, or "" for the whole set
    members: list[str]  # source keys
    render: Render


@dataclass
class AggregateTask:
    """One aggregate to render from its members' packed summary rows, which the coordinator wrote to a file in
    OUT (:func:`write_rows`): a task never carries a province's rows through the coordinator's memory."""

    item: AggregateRender
    rows: str  # the file of rows (OUT/.docgen/rows/…), in member order


def write_rows(path: Path, rows: Iterable[bytes]) -> int:
    """Packed summary rows to a file, each after its length; returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as fh:
        for row in rows:
            fh.write(len(row).to_bytes(4, "big"))
            fh.write(row)
            count += 1
    return count


def read_rows(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while head := fh.read(4):
            yield fh.read(int.from_bytes(head, "big"))


def run_aggregate(task: AggregateTask, out: Path) -> Done:
    """Build one stale aggregate: a reduce over its members' summary rows (no project is loaded)."""
    done = Done("汇总")
    item = task.item
    name = item.scope or "全部项目"
    try:
        _aggregate(item, [unpack_row(r) for r in read_rows(Path(task.rows))], name, out, done)
    except (Exception, MemoryError) as exc:  # this aggregate fails, the others go on
        done.failures.append(unexpected(name, exc))
    done.loaded = True
    return done


def _aggregate(item: AggregateRender, members: list[ProjectRow], name: str, out: Path, done: Done) -> None:
    """Build one aggregate form over the members that loaded."""
    if not members:
        done.failures.append(f"{name}: 没有可用的项目数据，未生成“{item.form}”")
        return
    form = find_form(item.form)
    assert form is not None
    try:
        context = form.build(members, item.scope)
    except Exception as exc:
        done.failures.append(f"{name}: 计算“{form.short_title}”的内容失败：{type(exc).__name__}: {exc}")
        return
    _write(out, item.render, item.form, context, item.key, name, done)
