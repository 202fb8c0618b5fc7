"""Where extraction's worker processes come from, importable at once (no spaCy, no store).

The command line starts the workers' model loading (``prepare_for_files``) before it imports
anything else, so that the model loads on the other core while the export is read and stored;
``services.extraction`` starts the pool when the job is large enough (``POOL_MIN_NOTES``).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Below this many notes the job runs in this process. Workers are forked from a forkserver that
# loaded the model once (``prepare_workers``), so a pool costs one model load, on the other core,
# while this process reads and stores the export: worth it from a few batches on (600 notes:
# 3.2 s against 6.5 s in one process, docs/performance.md). Where there is no forkserver
# (Windows), each spawned worker loads its own model, which pays only for long jobs. Twice as
# many when this process has its model loaded already (the app).
POOL_MIN_NOTES = 200
SPAWN_POOL_MIN_NOTES = 1500
MAX_WORKERS = 4
# Set to a number of worker processes (2 or more) to run every job, however small, in the
# pool: the offline test uses it to prove the multi-process mode opens no network socket.
FORCE_WORKERS_ENV = "CASELENS_WORKER_PROCESSES"
# Bytes per note in a typical export (a CSV row of a short case note); PDF and Word exports
# hold fewer notes per byte, so they are over-estimated, which at worst loads the model early.
BYTES_PER_NOTE = 300


def available_cores() -> int:
    """The cores this process may use, capped at ``MAX_WORKERS`` (each worker holds a model)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


# What the forkserver imports before forking any worker: the main module (which each worker
# would otherwise import again), the pipeline (loaded on import) and what each worker runs.
_PRELOAD = ["__main__", "nlp.preloaded", "nlp.workers"]


def forkserver_available() -> bool:
    import multiprocessing

    return "forkserver" in multiprocessing.get_all_start_methods()


def pool_context() -> Any:
    """Where worker processes come from: a *forkserver* that has loaded the pipeline, else
    (Windows) fresh *spawned* interpreters that load their own.

    Workers are never forked from this process itself: the app runs extraction on a worker
    thread, and a fork of a threaded process can deadlock. The forkserver is a fresh,
    single-threaded interpreter started for the purpose, so forking from it is safe. Workers
    talk to this process over local pipes and a local (AF_UNIX) socket only (see DESIGN
    "Offline, defined") and send back plain rows, so this process never imports spaCy."""
    import multiprocessing

    if forkserver_available():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def prepare_workers() -> None:
    """Start loading the model for worker processes now, in the background, so that a pool
    started a moment later (after the export is read and stored) finds it loaded. Does nothing
    where workers are spawned, or once the forkserver runs."""
    if pool_context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    forkserver.ensure_running()


def start_pool(workers: int) -> Any:
    """A pool of ``workers`` processes, each with the pipeline loaded before its first batch.

    A ``ProcessPoolExecutor``, not a ``multiprocessing.Pool``: when a worker dies (killed for
    want of memory, say) the executor fails the batches it had, where a ``Pool`` starts a new
    worker and waits for the lost batch for ever."""
    from concurrent.futures import ProcessPoolExecutor

    from nlp import workers as worker

    return ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(), initializer=worker.start)


def expected_notes(files: Iterable[Path | str]) -> int:
    """A guess at how many notes ``files`` hold, from their sizes, before reading them."""
    total = 0
    for path in files:
        try:
            total += Path(path).stat().st_size
        except OSError:
            continue
    return total // BYTES_PER_NOTE


def prepare_for_files(files: Iterable[Path | str]) -> None:
    """Start the workers' model loading when ``files`` look big enough to be extracted by a
    pool (what ``SpacyExtractor`` decides once the notes are stored)."""
    if available_cores() >= 2 and forkserver_available() and expected_notes(files) >= POOL_MIN_NOTES:
        prepare_workers()
