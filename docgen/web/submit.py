"""A unit's upload: validated at once; an accepted file replaces the current one atomically, every upload is kept.

Every uploaded file (accepted or not) and every replaced version is stored in ``DIR/.docgen/history/``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..errors import InputError, Level
from ..intake.yamlout import dump_project
from ..output import safe_name
from ..pipeline import run_file
from ..project import WORKBOOK_SUFFIXES, validate
from ..render.package import write_atomic
from ..yamlfile import parse
from .projects import YAML_SUFFIXES, Projects
from .store import UNIT, UNREVIEWED, Account, Store

MAX_UPLOAD = 5 * 1024 * 1024  # a filled workbook is a few hundred KB
ACCEPTED_SUFFIXES = (*YAML_SUFFIXES, *WORKBOOK_SUFFIXES)


@dataclass
class Submission:
    accepted: bool
    messages: list[str] = field(default_factory=list)  # as the CLI prints them, located
    project: str = ""  # the project's rel path, when known
    summary: str = ""


def upload_name(filename: str) -> str:
    """The uploaded file's own name, made safe (no folders, no control characters)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        return safe_name(base)
    return f"{safe_name(stem)}.{safe_name(suffix, 10).lower()}"


def _keep(store: Store, name: str, data: bytes) -> str:
    """Store bytes in the history folder; returns the stored file's name (never chosen by the user)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    stored = f"{stamp}-{secrets.token_hex(4)}-{name}"
    write_atomic(store.dir / "history" / stored, data)
    return stored


def _target(root: Path, projects: Projects, account: Account, name: str, dept: str) -> Path:
    """The current file of this project (same 项目名称 and 主管部门), or a new one in the department's folder."""
    for entry in projects.visible(account):
        if entry.name == name and entry.department == dept:
            return entry.path
    folder = root / safe_name(dept)
    path = folder / f"{safe_name(name)}.yaml"
    n = 2
    while path.exists():
        path = folder / f"{safe_name(name)}（{n}）.yaml"
        n += 1
    return path


def submit(root: Path, store: Store, projects: Projects, account: Account, filename: str,
           data: bytes) -> Submission:
    name = upload_name(filename)
    suffix = Path(name).suffix.lower()
    unit = account.unit
    if suffix not in ACCEPTED_SUFFIXES:
        return Submission(False, [f"{name}: 只接受填报工作簿（.xlsx）或项目数据文件（.yaml/.yml）"])
    if len(data) > MAX_UPLOAD:
        return Submission(False, [f"{name}: 文件超过 {MAX_UPLOAD // 1024 // 1024} MB，未接收"])
    stored = _keep(store, name, data)
    path = store.dir / "history" / stored
    try:
        outcome = run_file(path, name)
    except Exception as exc:  # a hostile file must never take the desk down
        outcome = None
        messages = [f"{name}: 无法读取文件（{type(exc).__name__}），请用 docgen intake new 生成的工作簿填写"]
    if outcome is not None:
        messages = [str(d) for d in outcome.diagnostics]
    if outcome is None or not outcome.ok or outcome.result is None:
        store.add_history("", unit, name, stored, False, account.name, "有错误，未采用")
        store.audit(account.name, "提交（有错误，未采用）", name, f"{len(messages)} 条问题")
        return Submission(False, messages, summary="文件有错误，未采用；请修改后重新提交。")
    project = outcome.result.project
    if account.role == UNIT and unit not in (project.department, project.unit):
        messages.insert(0, f"{name}: 主管部门“{project.department}”、实施单位“{project.unit}”都不是本单位"
                           f"（{unit}），未采用")
        store.add_history("", unit, name, stored, False, account.name, "不是本单位的项目")
        return Submission(False, messages, summary="只能提交本单位的项目。")
    target = _target(root, projects, account, project.name, project.department)
    rel = target.relative_to(root).as_posix()
    if suffix in WORKBOOK_SUFFIXES:
        text = dump_project(project, name)
        try:
            again = validate(parse(text, rel)).project
        except InputError as exc:
            return Submission(False, [*messages, str(exc)], summary="工作簿转换失败，未采用。")
        if again.model_dump() != project.model_dump():
            return Submission(False, messages, summary="工作簿转换结果不一致，未采用（请把文件发给维护人员）。")
        content = text.encode("utf-8")
    else:
        content = data
    if target.is_file():
        previous = target.read_bytes()
        if previous == content:
            store.add_history(rel, unit, name, stored, True, account.name, "与当前版本相同")
            return Submission(True, messages, rel, "与当前版本相同，无需更新。")
        kept = _keep(store, target.name, previous)
        store.add_history(rel, unit, target.name, kept, True, account.name, "被替换的上一版本")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, content)
    store.add_history(rel, unit, name, stored, True, account.name, "已采用为当前版本")
    store.set_status(rel, UNREVIEWED, account.name)
    store.audit(account.name, "提交（已采用）", rel, name)
    projects.reload(target)
    warnings = sum(1 for d in outcome.diagnostics if d.level is Level.WARNING)
    tail = f"；另有 {warnings} 条警告" if warnings else ""
    return Submission(True, messages, rel, f"已采用为“{project.name}”的当前版本{tail}。")
