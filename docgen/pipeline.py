"""Load + compute one project file, collecting every located diagnostic (used by every command)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import Diagnostic, Diagnostics, InputError, Level
from .profile import CONFIG_NAME, Profile, profile_for
from .project import LoadedProject, load_project
from .rules.context import ProjectResult, compute

PROJECT_SUFFIXES = (".yaml", ".yml")


@dataclass
class Outcome:
    """What happened to one project file."""

    file: str
    loaded: LoadedProject | None = None
    result: ProjectResult | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None and not any(d.level is Level.ERROR for d in self.diagnostics)


def project_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Every project file under the given files and directories, with the name used in messages."""
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in PROJECT_SUFFIXES and p.name != CONFIG_NAME and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for p in found:
                yield p, str(path / p.relative_to(path))
        else:
            yield path, str(path)


def run_file(path: Path, display: str, *, as_of: date | None = None, profile_name: str | None = None,
             profile: Profile | None = None) -> Outcome:
    """Load, validate and compute one file; never raises for bad input."""
    out = Outcome(display)
    try:
        prof = profile or profile_for(path, profile_name)
        loaded = load_project(path, display)
    except InputError as exc:
        out.diagnostics = list(exc.diagnostics)
        return out
    out.loaded = loaded
    diags = Diagnostics()
    result = compute(loaded.project, prof, diags, as_of)
    out.diagnostics = [*loaded.diagnostics, *loaded.locate(diags)]
    out.result = result
    return out
