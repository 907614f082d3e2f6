"""kill -9 in the middle of a real build: no partial file, and the next build completes and repairs the manifest."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from docgen.builder.manifest import FILENAME, FOLDER

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from projects import project  # noqa: E402

COMMAND = [sys.executable, "-c", "from docgen.cli import main; main()", "build"]


def outputs(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file() and p.suffix in (".docx", ".xlsx") and ".docgen" not in p.parts)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_kill_9_then_rebuild(tmp_path: Path) -> None:
    src, out = tmp_path / "projects", tmp_path / "out"
    src.mkdir()
    for i in range(60):
        text = yaml.safe_dump(project(i), allow_unicode=True, sort_keys=False)
        (src / f"p{i:02d}.yaml").write_text(text, encoding="utf-8")
    args = [*COMMAND, str(src), "-o", str(out), "--jobs", "2", "--format", "docx", "--format", "xlsx"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            cwd=ROOT)
    deadline = time.monotonic() + 120
    while len(outputs(out)) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the main process and its workers, as an out-of-memory kill would
    proc.wait()
    for path in outputs(out):  # what is there is whole: written to a temporary name, then renamed
        zipfile.ZipFile(path).testzip()

    again = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not list(out.rglob(".tmp-*"))
    written = outputs(out)
    assert len(written) > 60 * 8  # every project's forms in both formats, and the aggregates
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".docx":
            Document(io.BytesIO(data))
        else:
            load_workbook(io.BytesIO(data))
    with sqlite3.connect(out / FOLDER / FILENAME) as db:
        recorded = {r[0] for r in db.execute("SELECT path FROM outputs")}
    assert recorded == {p.relative_to(out).as_posix() for p in written}

    fresh = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert fresh.returncode == 0 and "没有需要重新生成的文件" in fresh.stdout
