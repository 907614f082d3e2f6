"""render/docx: a template's compiled Jinja code is kept in the build's compile folder and read back by the next
process, with the same documents as a fresh compile; a damaged kept file is compiled again."""

from __future__ import annotations

from pathlib import Path

import pytest
from docxtpl import DocxTemplate

from docgen import output
from docgen.compile import cache
from docgen.forms import find_form
from docgen.pipeline import run_file
from docgen.render.docx import CompiledDocx

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "cunweishengshi-biaozhunhua.yaml"


@pytest.fixture
def folder(tmp_path: Path):
    cache.set_folder(tmp_path)
    yield tmp_path
    cache.set_folder(None)


def _render(compiled: CompiledDocx) -> bytes:
    form = find_form("monitor")
    assert form is not None
    result = run_file(SAMPLE, "x").result
    assert result is not None
    return compiled.render(output.paged(form, form.build(result)), "t", {"k": "v"})


def test_kept_code_gives_the_same_document(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = output.TEMPLATES / "docx" / "monitor.docx"
    fresh = CompiledDocx(path)
    kept = list(folder.glob("monitor-*.jinja"))
    assert len(kept) == 1
    calls = []
    monkeypatch.setattr(DocxTemplate, "patch_xml", lambda self, xml: calls.append(1) or xml)
    again = CompiledDocx(path)  # as another process of the build would
    assert calls == []  # read back, not compiled
    assert again.source == fresh.source and again.compiled_loops == fresh.compiled_loops > 0
    assert _render(again) == _render(fresh)


def test_damaged_kept_file_is_compiled_again(folder: Path) -> None:
    path = output.TEMPLATES / "docx" / "monitor.docx"
    fresh = CompiledDocx(path)
    (kept,) = folder.glob("monitor-*.jinja")
    kept.write_bytes(kept.read_bytes()[:100])
    again = CompiledDocx(path)
    assert _render(again) == _render(fresh)
    assert len(kept.read_bytes()) > 100  # written anew
