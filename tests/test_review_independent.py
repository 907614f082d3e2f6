"""``docgen review`` on project files written by a colleague from DATA.md and RULES.md alone (never the code).

tests/fixtures/review-independent/expected.yaml holds, per file, what each drafted 表3 opinion must cite
(hand-computed figures, indicator names, the 001 第十五条 treatment) or ``none`` when that category has no finding.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from docgen.cli import cli
from docgen.review.sidefile import run_reviewed

FIXTURES = Path(__file__).parent / "fixtures" / "review-independent"
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text("utf-8"))
CATEGORIES = ("预算执行进度", "项目管理", "调整预算", "绩效目标")
TREATMENT = "第十五条"  # every proposed treatment names its clause


def drafted(tmp_path: Path, name: str) -> dict[str, str]:
    path = tmp_path / name
    shutil.copyfile(FIXTURES / name, path)
    res = CliRunner().invoke(cli, ["review", str(path)])
    assert res.exit_code == 0, res.output
    outcome = run_reviewed(path, str(path))
    assert outcome.ok, [str(d) for d in outcome.diagnostics]
    fb = outcome.result.project.feedback
    return {**{k: fb.opinions.get(k) or "" for k in CATEGORIES}, "整改要求": "\n".join(fb.requirements)}


def _present(keyword: str | list[str], text: str) -> bool:
    return any(k in text for k in keyword) if isinstance(keyword, list) else keyword in text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_opinions_cite_the_hand_computed_figures(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    ops = drafted(tmp_path, name)
    for category in CATEGORIES:
        wanted = expected["opinions"][category]
        text = ops[category]
        if wanted == "none":
            assert TREATMENT not in text and "偏慢" not in text, f"{name} {category}: {text}"
        else:
            missing = [k for k in wanted if not _present(k, text)]
            assert not missing, f"{name} {category}: {missing} not in {text}"
    everything = "\n".join(ops.values())
    if expected["clean"]:
        assert expected.get("clean_phrase", "未发现明显问题") in everything
        assert TREATMENT not in everything
    for keyword in expected.get("serious_keywords", []) if expected["serious"] else []:
        assert keyword in everything, f"{name}: {keyword}"
    if not expected["serious"]:
        assert "暂停项目实施" not in everything
