"""The side file as ``docgen review`` uses it (the loading itself is docgen/sidefile.py, shared by every command)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..pipeline import Outcome, run_file
from ..project import LoadedProject, load_project
from ..sidefile import SECTION, SIDE_SUFFIX, MergedDocument, is_side_file, merge, side_file_for

YAML_SUFFIXES = (".yaml", ".yml")


def load_with_side_file(path: Path, display: str | None = None) -> LoadedProject:
    """A project file with ``反馈`` from ``<stem>.反馈.yaml`` when that file exists (as every command loads it)."""
    return load_project(path, display)


def run_reviewed(path: Path, display: str, *, as_of: date | None = None,
                 profile_name: str | None = None) -> Outcome:
    """``pipeline.run_file``: the side file is merged in by the loader."""
    return run_file(path, display, as_of=as_of, profile_name=profile_name)


__all__ = ["SECTION", "SIDE_SUFFIX", "YAML_SUFFIXES", "MergedDocument", "is_side_file", "load_with_side_file",
           "merge", "run_reviewed", "side_file_for"]
