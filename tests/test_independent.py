"""Project files written from DATA.md and RULES.md by someone who never saw the code.

Each ``*.expected.json`` holds figures derived by hand; every key present must match exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docgen.pipeline import run_file
from docgen.present import result_json

from .conftest import FIXTURES

CASES = sorted((FIXTURES / "independent").glob("*.yaml"))


def _subset(expected: Any, got: Any, where: str, out: list[str]) -> None:
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            out.append(f"{where}: {got!r}")
            return
        for key, value in expected.items():
            if key not in got:
                out.append(f"{where}.{key}: missing")
            else:
                _subset(value, got[key], f"{where}.{key}", out)
    elif isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            out.append(f"{where}: {got!r}")
            return
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            _subset(e, g, f"{where}[{i}]", out)
    elif expected != got:
        out.append(f"{where}: expected {expected!r}, got {got!r}")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_independent_figures(path: Path) -> None:
    outcome = run_file(path, path.name)
    assert outcome.ok and outcome.result is not None, [str(d) for d in outcome.diagnostics]
    expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    _subset(expected, result_json(outcome.result), "", problems)
    assert not problems, problems


def test_there_are_independent_cases() -> None:
    assert len(CASES) >= 5
