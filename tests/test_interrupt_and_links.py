"""docgen review through a symbolic link; SIGTERM during a build leaves no worker process behind."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from docgen.cli import cli

from .conftest import EXAMPLE, SAMPLES


def test_review_through_a_symlink_edits_the_target_and_keeps_the_link(tmp_path: Path, runner) -> None:
    real = tmp_path / "data" / "example-project.yaml"
    real.parent.mkdir()
    shutil.copyfile(EXAMPLE, real)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    res = runner.invoke(cli, ["review", str(link)])
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert "反馈:" in real.read_text(encoding="utf-8")


def _session(sid: int) -> list[int]:
    """Processes of the session ``sid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":  # field 6 (session); not a zombie
                found.append(int(entry.name))
    return found


def test_sigterm_leaves_no_workers(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(24):
        for sample in (EXAMPLE, SAMPLES / "chanong-jishu-peixun.yaml"):
            text = sample.read_text(encoding="utf-8").replace("项目名称: ", f"项目名称: 第{i}号", 1)
            (src / f"{i}-{sample.name}").write_text(text, encoding="utf-8")
    code = "from docgen.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "build", str(src), "-o", str(tmp_path / "out"),
                             "--jobs", "2", "--format", "docx"], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(_session(proc.pid)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the build and its two workers
    workers = len(_session(proc.pid)) - 1
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    deadline = time.monotonic() + 10
    while _session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers >= 1, "the build ended before its workers started"
    assert _session(proc.pid) == []  # no worker left behind
    assert proc.returncode == 130, err.decode()
    assert "Traceback" not in err.decode()
    assert not list((tmp_path / "out").rglob(".tmp-*"))
