"""Shared fixtures: paths, a CLI runner that never hides exceptions, project builders."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen.errors import Diagnostics
from docgen.model import Project
from docgen.profile import Profile, build_profile
from docgen.rules.context import ProjectResult, compute

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = SAMPLES / "example-project.yaml"


def base_project() -> dict[str, Any]:
    """A small valid project as plain data (the shape of DATA.md)."""
    return {
        "项目名称": "测试项目",
        "年度": 2024,
        "主管部门": "测试县水务局",
        "实施单位": "测试县水利站",
        "资金": {"年初预算数": {"一般公共预算拨款": "100"}},
        "年度总体目标": "完成工程建设。",
        "绩效指标": [
            {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "新建工程", "指标值": "≥12处"},
            {"一级指标": "效益指标", "二级指标": "社会效益指标", "三级指标": "受益人口", "指标值": "≥1000人"},
            {"一级指标": "满意度指标", "二级指标": "服务对象满意度指标", "三级指标": "满意度", "指标值": "≥90%"},
        ],
    }


def make(data: dict[str, Any] | None = None, **changes: Any) -> Project:
    d = copy.deepcopy(data or base_project())
    d.update(changes)
    return Project.model_validate(d)


def run(project: Project, profile: Profile | None = None, as_of: Any = None) -> tuple[ProjectResult, Diagnostics]:
    diags = Diagnostics()
    result = compute(project, profile or build_profile("national"), diags, as_of)
    return result, diags


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def national() -> Profile:
    return build_profile("national")


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the templates that the test may change (DOCGEN_TEMPLATES in real use)."""
    from docgen import output

    folder = tmp_path / "templates"
    shutil.copytree(output.TEMPLATES, folder)
    monkeypatch.setattr(output, "TEMPLATES", folder)
    return folder


def make_override(templates: Path, form_id: str, fmt: str) -> Path:
    """Put the template compiled from ``form_id``'s DOCX in the copy as a hand-made override (xlsx/ID.xlsx or
    html/ID.html) and return its path."""
    from docgen.compile.cache import compile_bytes

    data = compile_bytes((templates / "docx" / f"{form_id}.docx").read_bytes(), form_id, fmt)
    path = templates / ("html" if fmt == "pdf" else "xlsx") / f"{form_id}.{'html' if fmt == 'pdf' else 'xlsx'}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path
