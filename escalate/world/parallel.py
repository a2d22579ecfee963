"""Work on many conflicts at once: the conflicts of one start year go to one process, always the same.

The world data are read once, in the parent; worker processes are forked from it, so they
share what it read without copying or pickling it. Each worker builds the graphs of a year
the first time a conflict of that year reaches it and keeps them for the pool's life. A
year goes to the same worker every time (the one with the least work when the year first
came), so the graphs of calibration's rounds and of the scoring that follows are built
once in all, not once per worker. Where fork is unavailable, or with one job, everything
runs in this process. Results come back keyed by conflict number, so the outcome does not
depend on the number of jobs.

What the pool keeps for its life (the world data, the graphs) is moved out of the garbage
collector's sight (:func:`gc.freeze`) once made: a full collection walks every object it
tracks, and with the graphs of a worker's years tracked, collections took a sixth of the
disputes backtest's time (a run with the collector switched off: 145 s against 165 to 171). Frozen
before the fork, the parent's objects also stay shared with the workers (a collection writes
to every object it walks, which copies the memory page).

For the pool's life too (:func:`_settle_for_pools`), young collections come less often
(:data:`YOUNG_COLLECTION_EVERY`), BLAS runs on one thread in each of this process's threads
(the processes and the fits' threads already use every core), and glibc's malloc is asked
to keep the memory it frees for reuse (:func:`keep_freed_memory`): the samplers and fits
make and drop arrays of megabytes by the thousand, and by default each one over a threshold
is mapped from the system and given back when freed, so that every page of the next is
faulted in and zeroed again. On the disputes backtest that was a twelfth of the machine's
time (16 to 18 s of system time in 110 s runs; 7 s with the memory kept, the runs 103 s
instead of 110-112, the peak 0.1-0.2 GB higher).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from escalate.world.atop import WorldData
from escalate.world.conflicts import GraphCache, War

Result = TypeVar("Result")
#: ``task(data, graphs, conflict, *arguments)``: one conflict's work; a module-level function.
Task = Callable[..., Result]

#: What forked workers inherit: the world data and their own graphs by start year.
_inherited: dict[str, Any] = {}
#: The pools open in this process, the first opened first.
_open: list[Workers] = []
#: What restores the settings of :func:`_settle_for_pools` when the last pool closes.
_undo: list[Callable[[], object]] = []
#: While a pool is open, a young collection comes after this many allocations (not 700): the
#: graphs and ties are made by the million, and collections walked the young ones and those
#: promoted over and over (scoring the disputes of 1990-94 in one process: 1.06 s of
#: collections in 9.6 s; 0.20 s with this, in 8.6 s).
YOUNG_COLLECTION_EVERY = 50_000


#: mallopt's parameters (glibc's malloc.h): the size from which a block is mapped on its own,
#: and the free memory at the heap's top from which malloc gives some back.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: glibc's first value of both (it raises the mapping threshold as it goes, up to 32 MiB).
_GLIBC_DEFAULT = 128 * 1024
#: While a pool works: blocks up to 32 MiB (glibc's largest threshold) from the heap, and up to
#: 1 GiB of freed memory kept there for reuse.
_HEAP_BLOCKS, _KEPT_FREE = 32 * 1024 * 1024, 1024 * 1024 * 1024


def keep_freed_memory(keep: bool) -> bool:
    """Have glibc's malloc keep freed memory for reuse (``keep``), or give it back again; False elsewhere.

    Given back, the thresholds return to glibc's first values (then fixed) and the free memory
    is returned to the system. Without glibc (macOS, Windows, musl's stub), nothing changes.
    """
    try:
        libc = ctypes.CDLL(None)
        mallopt, malloc_trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError, TypeError):
        return False
    mmap, trim = (_HEAP_BLOCKS, _KEPT_FREE) if keep else (_GLIBC_DEFAULT, _GLIBC_DEFAULT)
    done = bool(mallopt(_M_MMAP_THRESHOLD, mmap)) and bool(mallopt(_M_TRIM_THRESHOLD, trim))
    if not keep:
        malloc_trim(0)
    return done


def _settle_for_pools() -> list[Callable[[], object]]:
    """Set what the pools' life asks (see the module); the calls that restore what it was.

    Freed memory kept, young collections rarer, and BLAS on one thread in each of this
    process's threads: the pool's processes and the fits' threads already use every core,
    and BLAS's own threads beside them spun waiting for cores (runs without
    ``OPENBLAS_NUM_THREADS=1``, in turn: 92.7 and 93.7 s against 96.5 and 97.4). A collector
    switched off (a first threshold of 0) is left so.
    """
    from threadpoolctl import threadpool_limits

    keep_freed_memory(True)
    thresholds = gc.get_threshold()
    if thresholds[0]:
        gc.set_threshold(max(thresholds[0], YOUNG_COLLECTION_EVERY), *thresholds[1:])
    blas = threadpool_limits(limits=1, user_api="blas")
    return [blas.restore_original_limits, lambda: gc.set_threshold(*thresholds),
            lambda: keep_freed_memory(False)]  # fmt: skip


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _run_year(
    task: Task[Result], conflicts: Sequence[War], arguments: tuple[Any, ...]
) -> list[tuple[int, Result]]:
    return _run(task, _inherited["data"], _inherited["graphs"], conflicts, arguments)


def _run(
    task: Task[Result],
    data: WorldData,
    graphs: GraphCache,
    conflicts: Sequence[War],
    arguments: tuple[Any, ...],
) -> list[tuple[int, Result]]:
    """``task`` on each conflict; then, after a collection, the graphs it added to ``graphs`` frozen."""
    before = len(graphs)
    found = [(c.number, task(data, graphs, c, *arguments)) for c in conflicts]
    if len(graphs) > before:  # kept for the pool's life
        _out_of_sight()
    return found


def _out_of_sight() -> None:
    """Move every object of this process out of the collector's sight (see above), its garbage first.

    Frozen garbage would be kept for good.
    """
    gc.collect()
    gc.freeze()


class Workers:
    """A pool of ``jobs`` processes over ``data`` (use as a context manager)."""

    def __init__(self, data: WorldData, jobs: int | None = None,
                 progress: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.data = data
        self.jobs = default_jobs() if jobs is None else jobs
        self.progress = progress
        self.graphs: GraphCache = {}  # this process's graphs, when it does the work itself
        self._pools: list[ProcessPoolExecutor] = []
        self._home: dict[int, int] = {}  # start year -> the worker that keeps its graphs
        # Objects frozen before the pool, to be left so (others' freezing is not undone at close).
        self._thaw = gc.get_freeze_count() == 0
        if not _open:  # set while a pool is open (the workers forked below inherit it)
            _undo[:] = _settle_for_pools()
        _open.append(self)
        _out_of_sight()
        if self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            try:
                self._fork()
            except BaseException:
                self.close()  # the workers forked so far stopped, this process's objects thawed
                raise

    def _fork(self) -> None:
        _inherited.update(data=self.data, graphs={})
        fork = multiprocessing.get_context("fork")
        self._pools = [ProcessPoolExecutor(1, mp_context=fork) for _ in range(self.jobs)]
        # Fork the workers now, while ``_inherited`` holds this pool's data (a pool forks on its
        # first task, and another pool made before that would have replaced it).
        for pool in self._pools:
            pool.submit(int).result()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        for pool in self._pools:
            pool.shutdown(cancel_futures=True)
        if self._pools:
            self._pools = []
            _inherited.clear()
        if self._thaw:
            gc.unfreeze()  # this process's objects, the graphs it kept included, collected again
            self._thaw = False
        if self in _open:
            _open.remove(self)
            if not _open:
                for undo in _undo:
                    undo()
                _undo.clear()

    def map(
        self, task: Task[Result], conflicts: Sequence[War], *arguments: Any, what: str = ""
    ) -> dict[int, Result]:
        """``task`` on every conflict: ``conflict number -> result``."""
        by_year: dict[int, list[War]] = defaultdict(list)
        # By first day: conflicts that share a graph (the ties of a year still in force that
        # day) come one after another, and the engine reuses its compiled standing ties.
        for c in sorted(conflicts, key=lambda c: (c.start, c.number)):
            by_year[c.start.year].append(c)
        # The largest years first, so that no worker is left with a long one at the end.
        groups = sorted(by_year.values(), key=len, reverse=True)
        found: dict[int, Result] = {}
        done = 0
        if not self._pools:
            for group in groups:
                found.update(_run(task, self.data, self.graphs, group, arguments))
                done += len(group)
                self._show(what, done, len(conflicts))
            return found
        homes = self._homes(groups)
        pending: set[Future[list[tuple[int, Result]]]] = {
            self._pools[home].submit(_run_year, task, group, arguments)
            for group, home in zip(groups, homes, strict=True)
        }
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                results = future.result()
                found.update(results)
                done += len(results)
            self._show(what, done, len(conflicts))
        return found

    def _homes(self, groups: Sequence[Sequence[War]]) -> list[int]:
        """The worker of each group (one start year each): its year's, or the least loaded one's."""
        load = [0] * len(self._pools)
        for group in groups:
            if (home := self._home.get(group[0].start.year)) is not None:
                load[home] += len(group)
        for group in groups:
            year = group[0].start.year
            if year not in self._home:
                self._home[year] = min(range(len(load)), key=load.__getitem__)
                load[self._home[year]] += len(group)
        return [self._home[group[0].start.year] for group in groups]

    def _show(self, what: str, done: int, total: int) -> None:
        if self.progress is not None and what:
            self.progress(f"{what} {done:,}/{total:,} conflicts")


def stderr_progress(command: str) -> Callable[[str], None] | None:
    """A progress line on stderr, rewritten in place, when stderr is a terminal; else None."""
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        sys.stderr.write(f"\r{command}: {message}   ")
        sys.stderr.flush()

    return show
