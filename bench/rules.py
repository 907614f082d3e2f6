"""Time load + compute of a project against YAML parsing alone, in the same process.

Run: .venv/bin/python bench/rules.py [N]
Prints ms per project for (a) parsing the YAML only (baseline) and (b) docgen's full
load → validate → compute, and the ratio between them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from docgen.errors import Diagnostics
from docgen.profile import build_profile
from docgen.project import validate
from docgen.rules.context import compute
from docgen.yamlfile import decode, parse

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    raw = (ROOT / "samples" / "example-project.yaml").read_bytes()
    profile = build_profile("national")

    start = time.perf_counter()
    for _ in range(n):
        parse(decode(raw, "x"), "x")
    baseline = (time.perf_counter() - start) / n * 1000

    start = time.perf_counter()
    for _ in range(n):
        loaded = validate(parse(decode(raw, "x"), "x"))
        compute(loaded.project, profile, Diagnostics())
    full = (time.perf_counter() - start) / n * 1000

    print(f"YAML 解析（基线）: {baseline:.2f} ms/项目")
    print(f"读取+校验+计算:   {full:.2f} ms/项目")
    print(f"比值: {full / baseline:.2f}×（校验和计算相对于单纯解析的额外开销）")


if __name__ == "__main__":
    main()
