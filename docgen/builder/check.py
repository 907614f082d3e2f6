"""``docgen build`` checks its templates first, and remembers the ones that passed (by content hash)."""

from __future__ import annotations

from pathlib import Path

from ..forms import Form
from ..output import form_formats
from ..pipeline import project_files
from ..profile import CONFIG_NAME
from ..templatecheck import TemplateError, check_template, sample_vocabularies
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
                       force: bool) -> None:
    """Raise :class:`TemplateError` naming every problem when a template of the build is broken."""
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
    problems = []
    for form, fmt in todo:
        problems += check_template(form, fmt, vocabularies.get(form.id)).problems
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
