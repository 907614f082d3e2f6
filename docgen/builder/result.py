"""What one build did: the counts and lists the summary and changes.md are made from.

A province builds ~10^5 files: the list of rebuilt files is kept compressed (:class:`Built`), and the skipped
forms and data warnings in compressed chunks (:class:`Packed`), so the build's memory does not grow with it.
"""

from __future__ import annotations

import pickle
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
_CHUNK = 512


class Packed(Generic[T]):
    """A list of picklable items kept in zlib-compressed chunks (append, extend, iterate, slice, compare)."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._chunks: list[bytes] = []
        self._tail: list[T] = []
        self._len = 0
        self.extend(items)

    def append(self, item: T) -> None:
        self._tail.append(item)
        self._len += 1
        if len(self._tail) >= _CHUNK:
            self._chunks.append(zlib.compress(pickle.dumps(self._tail, pickle.HIGHEST_PROTOCOL), 1))
            self._tail = []

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    def __iadd__(self, items: Iterable[T]) -> Packed[T]:
        self.extend(items)
        return self

    def __iter__(self) -> Iterator[T]:
        for chunk in self._chunks:
            yield from pickle.loads(zlib.decompress(chunk))
        yield from list(self._tail)

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice) and (index.start or 0) >= 0 and index.stop is not None and index.stop >= 0 \
                and (index.step or 1) > 0:
            out = []
            for i, item in enumerate(self):
                if i >= index.stop:
                    break
                out.append(item)
            return out[index]
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Packed, list)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Packed({list(self)!r})"


class Built(Mapping[str, str]):
    """path → why it was rebuilt, for every file one build wrote; compressed, in report order."""

    def __init__(self, rows: Iterable[tuple[str, str]] = ()) -> None:
        packer = zlib.compressobj(6)
        parts = []
        self.counts: Counter[str] = Counter()
        for path, reason in rows:
            parts.append(packer.compress(f"{path}\t{reason}\n".encode()))
            self.counts[reason] += 1
        parts.append(packer.flush())
        self._blob = b"".join(parts)
        self._dict: dict[str, str] | None = None

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]
        """(path, reason) in report order, decompressed a piece at a time."""
        unpacker = zlib.decompressobj()
        rest = b""
        for start in range(0, len(self._blob), 1 << 16):
            data = rest + unpacker.decompress(self._blob[start:start + (1 << 16)])
            *lines, rest = data.split(b"\n")
            for line in lines:
                path, _, reason = line.decode("utf-8").partition("\t")
                yield path, reason

    def __iter__(self) -> Iterator[str]:
        return (path for path, _ in self.items())

    def values(self) -> Iterator[str]:  # type: ignore[override]
        return (reason for _, reason in self.items())

    def __len__(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, path: str) -> str:
        if self._dict is None:
            self._dict = dict(self.items())
        return self._dict[path]

    def __repr__(self) -> str:
        return f"Built({dict(self.items())!r})"


@dataclass
class BuildResult:
    built: Mapping[str, str] = field(default_factory=dict)  # path → why (a Built after a build)
    fresh: int = 0
    skipped: Any = field(default_factory=Packed)  # (project, form id, reason)
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
    warnings: Any = field(default_factory=Packed)  # data warnings of the projects built this time
    tasks: int = 0  # tasks sent to the workers (a task is a chunk of projects, or one aggregate)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, key: str, messages: list[str]) -> None:
        self.failed.add(key)
        self.failures += [m for m in messages if m not in self.failures]
