"""Local process pool against a Dask LocalCluster of as many worker processes, on the same cores, in one run.

Run: .venv/bin/python bench/scale.py [N ...] [--workers W] [--no-pdf]   (default: 1000 3000, W = CPU cores)

For each N it generates N projects (bench/build.py's generator), builds them DOCX+XLSX with the local pool
(``--jobs W``) and with ``--cluster local:W``, and a tenth of them as PDF with each engine too (unless --no-pdf
or WeasyPrint is missing). Each build runs in its own process, which prints its wall time and peak memory (the
coordinator alone: the build process, which for the LocalCluster also holds the Dask scheduler). Printed: wall
time, files/s, coordinator peak memory, the cluster/pool ratio (acceptance: ≤ 1.3), the engine's overhead per
task (the difference of the wall times ÷ tasks, and a direct measure with empty tasks), and what it would cost to
send every file's bytes back to the coordinator instead of letting the workers write into OUT.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import generate

ROOT = Path(__file__).resolve().parents[1]


def child(src: str, out: str, engine: str, formats: str) -> None:
    """One build in this process; print what the parent reads."""
    from docgen.builder import BuildOptions, build

    workers = int(engine.split(":")[1])
    options = BuildOptions(Path(src), Path(out), formats=tuple(formats.split(",")),
                           jobs=workers if engine.startswith("pool") else None,
                           cluster=f"local:{workers}" if engine.startswith("dask") else None)
    start = time.perf_counter()
    result = build(options)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB → MiB (Linux)
    cpu = sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))
    files = [p for p in Path(out).rglob("*") if p.is_file() and p.suffix in (".docx", ".xlsx", ".pdf")]
    size = sum(p.stat().st_size for p in files) / max(1, len(files))
    print(json.dumps({"wall": took, "built": len(result.built), "failures": len(result.failures),
                      "peak_mb": peak, "cpu": cpu, "tasks": result.tasks, "avg_size": size}))


def run_child(src: Path, out: Path, engine: str, formats: str, env: dict[str, str]) -> dict:
    cmd = [sys.executable, __file__, "--child", str(src), str(out), engine, formats]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-3000:])
        raise SystemExit(f"{engine} 生成失败")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _noop(x: int) -> int:
    return x


def _file_bytes(size: int) -> bytes:
    return os.urandom(size)


def task_overhead(workers: int, size: int, count: int = 600) -> tuple[float, float, float]:
    """ms per empty task on the pool and on the cluster, and the extra ms per task that returns ``size`` bytes
    (a document sent back to the coordinator) on the cluster."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    import distributed

    def drive(submit) -> float:  # the build's loop: a window of 16 tasks in flight
        start = time.perf_counter()
        pending: set = set()
        for i in range(count):
            pending.add(submit(i))
            if len(pending) >= 16:
                _, pending = wait(pending, return_when=FIRST_COMPLETED)
        wait(pending)
        return (time.perf_counter() - start) / count * 1000

    with ProcessPoolExecutor(workers) as pool:
        drive(lambda i: pool.submit(_noop, i))
        pool_ms = drive(lambda i: pool.submit(_noop, i))
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        ex = client.get_executor(pure=False)
        drive(lambda i: ex.submit(_noop, i))
        dask_ms = drive(lambda i: ex.submit(_noop, i))
        bytes_ms = drive(lambda i: ex.submit(_file_bytes, size))
    return pool_ms, dask_ms, bytes_ms - dask_ms


def pdf_available() -> bool:
    from docgen.output import available_formats

    return "pdf" in available_formats()


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--child":
        child(*args[1:5])
        return
    workers = os.cpu_count() or 2
    if "--workers" in args:
        at = args.index("--workers")
        workers = int(args[at + 1])
        del args[at:at + 2]
    pdf = "--no-pdf" not in args and pdf_available()
    args = [a for a in args if a != "--no-pdf"]
    sizes = [int(a) for a in args] or [1000, 3000]
    print(f"本机进程池 与 Dask LocalCluster：各 {workers} 个工作进程，{os.cpu_count()} 个 CPU 核；"
          f"DOCX+XLSX{'，十分之一的项目另生成 PDF' if pdf else '（不含 PDF）'}")
    avg = 20000
    with tempfile.TemporaryDirectory(prefix="docgen-scale-") as tmp:
        base = Path(tmp)
        templates = base / "templates"
        shutil.copytree(ROOT / "templates", templates)
        env = {**os.environ, "DOCGEN_TEMPLATES": str(templates)}
        for n in sizes:
            src, pdf_src = base / f"p{n}", base / f"pdf{n}"
            generate(src, n)
            if pdf:
                pdf_src.mkdir()
                for path in sorted(src.iterdir())[: max(1, n // 10)]:
                    shutil.copy(path, pdf_src / path.name)
            figures = {}
            for engine in (f"pool:{workers}", f"dask:{workers}"):
                out = base / f"out-{n}-{engine.replace(':', '')}"
                main_run = run_child(src, out, engine, "docx,xlsx", env)
                wall, files, cpu = main_run["wall"], main_run["built"], main_run["cpu"]
                if pdf:
                    pdf_run = run_child(pdf_src, out.with_name(out.name + "-pdf"), engine, "pdf", env)
                    wall += pdf_run["wall"]
                    files += pdf_run["built"]
                    cpu += pdf_run["cpu"]
                    print(f"{n:5d} 个项目  {engine:8s}  其中 PDF（{n // 10} 个项目）{pdf_run['wall']:6.1f} s  "
                          f"{pdf_run['built']} 份  CPU {pdf_run['cpu'] / max(1, pdf_run['built']) * 1000:.0f} ms/份")
                    main_run["peak_mb"] = max(main_run["peak_mb"], pdf_run["peak_mb"])
                figures[engine] = (wall, files, main_run)
                avg = int(main_run["avg_size"])
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(out.with_name(out.name + "-pdf"), ignore_errors=True)
                print(f"{n:5d} 个项目  {engine:8s}  {wall:7.1f} s  {files:6d} 份  {files / wall:6.1f} 份/s  "
                      f"CPU {cpu:7.1f} s（{cpu / files * 1000:.1f} ms/份）  主进程峰值内存 {main_run['peak_mb']:6.0f} MB  "
                      f"失败 {main_run['failures']}")
            (pool_wall, _, run), (dask_wall, _, _) = figures[f"pool:{workers}"], figures[f"dask:{workers}"]
            ratio = dask_wall / pool_wall
            per_task = (dask_wall - pool_wall) / run["tasks"] * 1000
            print(f"{n:5d} 个项目  Dask/进程池 = {ratio:.2f}（验收：≤ 1.3 {'达到' if ratio <= 1.3 else '未达到'}）；"
                  f"每个任务多花 {per_task:.1f} ms")
            shutil.rmtree(src)
            shutil.rmtree(pdf_src, ignore_errors=True)
    pool_ms, dask_ms, bytes_ms = task_overhead(workers, avg)
    print(f"空任务：进程池 {pool_ms:.2f} ms/个，Dask {dask_ms:.2f} ms/个；"
          f"每个文件的内容（平均 {avg / 1024:.0f} KB）交回主进程再写：另加 {bytes_ms:.2f} ms/个")


if __name__ == "__main__":
    main()
