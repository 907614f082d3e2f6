"""``docgen build``: plan (what is stale and why) → run (a process pool) → record (the manifest) → report.

Modules: ``inputs`` hashes what a build reads; ``manifest`` is the SQLite record in ``OUT/.docgen``;
``plan`` decides, without loading unchanged projects, what to render and why; ``jobs`` is what a
worker process runs; ``values`` flattens filled values for the what-changed report; ``run`` ties them
together; ``result`` is what a build did; ``report`` prints the summary and writes ``changes.md``.
"""

from .result import BuildResult
from .run import BuildOptions, build

__all__ = ["BuildOptions", "BuildResult", "build"]
