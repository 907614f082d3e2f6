"""docgen build on Dask distributed: a real LocalCluster of 2 worker processes.

Same bytes as a local build; a worker killed mid-build and the build still completes with every file valid;
a worker that sees a different template refused, named; without Dask the option says what to install.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from docgen.builder import BuildOptions, build
from docgen.builder.executors import ClusterError
from docgen.builder.manifest import FOLDER, Manifest
from docgen.cli import cli
from docgen.forms import find_form

from .conftest import ROOT, SAMPLES

distributed = pytest.importorskip("distributed")
sys.path.insert(0, str(ROOT / "bench"))
from projects import project  # noqa: E402

FORMATS = ("docx", "xlsx")


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and FOLDER not in p.parts}


@pytest.fixture
def cluster():
    """A LocalCluster of 2 worker processes (one thread each), as `dask scheduler` + 2 × `dask worker`."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  scheduler_port=0, silence_logs=40) as local:
        yield local


def test_samples_same_bytes_as_a_local_build(tmp_path: Path) -> None:
    local = build(BuildOptions(SAMPLES, tmp_path / "local", jobs=1, formats=FORMATS))
    on_dask = build(BuildOptions(SAMPLES, tmp_path / "dask", formats=FORMATS, cluster="local:2"))
    assert local.ok and on_dask.ok, on_dask.failures
    assert on_dask.built == local.built and sorted(on_dask.skipped) == sorted(local.skipped)
    mine, theirs = files(tmp_path / "dask"), files(tmp_path / "local")
    assert sorted(mine) == sorted(theirs) and len(mine) > 100
    assert all(mine[k] == theirs[k] for k in mine)  # changes.md too
    summary = next(p for p in (tmp_path / "dask").rglob("全部项目-绩效跟踪情况汇总表.docx"))
    assert "合计" in "".join(c.text for t in Document(summary).tables for r in t.rows for c in r.cells)
    # a rebuild on the cluster has nothing to do
    again = build(BuildOptions(SAMPLES, tmp_path / "dask", formats=FORMATS, cluster="local:2"))
    assert again.ok and not again.built and again.fresh == len(local.built)


def _projects(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        (folder / f"p{i:03d}.yaml").write_text(yaml.safe_dump(project(i), allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")


def _kill_one_worker(client, out: Path, after: int, killed: list[int]) -> None:
    """Once ``after`` documents exist, kill -9 one worker process (its nanny starts a new one)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if sum(1 for _ in out.rglob("*.docx")) >= after:
            pids = client.run(os.getpid)
            pid = sorted(pids.values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            killed.append(sum(1 for _ in out.rglob("*.docx")))
            return
        time.sleep(0.02)


def test_worker_killed_mid_build_the_build_completes(tmp_path: Path, cluster) -> None:
    src, out = tmp_path / "projects", tmp_path / "out"
    _projects(src, 200)
    forms = [find_form("target"), find_form("summary")]
    killed: list[int] = []
    with distributed.Client(cluster, set_as_default=False) as client:
        watcher = threading.Thread(target=_kill_one_worker, args=(client, out, 40, killed), daemon=True)
        watcher.start()
        result = build(BuildOptions(src, out, forms=forms, formats=FORMATS, scheduler=cluster.scheduler_address))
        watcher.join()
    assert killed and killed[1] < 200, "the worker was killed before the build ended"
    assert result.ok, result.failures
    docs = sorted(out.rglob("*.docx"))
    books = sorted(out.rglob("*.xlsx"))
    departments = {project(i)["主管部门"] for i in range(200)}
    assert len(departments) > 1
    assert len(docs) == len(books) == 200 + 1 + len(departments)  # 表1 of each project; 表4: all, each 主管部门
    assert not [p for p in out.rglob(".tmp-*")]
    for path in docs:
        assert Document(path).tables  # every file complete and readable
    for path in books:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        assert load_workbook(path, read_only=True).active.max_row > 5
    manifest = Manifest(out)
    try:
        recorded = {row.path for row in manifest.outputs()}
    finally:
        manifest.close()
    assert recorded == {p.relative_to(out).as_posix() for p in [*docs, *books]}
    summary = next(p for p in docs if p.name.startswith("全部项目-"))
    text = "".join(c.text for t in Document(summary).tables for r in t.rows for c in r.cells)
    assert "共 " in text  # the 合计 row counts the projects in scope


def test_worker_with_another_template_is_refused(tmp_path: Path, cluster) -> None:
    changed = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", changed)
    monitor = changed / "docx" / "monitor.docx"
    monitor.write_bytes(monitor.read_bytes() + b"\0")  # different bytes: a different template hash
    env = {**os.environ, "DOCGEN_TEMPLATES": str(changed)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address, "--nthreads", "1",
         "--no-nanny", "--no-dashboard", "--name", "odd-one"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with distributed.Client(cluster, set_as_default=False) as client:
            client.wait_for_workers(3, timeout=60)
            odd = [a for a, w in client.scheduler_info()["workers"].items() if w.get("name") == "odd-one"]
        assert odd
        out = tmp_path / "out"
        with pytest.raises(ClusterError) as caught:
            build(BuildOptions(SAMPLES, out, formats=FORMATS, scheduler=cluster.scheduler_address))
        message = str(caught.value)
        assert odd[0] in message and "monitor.docx" in message and "模板与本机不同" in message
        assert message.count("工作节点") == 2  # only the odd one is named (and the closing sentence)
        assert not list(out.rglob("*.docx"))  # refused before anything was built
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_without_dask_the_option_says_what_to_install(tmp_path: Path, runner, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    result = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "out"), "--cluster", "local:2"])
    assert result.exit_code == 1
    assert 'pip install -e ".[cluster]"' in result.output and "Dask" in result.output
    usage = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "out"), "--cluster", "two"])
    assert usage.exit_code == 2 and "local:N" in usage.output
