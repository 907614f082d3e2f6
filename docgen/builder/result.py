"""What one build did: the counts and lists the summary and changes.md are made from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BuildResult:
    built: dict[str, str] = field(default_factory=dict)  # path → why
    fresh: int = 0
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (project, form id, reason)
    failures: list[str] = field(default_factory=list)  # located messages, each once
    failed: set[str] = field(default_factory=set)  # the projects (and aggregates) that failed
    deleted: list[str] = field(default_factory=list)
    changes: dict[tuple[str, str], list[tuple[str, str, str]]] = field(default_factory=dict)  # (key, form) → diff
    first: int = 0  # forms filled for the first time (no earlier values to compare)
    labels: dict[str, str] = field(default_factory=dict)  # source key → name shown
    cleaned: int = 0  # leftover temporary files removed
    sources: int = 0
    notes: list[str] = field(default_factory=list)  # told, not failures (e.g. a 主管部门's folder renamed)
    moved: int = 0  # intact outputs moved to their new name (not rebuilt)
    warnings: list[str] = field(default_factory=list)  # data warnings of the projects built this time

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, key: str, messages: list[str]) -> None:
        self.failed.add(key)
        self.failures += [m for m in messages if m not in self.failures]
