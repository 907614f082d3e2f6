"""render/cells: what the fast XLSX writer uses instead of openpyxl gives openpyxl's answers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.utils import column_index_from_string, get_column_letter

from docgen.render.cells import BUILTIN_NUMBER_FORMATS, column_index, column_letter
from docgen.render.xlsxfast import FORMATS


def test_column_letters_match_openpyxl() -> None:
    for index in range(1, 18279):
        letters = get_column_letter(index)
        assert column_letter(index) == letters
        assert column_index(letters) == column_index_from_string(letters) == index
    with pytest.raises(ValueError):
        column_letter(0)


def test_number_formats_are_excels_built_in_ones() -> None:
    assert set(FORMATS) <= set(BUILTIN_NUMBER_FORMATS)
    for code, number in BUILTIN_NUMBER_FORMATS.items():
        assert BUILTIN_FORMATS_REVERSE[code] == number


def test_fast_writer_does_not_load_openpyxl() -> None:
    """The build's XLSX writer runs without loading openpyxl (~0.12 s a process)."""
    code = "import sys, docgen.render.xlsxfast; print('openpyxl' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "False"
