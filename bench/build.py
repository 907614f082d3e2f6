"""Time ``docgen build`` on 1,000 generated projects: full build, no-op, one template touched, one project edited.

Run: .venv/bin/python bench/build.py [N] [--jobs J]   (default 1,000 projects, --jobs = CPU cores)

Generates N realistic projects (bench/projects.py: 8–20 indicators, one or two 监控 entries; every third
one with a 自评) into a temporary folder, copies templates/ there and points DOCGEN_TEMPLATES at the
copy, then runs the real command line four times and prints, for each step, the wall time and how
many files it rebuilt (from the build's summary), and checks what the acceptance criteria require.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from projects import project

ROOT = Path(__file__).resolve().parents[1]
MONITOR = "项目支出绩效监控情况表"


def with_self_eval(data: dict, seed: int) -> dict:
    """Every third project also has a year-end 自评 (actuals taken from its last 监控 forecast)."""
    if seed % 3:
        return data
    last = data["监控"][-1]
    general = data["资金"]["年初预算数"]["一般公共预算拨款"]
    indicators = {}
    for name, entry in last["指标"].items():
        if "完成可能性" in entry:  # qualitative
            indicators[name] = {"实际完成值": "已建立长效机制", "完成程度": "达成"}
        else:
            indicators[name] = {"实际完成值": entry["全年预计"]}
    data["自评"] = {"执行数": {"一般公共预算拨款": f"{float(general) * 0.96:.2f}"},
                  "总体目标完成情况": "基本完成年度目标。", "指标": indicators}
    return data


def generate(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        text = yaml.safe_dump(with_self_eval(project(i), i), allow_unicode=True, sort_keys=False)
        (folder / f"p{i:04d}.yaml").write_text(text, encoding="utf-8")


def touch_template(path: Path) -> None:
    """Rewrite a DOCX template with another title in docProps/core.xml: still valid, different bytes."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dc:title>[^<]*</dc:title>|<dc:title/>", b"", data)
                data = data.replace(b"</cp:coreProperties>", b"<dc:title>bench</dc:title></cp:coreProperties>")
            zf.writestr(info, data)


def run(src: Path, out: Path, jobs: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    cmd = [sys.executable, "-c", "from docgen.cli import main; main()", "build", str(src), "-o", str(out), *jobs,
           "--format", "docx", "--format", "xlsx"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit(f"docgen build 失败（退出码 {proc.returncode}）")
    found = re.search(r"已生成\s*│\s*(\d+)", proc.stdout)
    return took, int(found.group(1)) if found else -1, proc.stdout


def rebuilt(out: Path) -> list[str]:
    """The files the last build rebuilt, from OUT/changes.md."""
    text = (out / "changes.md").read_text(encoding="utf-8")
    section = text.split("## 重新生成的文件", 1)[1]
    return [line[2:] for line in section.splitlines() if line.startswith("- ")]


def main() -> None:
    args = sys.argv[1:]
    jobs = []
    if "--jobs" in args:
        at = args.index("--jobs")
        jobs = ["--jobs", args[at + 1]]
        del args[at:at + 2]
    n = int(args[0]) if args else 1000
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        base = Path(tmp)
        src, out, templates = base / "projects", base / "out", base / "templates"
        generate(src, n)
        shutil.copytree(ROOT / "templates", templates)
        env = {**os.environ, "DOCGEN_TEMPLATES": str(templates)}
        cores = os.cpu_count()
        print(f"docgen build：{n} 个生成的项目，{cores} 个 CPU 核，{' '.join(jobs) or '--jobs 默认（核数）'}")

        took, count, _ = run(src, out, jobs, env)
        print(f"全部生成（DOCX+XLSX）      {took:6.2f} s   生成 {count} 份")
        monitors = len(list(out.rglob(f"{MONITOR}.docx")))

        took, count, _ = run(src, out, jobs, env)
        print(f"无变化重建                 {took:6.2f} s   生成 {count} 份")

        touch_template(templates / "docx" / "monitor.docx")
        took, count, _ = run(src, out, jobs, env)
        files = rebuilt(out)
        # the Word file is the source of the form's Excel template too: its DOCX and XLSX are rebuilt, nothing else
        only = all(f.endswith((f"/{MONITOR}.docx", f"/{MONITOR}.xlsx")) for f in files) and len(files) == 2 * monitors
        print(f"改动 monitor.docx 后重建   {took:6.2f} s   生成 {count} 份"
              f"（{'恰好是全部 ' + str(monitors) + ' 份附件1 Word 和 Excel' if only else '与预期不符'}）")

        edited = src / "p0007.yaml"
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("资金拨付进度偏慢。", "资金拨付进度明显偏慢。", 1), encoding="utf-8")
        took, count, _ = run(src, out, jobs, env)
        files = rebuilt(out)
        name = "2024年第7号民生项目 & 配套工程"
        own = [f for f in files if name in f.split("/")[:-1]]  # OUT/主管部门/项目名称/表名.ext
        aggregates = [f for f in files if f.startswith("汇总/")]
        only = len(own) + len(aggregates) == len(files) and own
        print(f"修改一个项目后重建         {took:6.2f} s   生成 {count} 份（该项目 {len(own)} 份，"
              f"汇总 {len(aggregates)} 份{'' if only else '，另有其他文件：与预期不符'}）")


if __name__ == "__main__":
    main()
