"""Helpers shared by the web desk's tests, its browser test and bench/serve.py: a folder, accounts, workbooks."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import openpyxl

from docgen.intake.writer import build_workbook
from docgen.profile import profile_for
from docgen.project import load_project

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PASSWORD = "desk-password-1"
WATER = "勐海县水务局"
HEALTH = "勐海县卫生健康局"
WATER_SAMPLE = "example-project.yaml"  # 勐海县水务局
HEALTH_SAMPLE = "jiben-gonggong-weisheng.yaml"  # 勐海县卫生健康局


def make_folder(root: Path, samples: tuple[str, ...] = (WATER_SAMPLE, HEALTH_SAMPLE)) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in samples:
        shutil.copy(SAMPLES / name, root / name)
    return root


def add_accounts(root: Path) -> None:
    from docgen.web.accounts import hash_password
    from docgen.web.store import Store

    store = Store(root)
    hashed = hash_password(PASSWORD)
    store.put_account("admin", "管理员", "", hashed)
    store.put_account("reviewer", "审核人", "", hashed)
    store.put_account("reviewer2", "审核人", "", hashed)
    store.put_account("water", "单位", WATER, hashed)
    store.put_account("health", "单位", HEALTH, hashed)


def workbook(sample: str = WATER_SAMPLE, cell: tuple[str, str, object] | None = None) -> bytes:
    """A filled intake workbook of a sample project; ``cell`` = (sheet, coordinate, value) changes one cell."""
    path = SAMPLES / sample
    data = build_workbook(load_project(path).project, profile_for(path))
    if cell is None:
        return data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet, coordinate, value = cell
    wb[sheet][coordinate] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BAD_CELL = ("资金", "B5", "约400")  # 年初预算数 一般公共预算拨款


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def project_ids(html: str) -> list[str]:
    return re.findall(r'href="/p/([0-9a-f]{16})"', html)
