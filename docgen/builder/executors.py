"""Where a build's jobs run: in this process, in a local process pool, or on a Dask distributed cluster.

Every engine is a standard ``concurrent.futures`` executor (Dask's through ``Client.get_executor()``), so
the build's loop is the same for all; only starting, checking and stopping differ. Dask is an optional
extra (``pip install -e ".[cluster]"``) imported only when ``--scheduler`` or ``--cluster`` is given.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import output
from ..compile import cache as compile_cache
from ..errors import DocgenError
from .durable import sync_tree
from .jobs import init_worker

INSTALL = 'pip install -e ".[cluster]"'


class ClusterError(DocgenError):
    """The cluster cannot be used: Dask is not installed, the scheduler cannot be reached, a worker differs."""


@dataclass
class Engine:
    """A started executor (None: run in this process) and how to stop it."""

    executor: Executor | None
    workers: int  # how many tasks run at once
    remote: bool = False  # tasks may run on other machines: each task flushes its own writes to disk
    closers: list[Callable[[], None]] = field(default_factory=list)
    name: str = "local"

    def close(self, interrupted: bool = False) -> None:
        """Stop the workers; after Ctrl-C, SIGTERM or a fault (``interrupted``) end local ones at once, so none
        is left behind."""
        executor, self.executor = self.executor, None
        if isinstance(executor, ProcessPoolExecutor):
            if interrupted:  # never wait for a worker that may be stuck: end it, then kill what is left
                _quiet_pool_thread()
                processes = list((getattr(executor, "_processes", None) or {}).values())
                executor.shutdown(wait=False)
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.join(2)
                    if process.is_alive():
                        process.kill()
            else:
                executor.shutdown(wait=True, cancel_futures=True)
        elif executor is not None:
            executor.shutdown(wait=False)  # Dask's executor: cancels what has not run
        for close in reversed(self.closers):
            try:
                close()
            except Exception:  # a cluster that is already gone
                pass
        self.closers = []


def _quiet_pool_thread() -> None:
    """The pool's own bookkeeping thread may fail while its workers are ended (Python 3.11: a future cancelled by
    Executor.map on Ctrl-C, then marked broken): that is no fault of the build, and no traceback for the user."""
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if type(args.thread).__name__ != "_ExecutorManagerThread":
            previous(args)

    threading.excepthook = hook


def local_engine(jobs: int | None, formats: tuple[str, ...]) -> Engine:
    """A process pool of ``jobs`` workers (default: the CPU cores, capped by :func:`job_count`); one job or one
    core: this process."""
    workers = job_count(jobs)
    if workers <= 1:
        return Engine(None, 1)
    setup = (str(output.TEMPLATES), os.getpid(), str(compile_cache.folder()))
    # PDF workers are spawned: a forked child must not share this process's pango/fontconfig state
    context = multiprocessing.get_context("spawn") if "pdf" in formats else None
    pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=setup, mp_context=context)
    return Engine(pool, workers)


MAX_JOBS = 61  # more worker processes only cost memory (and Windows allows no more than 61)


def job_count(requested: int | None) -> int:
    """Worker processes: as asked, within 1 … min(4 × CPU cores, 61); default one per core."""
    cpus = os.cpu_count() or 1
    return max(1, min(requested or cpus, 4 * cpus, MAX_JOBS))


# --- Dask distributed -------------------------------------------------------------------------------------

_LOCAL = re.compile(r"^local:(\d+)$")


def parse_cluster(spec: str) -> int:
    """``local:N`` → N (the number of worker processes); raise ClusterError for anything else."""
    found = _LOCAL.match(spec.strip())
    if not found or int(found.group(1)) < 1:
        raise ClusterError(f"--cluster {spec}: 格式应为 local:N（N 为工作进程数，如 local:2）")
    return int(found.group(1))


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"分布式生成需要 Dask distributed，本机未安装。请先运行：{INSTALL}") from None
    return distributed


def dask_engine(scheduler: str | None, cluster: str | None, fingerprint: dict[str, str]) -> Engine:
    """Connect to ``scheduler`` (tcp://HOST:8786) or start a LocalCluster of ``cluster`` = local:N processes,
    then check that every worker runs the same docgen and sees the same templates (``fingerprint``)."""
    count = parse_cluster(cluster) if cluster else 0
    distributed = _distributed()
    import dask
    closers: list[Callable[[], None]] = []
    try:
        if cluster:
            # the workers use this build's templates (a test's or a benchmark's copy too)
            env = {"DOCGEN_TEMPLATES": str(output.TEMPLATES)}
            # Dask's statistical profiler samples each worker's stack every 10 ms: measurable CPU on short tasks
            dask.config.set({"distributed.worker.profile.enabled": False,
                             # the scheduler lives in this process: keep its logs of past tasks short, so that
                             # the coordinator's memory does not grow with the build (measured: 2,000 → 6,000
                             # empty tasks +15 MB with the defaults, +7 MB with these)
                             "distributed.admin.low-level-log-length": 100,
                             "distributed.diagnostics.computations.max-history": 2})
            local = distributed.LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                             dashboard_address=None, env=env, silence_logs=40)
            closers.append(local.close)
            client = distributed.Client(local, set_as_default=False)
        else:
            client = distributed.Client(scheduler, timeout="10s", set_as_default=False)
    except ClusterError:
        raise
    except Exception as exc:
        for close in closers:
            close()
        raise ClusterError(f"无法连接 Dask 调度器 {scheduler or cluster}：{type(exc).__name__}: {exc}") from None
    closers.append(client.close)
    engine = Engine(None, 1, remote=not cluster, closers=closers, name=scheduler or str(cluster))
    try:
        threads = check_workers(client, fingerprint)
    except BaseException:
        engine.close()
        raise
    engine.executor = client.get_executor(pure=False)
    engine.workers = threads
    return engine


def worker_fingerprint(keys: list[tuple[str, str]]) -> dict[str, str]:
    """What a worker would build with: its docgen version and the hash of each (form, format) template it sees."""
    from .. import __version__
    from ..forms import find_form
    from .inputs import template_hash

    found: dict[str, str] = {"docgen": __version__, "templates": str(output.TEMPLATES)}
    for form_id, fmt in keys:
        form = find_form(form_id)
        found[f"{form_id}.{fmt}"] = template_hash(form, fmt) if form is not None else ""
    return found


def check_workers(client: Any, fingerprint: dict[str, str]) -> int:
    """Refuse the build, naming the worker, when a worker's docgen version or a template hash differs.

    Returns the number of tasks the workers run at once (their threads).
    """
    keys = [tuple(k.split(".", 1)) for k in fingerprint if k not in ("docgen", "templates")]
    info = client.scheduler_info()
    workers = info.get("workers", {})
    if not workers:
        client.wait_for_workers(1, timeout=30)
        workers = client.scheduler_info().get("workers", {})
    answers = client.run(worker_fingerprint, keys)
    problems = []
    for address, found in sorted(answers.items()):
        if found.get("docgen") != fingerprint["docgen"]:
            problems.append(f"工作节点 {address}: docgen 版本为 {found.get('docgen')}，本机为 {fingerprint['docgen']}")
            continue
        differ = [k for k in fingerprint if k not in ("docgen", "templates") and found.get(k) != fingerprint[k]]
        if differ:
            shown = "、".join(differ[:5]) + ("等" if len(differ) > 5 else "")
            problems.append(f"工作节点 {address}: 模板与本机不同（{shown}；该节点的模板目录 {found.get('templates')}）")
    if problems:
        raise ClusterError("\n".join([*problems, "各工作节点必须安装同一版本的 docgen 并使用同样的模板，未开始生成"]))
    return sum(int(w.get("nthreads", 1)) for w in client.scheduler_info().get("workers", {}).values()) or 1


_LAST_TEMPLATES: dict[str, str] = {}


def on_worker(fn: Callable[[Any, Path], Any], job: Any, out: Path, templates_key: str, flush: bool,
              compiled: str) -> Any:
    """A job as a Dask task: forget compiled templates when they changed since this worker's last task
    (a Dask worker outlives a build), run the job, and (on another machine) flush its files to disk.
    ``compiled`` is the build's folder of XLSX/HTML templates compiled from the DOCX (in OUT, shared)."""
    if _LAST_TEMPLATES.get("key") != templates_key:
        output.clear_compiled()
        _LAST_TEMPLATES["key"] = templates_key
    compile_cache.set_folder(Path(compiled))
    done = fn(job, out)
    if flush and any(getattr(d, "written", None) for d in (done if isinstance(done, list) else [done])):
        sync_tree(out)
    return done
