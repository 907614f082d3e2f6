"""What a build reads, hashed: project files, their profiles (docgen.yaml), templates, the docgen version."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import __version__, output
from ..compile.cache import COMPILER_VERSION
from ..errors import ConfigError, shown
from ..forms import Form
from ..output import form_formats, override_path
from ..pipeline import IGNORE_MARKER, project_files
from ..profile import Profile, build_profile, find_config, load_config
from ..project import WORKBOOK_SUFFIXES
from ..render.pdf import STYLESHEET
from ..render.report_pdf import STYLESHEET as REPORT_STYLESHEET
from ..sidefile import side_file_for

SCHEMA = 1  # the manifest's layout; raising it discards old manifests (as Sphinx does with its environment)


def version_key() -> str:
    """The docgen version and the manifest schema: a change rebuilds everything."""
    return f"{__version__}+manifest{SCHEMA}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


HASH_LIMIT = 64 * 1024 * 1024  # larger than any project file docgen reads; beyond it a file is not hashed
_CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    """sha256 of a file, read in chunks (never whole into memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def bounded_hash(path: Path) -> str:
    """A file's content hash; for a file too large to be a project (it is refused when read), or one that
    cannot be read, a hash of what is known of it: bounded work for any file (a 6 GB file included)."""
    try:
        stat = path.stat()
        if stat.st_size <= HASH_LIMIT:
            return sha256_file(path)
        mark = f"too-large {stat.st_size} {stat.st_mtime_ns}"
    except OSError as exc:  # unreadable or gone: reading the project says so, with its name
        mark = f"unreadable {exc.errno}"
    return sha256_bytes(mark.encode())


def data_hash(path: Path) -> str:
    """sha256 of a project's data: the file, and its reviewer's side file (``<stem>.反馈.yaml``) when there is one."""
    side = side_file_for(path)
    if not side.is_file():
        return bounded_hash(path)
    return sha256_bytes(f"{bounded_hash(path)} {bounded_hash(side)}".encode())


def profile_hash(profile: Profile) -> str:
    """Sorted JSON of every setting that can change an output: a docgen.yaml override changes it, a comment does
    not. The plausibility thresholds only decide warnings, and ``as_of`` counts only when a build sets it."""
    leave_out = {"plausibility"} | ({"as_of"} if profile.as_of is None else set())
    text = json.dumps(profile.model_dump(mode="json", exclude=leave_out), sort_keys=True, ensure_ascii=False)
    return sha256_bytes(text.encode("utf-8"))


@dataclass
class Source:
    """One project file found under the build folder."""

    key: str  # its path relative to the build folder, with "/" (the manifest's name for it)
    path: Path
    display: str
    data_hash: str
    profile: Profile | None
    profile_hash: str
    errors: list[str] = field(default_factory=list)  # a docgen.yaml that cannot be used


def _profile(config: Path | None) -> tuple[Profile | None, str, list[str]]:
    """Read a docgen.yaml afresh (not through profile_for's cache: a build must see an edit)."""
    try:
        profile = load_config(config) if config is not None else build_profile("national")
    except ConfigError as exc:
        return None, "", [str(d) for d in exc.diagnostics] or [str(exc)]
    return profile, profile_hash(profile), []


def _chosen(profile_name: str | None, as_of: date | None) -> tuple[Profile | None, str, list[str]]:
    """``--profile`` (instead of every docgen.yaml) and ``--as-of`` (carried by the profile, hashed with it)."""
    try:
        profile = build_profile(profile_name or "national")
    except ConfigError as exc:
        return None, "", [str(d) for d in exc.diagnostics] or [str(exc)]
    profile = profile.model_copy(update={"as_of": as_of})
    return profile, profile_hash(profile), []


def scan(root: Path, profile_name: str | None = None, as_of: date | None = None) -> list[Source]:
    """Every project file under ``root`` (hidden and .docgen-ignore folders skipped), hashed. ``profile_name``
    replaces each folder's docgen.yaml; ``as_of`` computes every project as of that date."""
    profiles: dict[Path | None, tuple[Profile | None, str, list[str]]] = {}
    configs: dict[Path, Path | None] = {}
    chosen = _chosen(profile_name, as_of) if profile_name else None
    out = []
    for path, display in project_files([root]):
        folder = path.parent
        if folder not in configs:
            configs[folder] = find_config(path)
        config = configs[folder]
        if config not in profiles:
            profiles[config] = _profile(config) if as_of is None else _dated(_profile(config), as_of)
        profile, phash, errors = chosen or profiles[config]
        key = path.relative_to(root).as_posix()
        out.append(Source(key, path, display, data_hash(path), profile, phash, list(errors)))
    return out


def lost_projects(root: Path, were: set[str], found: list[Source]) -> list[Source]:
    """Projects of earlier builds whose file is still there but no longer reads as a project (a truncated,
    encrypted or damaged workbook, a file made unreadable): each is a project with an error, never a deleted
    one, so that its outputs are kept. A file that is really gone, or sits in a folder now skipped, is deleted.
    """
    present = {s.key for s in found}
    out = []
    for key in sorted(were - present):
        parts = key.split("/")
        path = root.joinpath(*parts)
        if any(p.startswith(".") for p in parts) or not (path.exists() or path.is_symlink()):
            continue
        if any((root.joinpath(*parts[:i]) / IGNORE_MARKER).exists() for i in range(1, len(parts))):
            continue
        display = shown(str(root / key))
        message = f"{display}: {damage(path)}；上次生成的文件已保留。修复或换回完好的文件后重新运行 docgen build" \
                  "（确实要删除这个项目时，请删除或移走该文件）"
        out.append(Source(key, path, display, bounded_hash(path), None, "", [message]))
    return out


def damage(path: Path) -> str:
    """Why a file that was a project is not read as one now."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except PermissionError:
        return "这个文件上次是项目数据，现在没有读取权限"
    except OSError as exc:
        return f"这个文件上次是项目数据，现在无法读取（错误号 {exc.errno}）"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: an encrypted workbook (or an old .xls)
        return "这个工作簿上次是项目数据，现在设置了打开密码（已加密）或另存成了旧格式：请取消密码，另存为 .xlsx"
    if not head:
        return "这个文件上次是项目数据，现在是空文件（0 字节）"
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return ("这个工作簿上次是项目数据，现在无法作为 docgen 填报工作簿读取"
                "（文件不完整或已损坏，或缺少“_docgen”工作表）")
    return "这个文件上次是项目数据，现在无法作为项目数据读取"



def _dated(found: tuple[Profile | None, str, list[str]], as_of: date) -> tuple[Profile | None, str, list[str]]:
    profile = found[0]
    if profile is None:
        return found
    profile = profile.model_copy(update={"as_of": as_of})
    return profile, profile_hash(profile), []


def template_inputs(form: Form, fmt: str) -> list[Path]:
    """The files a form's output in ``fmt`` is made from. The DOCX first, for every format: the XLSX and HTML
    templates are compiled from it, so editing the Word file rebuilds the form's DOCX, XLSX and PDF. Then the
    hand-made XLSX/HTML override when there is one; for PDF also the shared stylesheet (forms.css for a form,
    report.css for a report)."""
    docx = output.TEMPLATES / "docx" / form.docx_template()
    if fmt == "docx":
        return [docx]
    paths = [docx]
    override = override_path(form, fmt)
    if override is not None:
        paths.append(override)
    if fmt == "pdf":
        paths.append(output.TEMPLATES / "html" / (STYLESHEET if form.tabular else REPORT_STYLESHEET))
    return paths


def template_hash(form: Form, fmt: str) -> str:
    """sha256 of the template's inputs (the DOCX alone for a DOCX; else the hashes of the DOCX, the override, the
    stylesheet and the compiler's version); "" when the DOCX is missing."""
    paths = template_inputs(form, fmt)
    if not paths[0].is_file():
        return ""
    if len(paths) == 1:
        return sha256_file(paths[0])
    parts = [f"{p.name} {sha256_file(p) if p.is_file() else 'missing'}" for p in paths]
    parts.append(f"compiler {COMPILER_VERSION}")
    return sha256_bytes("\n".join(parts).encode("utf-8"))


def template_hashes(forms: list[Form], formats: tuple[str, ...]) -> dict[tuple[str, str], str]:
    """The template hash of each (form id, format) the form exists in (a report has no XLSX):
    a change to forms.css changes every form's PDF, one to report.css every report's."""
    return {(form.id, fmt): template_hash(form, fmt) for form in forms for fmt in form_formats(form, formats)}
