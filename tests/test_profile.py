"""Profiles as data files and docgen.yaml overrides."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from docgen.errors import ConfigError
from docgen.pipeline import run_file
from docgen.profile import build_profile, builtin_profiles, load_config, profile_for

from .conftest import EXAMPLE, SAMPLES


def test_builtin_profiles() -> None:
    assert builtin_profiles() == ["fufeng", "hangjinqi", "menghai", "national"]
    for name in builtin_profiles():
        p = build_profile(name)
        assert p.id == name
        assert p.self_eval.weights["预算执行率"] == 10
        assert p.scope.amount_from == 20


def test_fufeng_grade_names() -> None:
    assert [g.name for g in build_profile("fufeng").self_eval.grades] == ["优", "良", "合格", "不合格"]
    assert [g.name for g in build_profile("national").self_eval.grades] == ["优", "良", "中", "差"]


def test_fufeng_samples_use_their_docgen_yaml() -> None:
    path = SAMPLES / "fufeng" / "gaobiaozhun-nongtian.yaml"
    assert profile_for(path).id == "fufeng"
    outcome = run_file(path, str(path))
    assert outcome.result is not None and outcome.result.self_eval is not None
    assert outcome.result.self_eval.grade == "合格"
    assert profile_for(EXAMPLE).id == "national"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "docgen.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_override_single_setting(tmp_path: Path) -> None:
    p = load_config(_config(tmp_path, "配置方案: menghai\n跟踪范围:\n  金额下限: 50\n"))
    assert p.id == "menghai" and p.scope.amount_from == Decimal(50)
    assert p.indicator_alert.red_below == 60  # untouched settings keep the profile's value


def test_override_changes_results(tmp_path: Path) -> None:
    _config(tmp_path, "预算执行预警:\n  红灯低于: 70\n")
    project = tmp_path / "p.yaml"
    project.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    outcome = run_file(project, "p.yaml")
    assert outcome.result is not None
    assert outcome.result.snapshots[0].budget.light == "红灯"  # 执行进度比 68% is now below the red bound of 70%


@pytest.mark.parametrize(
    ("text", "where", "word"),
    [
        ("配置方案: fufong\n", "docgen.yaml:1: 配置方案", "是否应为“fufeng”"),
        ("跟踪范围:\n  金额下线: 50\n", "docgen.yaml:2: 跟踪范围.金额下线", "是否应为“金额下限”"),
        ("跟踪范围:\n  金额下限: abc\n", "docgen.yaml:2: 跟踪范围.金额下限", "设置值不正确"),
        ("自评:\n  反向指标计分: 平方\n", "docgen.yaml:2: 自评.反向指标计分", "设置值不正确"),
        ("- a\n", "docgen.yaml:1", "顶层应为键值映射"),
    ],
)
def test_bad_override_is_located(tmp_path: Path, text: str, where: str, word: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(_config(tmp_path, text))
    messages = [str(d) for d in info.value.diagnostics]
    assert any(where in m and word in m for m in messages), messages


def test_bad_config_fails_its_projects_with_a_message(tmp_path: Path) -> None:
    _config(tmp_path, "跟踪范围:\n  金额下线: 50\n")
    project = tmp_path / "p.yaml"
    project.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    outcome = run_file(project, "p.yaml")
    assert not outcome.ok
    assert any("金额下线" in str(d) and "docgen.yaml:2" in str(d) for d in outcome.diagnostics)
