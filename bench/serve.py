"""Load on the web desk: ``docgen serve`` over 300 generated projects, 20 concurrent clients for 30 s.

Run: .venv/bin/python bench/serve.py [--projects 300] [--clients 20] [--seconds 30]

Everything stays on this machine: the server listens on 127.0.0.1 only, the clients are threads of this
process. Each client logs in (16 reviewers, 4 units) and loops over a bounded mix of requests until the
time is up: the triage page (filtered now and then), a project page, a form download (DOCX or XLSX), an
opinion save (GET the editor, POST a changed sentence), a unit's own list, and a PDF preview from a small
set of projects (the first preview of each is timed apart: it pays for WeasyPrint's start-up). Prints
requests/s, p50/p95/max latency per kind and overall, and the errors (any unexpected status or exception).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from projects import DEPARTMENTS, project

PASSWORD = "bench-password"
PDF_PROJECTS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup(root: Path, n: int) -> None:
    for seed in range(n):
        dept = DEPARTMENTS[seed % len(DEPARTMENTS)]
        folder = root / dept
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(project(seed), allow_unicode=True, sort_keys=False)
        (folder / f"project-{seed:04d}.yaml").write_text(text, encoding="utf-8")
    pw = root.parent / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    docgen = str(Path(sys.executable).parent / "docgen")
    for i in range(16):
        subprocess.run([docgen, "user", "add", str(root), f"reviewer{i}", "--role", "审核人", "--password-file",
                        str(pw)], check=True, stdout=subprocess.DEVNULL)
    for i, dept in enumerate(DEPARTMENTS[:4]):
        subprocess.run([docgen, "user", "add", str(root), f"unit{i}", "--role", "单位", "--unit", dept,
                        "--password-file", str(pw)], check=True, stdout=subprocess.DEVNULL)


def _login(base: str, name: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)  # type: ignore[union-attr]
    r = c.post("/login", data={"csrf": token, "name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    page = c.get("/unit").text
    return c, re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if not ok:
                self.errors.append(f"{kind}: {note}")


def _timed(results: Results, kind: str, call, expect: tuple[int, ...] = (200,)) -> httpx.Response | None:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    try:
        r = call()
    except httpx.HTTPError as exc:
        results.add(kind, time.perf_counter() - t, False, repr(exc))
        return None
    results.add(kind, time.perf_counter() - t, r.status_code in expect, f"HTTP {r.status_code}")
    return r


def _client(i: int, session: tuple[httpx.Client, str], ids: list[str], deadline: float, results: Results,
            pdf_ids: list[str], first_pdf: set[str], pdf_lock: threading.Lock) -> None:
    rng = random.Random(i)
    unit = i >= 16
    c, token = session
    own = [x for x in re.findall(r'href="/p/([0-9a-f]{16})"', c.get("/unit").text)] if unit else ids
    mine = [x for k, x in enumerate(ids) if k % 16 == i]  # the projects whose opinions this reviewer saves
    while time.perf_counter() < deadline:
        roll = rng.random()
        pid = rng.choice(own)
        if unit:
            if roll < 0.4:
                _timed(results, "单位项目列表", lambda: c.get("/unit"))
            elif roll < 0.8:
                _timed(results, "项目页", lambda pid=pid: c.get(f"/p/{pid}"))
            else:
                _timed(results, "表单下载", lambda pid=pid: c.get(f"/p/{pid}/form/target.docx"))
            continue
        if roll < 0.25:
            params = rng.choice([{}, {"page": 2}, {"dept": rng.choice(DEPARTMENTS)}, {"light": "红灯"},
                                 {"status": "已起草"}])
            _timed(results, "审核台账", lambda params=params: c.get("/triage", params=params))
        elif roll < 0.55:
            _timed(results, "项目页", lambda pid=pid: c.get(f"/p/{pid}"))
        elif roll < 0.8:
            fmt = rng.choice(["docx", "xlsx"])
            form = rng.choice(["target", "tracking", "monitor"])
            _timed(results, "表单下载", lambda pid=pid, form=form, fmt=fmt: c.get(f"/p/{pid}/form/{form}.{fmt}"))
        elif roll < 0.95:
            target = rng.choice(mine)
            r = _timed(results, "意见编辑页", lambda target=target: c.get(f"/p/{target}/opinions"))
            if r is None or r.status_code != 200:
                continue
            version = re.search(r'name="version" value="([^"]*)"', r.text).group(1)  # type: ignore[union-attr]
            values = dict(re.findall(r'<textarea id="f\d+" name="([^"]+)">([^<]*)</textarea>', r.text))
            values["意见.项目管理"] = f"第{rng.randint(1, 10**6)}次修改：项目管理基本规范。"
            data = {"csrf": token, "version": version, **values}
            _timed(results, "保存意见", lambda target=target, data=data: c.post(f"/p/{target}/opinions", data=data),
                   (303,))
        else:
            target = rng.choice(pdf_ids)
            with pdf_lock:
                first = target not in first_pdf
                first_pdf.add(target)
            kind = "首次PDF预览" if first else "PDF预览"
            _timed(results, kind, lambda target=target: c.get(f"/p/{target}/form/target.pdf", params={"view": "1"}))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ms(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=300)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="docgen-serve-bench-"))
    root = tmp / "projects"
    proc = None
    try:
        _setup(root, args.projects)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([str(Path(sys.executable).parent / "docgen"), "serve", str(root), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=subprocess.DEVNULL)
        t = time.perf_counter()
        for _ in range(300):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        c, _ = _login(base, "reviewer0")  # its first page waits for the start-up reading of every project
        page = c.get("/triage").text
        cold = time.perf_counter() - t
        ids = list(dict.fromkeys(re.findall(r'href="/p/([0-9a-f]{16})"', page)))
        n = 2
        while len(ids) < args.projects and n < 100:  # the triage shows 100 rows a page
            more = re.findall(r'href="/p/([0-9a-f]{16})"', c.get("/triage", params={"page": n}).text)
            ids = list(dict.fromkeys([*ids, *more]))
            n += 1
        assert len(ids) == args.projects, len(ids)
        print(f"{args.projects} 个项目；启动到第一次显示审核台账（读入并计算全部项目）{cold:.2f} s")
        # every client logs in first (argon2 is slow on purpose), and each template is compiled once
        sessions = [_login(base, f"unit{i - 16}" if i >= 16 else f"reviewer{i}") for i in range(args.clients)]
        t = time.perf_counter()
        for form in ("target", "tracking", "monitor"):
            for fmt in ("docx", "xlsx"):
                c.get(f"/p/{ids[-1]}/form/{form}.{fmt}")
        print(f"首次生成各表单（编译模板）{time.perf_counter() - t:.2f} s")
        results = Results()
        first_pdf: set[str] = set()
        pdf_lock = threading.Lock()
        cpu_before = _cpu_seconds(proc.pid)
        deadline = time.perf_counter() + args.seconds
        start = time.perf_counter()
        threads = [threading.Thread(target=_client, args=(i, sessions[i], ids, deadline, results, ids[:PDF_PROJECTS],
                                                          first_pdf, pdf_lock)) for i in range(args.clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - start
        server_cpu = _cpu_seconds(proc.pid) - cpu_before
        total = sum(len(v) for v in results.times.values())
        print(f"{args.clients} 个并发客户端，{elapsed:.1f} s，共 {total} 个请求，{total / elapsed:.1f} 请求/秒；"
              f"错误 {len(results.errors)} 个")
        print(f"{'类别':<10}{'次数':>6}{'p50 ms':>9}{'p95 ms':>9}{'最大 ms':>9}")
        for kind, values in sorted(results.times.items(), key=lambda kv: -len(kv[1])):
            print(f"{kind:<10}{len(values):>6}{_ms(values, 50):>9.0f}{_ms(values, 95):>9.0f}{max(values) * 1000:>9.0f}")
        rest = [v for k, vs in results.times.items() if k != "首次PDF预览" for v in vs]
        print(f"{'全部(除首次PDF)':<10}{len(rest):>6}{_ms(rest, 50):>9.0f}{_ms(rest, 95):>9.0f}{max(rest) * 1000:>9.0f}")
        print(f"服务器进程在这 {elapsed:.1f} s 中用了 {server_cpu:.1f} s CPU（平均每个请求 {server_cpu / total * 1000:.1f} ms；"
              f"占一个核的 {server_cpu / elapsed:.0%}）")
        for e in results.errors[:10]:
            print("错误：", e)
        load = os.getloadavg()
        print(f"机器：{os.cpu_count()} 个 CPU 核，负载 {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}（1/5/15 分钟；"
              "与其他进程共用时数字偏慢）；服务器为单个 uvicorn 进程，客户端与服务器在同一台机器上。")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
