"""``docgen build`` checks its templates first, and remembers the ones that passed (by content hash)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..compile import cache as compile_cache
from ..forms import Form, find_form
from ..output import form_formats
from ..pipeline import project_files
from ..profile import CONFIG_NAME
from ..templatecheck import TemplateError, TemplateProblem, Vocabulary, check_template, sample_vocabularies
from .executors import job_count
from .inputs import sha256_bytes, sha256_file, template_hash
from .manifest import Manifest


def samples_fingerprint(samples: Path) -> str:
    """The sample projects (and their docgen.yaml) the vocabulary is built from."""
    if not samples.is_dir():
        return ""
    files = [p for p, _ in project_files([samples])] + sorted(samples.rglob(CONFIG_NAME))
    text = "\n".join(f"{p.relative_to(samples).as_posix()} {sha256_file(p)}" for p in files)
    return sha256_bytes(text.encode("utf-8"))


def check_before_build(forms: list[Form], formats: tuple[str, ...], out: Path, version: str, samples: Path,
                       force: bool, jobs: int | None = 1) -> None:
    """Raise :class:`TemplateError` naming every problem when a template of the build is broken (checked on
    ``jobs`` processes when there are many)."""
    keys = {}
    fingerprint = samples_fingerprint(samples)
    for form in forms:
        for fmt in form_formats(form, formats):  # a report has no XLSX
            content = template_hash(form, fmt) or "missing"
            keys[(form, fmt)] = sha256_bytes(f"{content} {version} {fingerprint}".encode())
    passed = {}
    if Manifest.exists(out) and not force:
        manifest = Manifest(out)
        passed = manifest.checks()
        manifest.close()
    todo = [(form, fmt) for (form, fmt), key in keys.items() if passed.get(f"{form.id}.{fmt}") != key]
    if not todo:
        return
    vocabularies = sample_vocabularies(sorted({f for f, _ in todo}, key=forms.index), samples)
    problems = _check_all(todo, vocabularies, formats, jobs)
    if problems:
        lines = [str(p) for p in problems]
        files = sorted({p.file for p in problems})
        lines.append(f"模板有错误（{'、'.join(files)}），未开始生成。"
                     "请改正后再运行；docgen templates check 可单独检查模板。")
        raise TemplateError("\n".join(lines))
    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out)
    for form, fmt in todo:
        manifest.put_check(f"{form.id}.{fmt}", keys[(form, fmt)])
    manifest.commit()
    manifest.close()


PARALLEL_FROM = 8  # templates to check: fewer are checked in this process (a worker costs ~20 ms to start)


def _check_all(todo: list[tuple[Form, str]], vocabularies: dict[str, Vocabulary], formats: tuple[str, ...],
               jobs: int | None) -> list[TemplateProblem]:
    """The problems of each template of ``todo``, in its order. Many templates (a first build: ~1 s of
    compiling and reading) are shared out over forked workers, which compile into this process's template
    folder; not with PDF (a forked child must not share pango's state) nor where fork is not the platform's own
    way to start a process (Windows cannot fork; macOS's system libraries do not survive it)."""
    workers = min(job_count(jobs), 1 + len(todo) // PARALLEL_FROM)
    if workers <= 1 or "pdf" in formats or _default_start() != "fork":
        return [p for form, fmt in todo for p in check_template(form, fmt, vocabularies.get(form.id)).problems]
    compile_cache.folder()  # made here, before the fork: the workers compile into it
    tasks = [(form.id, fmt, vocabularies.get(form.id)) for form, fmt in todo]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        found = list(pool.map(_check_one, tasks))
    return [p for problems in found for p in problems]


def _default_start() -> str:
    """How this platform starts a process unless told otherwise (without fixing it, as get_start_method does)."""
    return multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]


def _check_one(task: tuple[str, str, Vocabulary | None]) -> list[TemplateProblem]:
    form_id, fmt, vocab = task
    form = find_form(form_id)
    assert form is not None
    return check_template(form, fmt, vocab).problems
