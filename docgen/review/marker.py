"""The draft marker: a YAML comment beside each drafted field, so that an edit by the reviewer is seen.

``# docgen草稿 1a2b3c4d 9f3e01 77aa02``: the first token is a short hash of the drafted text, the
others short hashes of the findings the field already covers. A field whose text no longer hashes to
its marker (or that has no marker) was written or edited by the reviewer and is not overwritten.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MARK = "docgen草稿"
_PATTERN = re.compile(MARK + r"\s+([0-9a-f]{8})((?:\s+[0-9a-f]{6})*)")


def _hash(text: str, size: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def normalise(value: object) -> str:
    """Text compared for edits: items of a list one a line, whitespace inside a line ignored."""
    items = value if isinstance(value, list) else [value]
    return "\n".join("".join(str(i).split()) for i in items if i is not None and str(i).strip())


def digest(value: object) -> str:
    return _hash(normalise(value), 8)


def finding_key(finding_id: str) -> str:
    return _hash(finding_id, 6)


@dataclass(frozen=True)
class Marker:
    digest: str
    covered: frozenset[str]  # finding keys

    def text(self) -> str:
        return " ".join([MARK, self.digest, *sorted(self.covered)])

    def matches(self, value: object) -> bool:
        return digest(value) == self.digest


def parse(comment: str | None) -> Marker | None:
    if not comment:
        return None
    m = _PATTERN.search(comment)
    if m is None:
        return None
    return Marker(m.group(1), frozenset(m.group(2).split()))


def strip(comment: str) -> str:
    """A comment line without its marker (the reviewer's own words, if any)."""
    return _PATTERN.sub("", comment).strip()
