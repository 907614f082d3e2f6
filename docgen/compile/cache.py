"""Compiled templates, kept by the DOCX's hash: compiling costs nothing when the Word file has not changed.

A build keeps them in its own cache folder (``OUT/.docgen/templates/``, never committed); other commands
(``render``, ``templates check``) in a temporary folder of the process. The file name holds the DOCX's hash and
the compiler's version, so a changed Word file or a new docgen compiles afresh and old entries are never read.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from pathlib import Path

from ..render.package import write_atomic

# raise when the compiled output changes for the same DOCX (2: column headings on every page: print titles,
# <thead>; 3: reports' HTML compiled from the DOCX too; 4: explicit XLSX row heights, page breaks at the plan;
# 5: HTML page breaks at the plan)
COMPILER_VERSION = "5"
SUFFIX = {"xlsx": ".xltx", "pdf": ".html"}  # .xltx: never taken for an output workbook

_folder: Path | None = None
_temporary: Path | None = None


def set_folder(folder: Path | None) -> None:
    """Where compiled templates are kept (a build's cache folder); None: a temporary folder of this process."""
    global _folder
    _folder = folder


def folder() -> Path:
    global _temporary
    if _folder is not None:
        return _folder
    if _temporary is None:
        _temporary = Path(tempfile.mkdtemp(prefix="docgen-templates-"))
        atexit.register(shutil.rmtree, _temporary, True)
    return _temporary


def docx_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compile_bytes(data: bytes, form: str, fmt: str) -> bytes:
    """The ``fmt`` ("xlsx" or "pdf") template compiled from a form's DOCX bytes (deterministic)."""
    from ..forms import find_form
    from ..render.package import normalise_package
    from .html import emit_html
    from .read_docx import read_layout
    from .report import compile_report_html
    from .xlsx import emit_xlsx

    known = find_form(form)
    if fmt == "pdf" and known is not None and not known.tabular:  # a report: paragraphs, not a form's grid
        return compile_report_html(data, form).encode("utf-8")
    layout = read_layout(data, form)
    if fmt == "xlsx":
        return normalise_package(emit_xlsx(layout), layout.title)
    return emit_html(layout).encode("utf-8")


def compiled_path(docx: Path, fmt: str) -> Path:
    """The compiled ``fmt`` template of ``docx``, from the cache or compiled now (raises CompileError)."""
    data = docx.read_bytes()
    key = hashlib.sha256(data + f"\0{fmt}\0{COMPILER_VERSION}".encode()).hexdigest()[:24]
    path = folder() / f"{docx.stem}-{key}{SUFFIX[fmt]}"
    if not path.is_file():
        write_atomic(path, compile_bytes(data, docx.stem, fmt))
    return path
