"""docgen's DOCX against its peers on the same 附件1 (monitor) form and data, at 10, 100 and 1,000 rows, in one run.

Run: .venv/bin/python bench/peers.py [--json] [--quick]
Peers, each warmed up and then timed one document at a time (median ms per document):
- docgen: the template compiled once (docgen.output.compiled_docx), then ``render(context)`` per document;
- docxtpl, naive: ``DocxTemplate(path)`` + ``render(context, autoescape=True)`` + ``save`` per document;
- docxtemplater (npm docxtemplater + pizzip): load the template zip, compile, render, generate (DEFLATE);
- Carbone (npm carbone, DOCX out, no LibreOffice): ``carbone.render(template, data)``;
- floor: deflating docgen's final word/document.xml once (zlib, docgen's level), the least any engine must do.
The two Node peers run in one ``node bench/peers.js`` process; Node (v18+) must be on PATH, and the npm packages
are installed by this script into bench/.node (git-ignored; tests never need them). Their templates are made from
the same monitor.docx: the same XML with their own tag syntax (a row loop; Carbone's ``[i]``/``[i+1]`` rows), and
the same values as flat strings. They write no vertical merges (docgen merges the 一级/二级 groups).
Each peer's output is opened and its rows counted, so a broken loop cannot pass for speed. Wall time and CPU time
(this process for the Python peers, ``process.cpuUsage()`` for the Node ones) are both printed: on a busy machine
the CPU time is the fairer comparison. ``--json`` also gives ``"docx_cpu"`` in the shape of ``"docx"``.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from projects import project

from docgen.errors import Diagnostics
from docgen.forms import find_form
from docgen.model import Project
from docgen.output import TEMPLATES, compiled_docx
from docgen.profile import build_profile
from docgen.render.env import merge
from docgen.render.package import deflate
from docgen.rules.context import compute

BENCH = Path(__file__).resolve().parent
NODE_DIR = BENCH / ".node"
NPM_PACKAGES = {"docxtemplater": "3.71.0", "pizzip": "3.3.0", "carbone": "3.8.2"}
SIZES = (10, 14, 100, 1000)  # 14: the typical form, where docgen must be ≥ 15× naive docxtpl
JSON_SIZES = (10, 100, 1000)
RUNS = {10: 60, 14: 60, 100: 20, 1000: 6}
QUICK_RUNS = {10: 10, 14: 10, 100: 5, 1000: 2}
WARMUP = 2
DOCUMENT = "word/document.xml"
_TAG = re.compile(r"\{\{ *([^{}|]+?) *(\|merge)? *\}\}")
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.DOTALL)


# ---------------------------------------------------------------- data


def context(rows: int) -> dict[str, Any]:
    form = find_form("monitor")
    assert form is not None
    result = compute(Project.model_validate(project(7, indicators=rows)), build_profile("national"), Diagnostics())
    ctx = form.build(result)
    assert len(ctx["指标"]) == rows
    return ctx


def _lookup(ctx: dict[str, Any], path: str) -> str:
    value: Any = ctx
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return "" if value is None else str(value)


class PeerTemplates:
    """monitor.docx in the tag syntax of docxtemplater and Carbone, and the context as their flat data."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as zf:
            self.parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
        xml = dict(self.parts)[DOCUMENT].decode("utf-8")
        rows = list(_ROW.finditer(xml))
        start = next(i for i, m in enumerate(rows) if "{%tr for" in m.group(0))
        end = next(i for i, m in enumerate(rows) if "{%tr endfor" in m.group(0))
        assert end == start + 2, "monitor.docx: one data row between {%tr for %} and {%tr endfor %}"
        self.head, self.row, self.tail = xml[: rows[start].start()], rows[start + 1].group(0), xml[rows[end].end():]
        self.fields: dict[str, str] = {}  # top-level expression → flat key
        self.columns: list[str] = []  # row expression (without "r.") → c0, c1 …

        def field(m: re.Match[str]) -> str:
            return "\0" + self.fields.setdefault(m.group(1), f"v{len(self.fields)}") + "\1"

        def column(m: re.Match[str]) -> str:
            self.columns.append(m.group(1).removeprefix("r."))
            return f"\0c{len(self.columns) - 1}\1"

        self.head, self.tail = _TAG.sub(field, self.head), _TAG.sub(field, self.tail)
        self.row = _TAG.sub(column, self.row)

    def data(self, ctx: dict[str, Any]) -> dict[str, Any]:
        flat: dict[str, Any] = {key: _lookup(ctx, expr) for expr, key in self.fields.items()}
        flat["rows"] = [{f"c{i}": _lookup(r, col) for i, col in enumerate(self.columns)} for r in ctx["指标"]]
        return flat

    def _write(self, xml: str, path: Path) -> Path:
        parts = [(n, xml.encode("utf-8") if n == DOCUMENT else d) for n, d in self.parts]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts:
                zf.writestr(name, data)
        return path

    def docxtemplater(self, path: Path) -> Path:
        """``{v0}``; the row loop ``{#rows}…{/rows}`` opened in its first tag and closed in its last."""
        row = self.row.replace("\0c0\1", "{#rows}{c0}", 1)
        last = f"\0c{len(self.columns) - 1}\1"
        row = row.replace(last, last.replace("\1", "}{/rows}"), 1)
        xml = (self.head + row + self.tail).replace("\0", "{").replace("\1", "}")
        return self._write(xml, path)

    def carbone(self, path: Path) -> Path:
        """``{d.v0}``; the row as ``{d.rows[i].c0}`` followed by its ``[i+1]`` twin."""
        first = self.row.replace("\0c", "\0d.rows[i].c")
        second = self.row.replace("\0c", "\0d.rows[i+1].c")
        xml = (self.head.replace("\0", "\0d.") + first + second + self.tail.replace("\0", "\0d."))
        return self._write(xml.replace("\0", "{").replace("\1", "}"), path)


def rows_written(docx: bytes, last: str = "") -> int:
    """The table rows of a document (its one table: header rows + data rows); 0 if ``last`` is not in its text."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        xml = zf.read(DOCUMENT).decode("utf-8")
    return len(re.findall(r"<w:tr[ >]", xml)) if f">{last}<" in xml or not last else 0


# ---------------------------------------------------------------- timing


Times = dict[str, list[float]]  # {"wall": [ms per document], "cpu": [ms per document]}


def timed(runs: int, one: Callable[[], Any]) -> Times:
    for _ in range(WARMUP):
        one()
    wall, cpu = [], []
    for _ in range(runs):
        start, used = time.perf_counter(), time.process_time()
        one()
        cpu.append((time.process_time() - used) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return {"wall": wall, "cpu": cpu}


def python_peers(ctx: dict[str, Any], runs: int) -> dict[str, Times]:
    form = find_form("monitor")
    assert form is not None
    docx = compiled_docx(form.docx_template())
    path = TEMPLATES / "docx" / form.docx_template()
    env = Environment(autoescape=True)
    env.filters["merge"] = merge

    def naive() -> bytes:
        tpl = DocxTemplate(str(path))
        tpl.render(ctx, jinja_env=env, autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        return buf.getvalue()

    ours = docx.render(ctx, "t")
    with zipfile.ZipFile(io.BytesIO(ours)) as zf:
        document = zf.read(DOCUMENT)

    def floor() -> bytes:
        return deflate(document)[1]  # docgen's own compressor (package.deflate)

    return {
        "docgen": timed(runs, lambda: docx.render(ctx, "t")),
        "docxtpl": timed(max(2, runs // 3), naive),
        "floor": timed(runs, floor),
    }


def install_node_peers() -> str:
    """node on PATH and the npm packages in bench/.node (installed once; pinned versions)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        sys.exit("bench/peers.py 需要 Node.js（v18 以上）和 npm：apt-get install nodejs npm")
    wanted = {"name": "docgen-bench-peers", "private": True, "dependencies": NPM_PACKAGES}
    manifest = NODE_DIR / "package.json"
    installed = all((NODE_DIR / "node_modules" / name / "package.json").is_file() for name in NPM_PACKAGES)
    if not installed or not manifest.is_file() or json.loads(manifest.read_text()) != wanted:
        NODE_DIR.mkdir(exist_ok=True)
        manifest.write_text(json.dumps(wanted, indent=2) + "\n")
        print("安装 npm 包到 bench/.node：" + ", ".join(f"{k}@{v}" for k, v in NPM_PACKAGES.items()), file=sys.stderr)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True,
                       stdout=sys.stderr)
    return node


def node_peers(node: str, templates: PeerTemplates, contexts: dict[int, dict[str, Any]],
               runs: dict[int, int], work: Path) -> dict[str, dict[int, Times]]:
    job = {
        "docxtemplater": str(templates.docxtemplater(work / "docxtemplater.docx")),
        "carbone": str(templates.carbone(work / "carbone.docx")),
        "warmup": WARMUP,
        "samples": str(work / "sample"),
        "sizes": {str(n): {"runs": runs[n], "data": templates.data(ctx)} for n, ctx in contexts.items()},
    }
    (work / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([node, str(BENCH / "peers.js"), str(work / "job.json")], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench/peers.js 失败：\n{done.stderr}")
    out = json.loads(done.stdout)
    header = rows_written(compiled_docx("monitor.docx").render(contexts[min(contexts)], "t")) - min(contexts)
    for peer in ("docxtemplater", "carbone"):
        for n, ctx in contexts.items():
            last = str(ctx["指标"][-1]["三级指标"])  # the last row's values were written, not only its frame
            got = rows_written((work / f"sample-{peer}-{n}.docx").read_bytes(), last) - header
            if got != n:
                sys.exit(f"{peer} 在 {n} 行时写出了 {got} 行：模板转换有误，计时无效")
    return {peer: {int(n): times for n, times in out[peer].items()} for peer in out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object of median ms per document")
    parser.add_argument("--quick", action="store_true", help="fewer documents per size (a smoke run)")
    args = parser.parse_args()
    runs = QUICK_RUNS if args.quick else RUNS
    node = install_node_peers()
    contexts = {n: context(n) for n in SIZES}
    times: dict[str, dict[int, Times]] = {"docgen": {}, "docxtpl": {}, "floor": {}}
    for n, ctx in contexts.items():
        for peer, t in python_peers(ctx, runs[n]).items():
            times[peer][n] = t
    with tempfile.TemporaryDirectory(prefix="docgen-bench-peers-") as tmp:
        templates = PeerTemplates(TEMPLATES / "docx" / "monitor.docx")
        times.update(node_peers(node, templates, contexts, runs, Path(tmp)))
    median = {kind: {peer: {n: statistics.median(t[kind]) for n, t in by_size.items()}
                     for peer, by_size in times.items()} for kind in ("wall", "cpu")}
    if args.json:
        order = ("docgen", "carbone", "docxtemplater", "docxtpl", "floor")
        print(json.dumps({key: {str(n): {p: round(median[kind][p][n], 3) for p in order} for n in JSON_SIZES}
                          for key, kind in (("docx", "wall"), ("docx_cpu", "cpu"))}))
        return
    print("附件1（monitor）DOCX，每份中位数 ms（同一次运行；比值 = 对方 / docgen，>1 表示 docgen 更快）")
    for kind, title in (("wall", "耗时（墙钟）"), ("cpu", "CPU 时间（机器繁忙时更可比）")):
        m = median[kind]
        print(title)
        print(f"{'行数':>6} {'docgen':>9} {'Carbone':>17} {'docxtemplater':>17} {'docxtpl 直接用法':>17} {'zip 下限':>9}")
        for n in SIZES:
            d = m["docgen"][n]
            cells = [f"{m[p][n]:8.2f} ({m[p][n] / d:5.1f}×)" for p in ("carbone", "docxtemplater", "docxtpl")]
            print(f"{n:>6} {d:9.2f} {cells[0]:>17} {cells[1]:>17} {cells[2]:>17} {m['floor'][n]:9.2f}")
    print(f"（每个大小：预热 {WARMUP} 份，再逐份计时 {', '.join(f'{n} 行 {runs[n]} 份' for n in SIZES)}；"
          "docxtpl 为其三分之一）")


if __name__ == "__main__":
    main()
