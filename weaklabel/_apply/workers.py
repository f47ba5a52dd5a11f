"""A small pool of forked worker processes that always stops promptly and leaves no process behind.

The workers are forked, so they inherit the task (the LFs and the data) and only task numbers and
results cross their pipes. Each worker holds one task at a time and gets the next when its result
is back, so the parent always knows which task a worker holds.

Stopping is the parent's decision:

- Workers ignore SIGINT, so a Ctrl-C in a terminal (sent to the whole process group) reaches only
  the parent. There the first one stops the pool: no more tasks, the workers get SIGTERM, then
  SIGKILL after a grace period, they are reaped and ``KeyboardInterrupt`` is raised. Another
  Ctrl-C meanwhile SIGKILLs the workers at once instead of interrupting the clean-up.
- Workers die with their parent, even a SIGKILLed one: ``PR_SET_PDEATHSIG`` on Linux, elsewhere a
  thread in each worker watching ``os.getppid()``.
- A worker that dies (the out-of-memory killer, a crash in a C extension) is a
  :class:`~weaklabel.exceptions.WorkerError` naming its task; the other workers are stopped.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from types import FrameType
from typing import Any

from weaklabel.exceptions import WeaklabelError, WorkerError

__all__ = ["run_in_workers"]

_GRACE = 2.0  # seconds a stopping worker gets before it is SIGKILLed
_REAP = 10.0  # seconds to reap a SIGKILLed worker (bounded even if the kernel is slow)
_POLL = 0.5  # seconds between checks of the interrupt flag when no worker reports
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def run_in_workers(
    task: Callable[[int], Any],
    todo: list[int],
    n_workers: int,
    finished: Callable[[int, Any], None],
    describe: Callable[[int], str],
) -> None:
    """Run ``task(i)`` for every ``i`` in ``todo`` in ``n_workers`` forked processes.

    ``finished(i, result)`` runs in this process as each result arrives; ``describe(i)`` names
    task ``i`` in the error raised when its worker dies. An exception raised by a task is raised
    here (the worker's traceback as its cause); a Ctrl-C raises ``KeyboardInterrupt`` once the
    workers are gone. Whatever happens, no worker outlives the call.
    """
    pool = _Pool(task, min(n_workers, len(todo)))
    with pool.handling_sigint():
        try:
            pool.start()
            pool.serve(todo, finished, describe)
        except BaseException:
            pool.stop(graceful=False)
            raise
        pool.stop(graceful=True)
        if pool.interrupted:  # Ctrl-C while the finished workers were stopping
            raise KeyboardInterrupt


class _RemoteTraceback(Exception):
    """Not raised: the cause of a task's exception, carrying the worker's traceback text."""

    def __str__(self) -> str:
        return f"\n\nin the worker process:\n{self.args[0]}"


class _Pool:
    def __init__(self, task: Callable[[int], Any], size: int) -> None:
        self.task = task
        self.size = size
        self.context = multiprocessing.get_context("fork")
        self.processes: list[Any] = []
        self.conns: list[Connection] = []  # the parent's end of each worker's pipe
        self.interrupted = False
        self.wake_read, self.wake_write = os.pipe()  # the SIGINT handler wakes `serve` with it
        os.set_blocking(self.wake_write, False)

    @contextlib.contextmanager
    def handling_sigint(self) -> Iterator[None]:
        """Let SIGINT set a flag (and SIGKILL the workers the second time) while the pool runs."""
        install = (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        )
        if install:
            signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield
        finally:
            if install:
                signal.signal(signal.SIGINT, signal.default_int_handler)
            os.close(self.wake_read)
            os.close(self.wake_write)

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self.interrupted:
            self._kill_all()
        self.interrupted = True
        with contextlib.suppress(OSError):
            os.write(self.wake_write, b"\0")

    def _kill_all(self) -> None:
        # signal-handler safe: no waitpid, which the interrupted code may be in the middle of
        for process in self.processes:
            popen = process._popen
            if popen is not None and popen.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(popen.pid, signal.SIGKILL)

    def start(self) -> None:
        prctl = _load_prctl()
        # SIGINT stays blocked across each fork until the new worker ignores it
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for index in range(self.size):
                parent_end, child_end = self.context.Pipe()
                self.conns.append(parent_end)
                process = self.context.Process(
                    target=self._worker,
                    args=(child_end, os.getpid(), mask, prctl),
                    name=f"weaklabel-worker-{index}",
                )
                process.start()
                self.processes.append(process)
                child_end.close()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def _worker(self, conn: Connection, parent: int, mask: Any, prctl: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _die_with_parent(parent, prctl)
        for other in self.conns:  # the parent's ends: held here, they would hide its death
            other.close()
        os.close(self.wake_read)
        os.close(self.wake_write)
        try:
            while (i := conn.recv()) is not None:
                try:
                    result = self.task(i)
                except Exception as exc:
                    conn.send((i, False, _portable(exc), traceback.format_exc()))
                else:
                    conn.send((i, True, result, ""))
        except (EOFError, OSError):  # the parent is gone
            return

    def serve(
        self,
        todo: list[int],
        finished: Callable[[int, Any], None],
        describe: Callable[[int], str],
    ) -> None:
        pending = list(reversed(todo))
        held: dict[int, int] = {}  # worker -> the task it holds
        for worker in range(self.size):
            self._give(worker, pending, held)
        while held:
            watched: dict[Any, int] = {}
            for worker in held:
                watched[self.conns[worker]] = worker
                watched[self.processes[worker].sentinel] = worker
            ready = wait([*watched, self.wake_read], timeout=_POLL)
            if self.interrupted:
                raise KeyboardInterrupt
            for worker in {watched[obj] for obj in ready if obj in watched}:
                i, ok, result, remote = self._receive(worker, held[worker], describe)
                if not ok:
                    raise result from _RemoteTraceback(remote)
                del held[worker]
                self._give(worker, pending, held)
                finished(i, result)

    def _give(self, worker: int, pending: list[int], held: dict[int, int]) -> None:
        if pending:
            held[worker] = pending.pop()
            with contextlib.suppress(OSError):  # a dead worker is caught by `wait` in `serve`
                self.conns[worker].send(held[worker])

    def _receive(self, worker: int, i: int, describe: Callable[[int], str]) -> Any:
        conn, process = self.conns[worker], self.processes[worker]
        try:
            if conn.poll():
                return conn.recv()
        except (EOFError, OSError):
            pass
        process.join(_REAP)
        code = process.exitcode
        how = f"exited with code {code}"
        if code is not None and code < 0:
            how = f"was killed by signal {signal.Signals(-code).name}"
        raise WorkerError(
            f"A worker process (pid {process.pid}) {how} while applying {describe(i)}; the "
            "other workers were stopped. The usual causes are the out-of-memory killer (use "
            "fewer n_jobs or a smaller chunk_size) or a crash in a labeling function's C "
            "extension (run with n_jobs=1 and `python -X faulthandler` to see where)."
        )

    def stop(self, *, graceful: bool) -> None:
        """End every worker and reap it: politely when ``graceful``, else SIGTERM at once."""
        if graceful:
            for conn in self.conns:
                with contextlib.suppress(OSError):
                    conn.send(None)
            self._wait_exit(_GRACE)
        for process in self._alive():
            process.terminate()
        self._wait_exit(_GRACE)
        for process in self._alive():
            process.kill()
        for process in self.processes:
            process.join(_REAP)
        for conn in self.conns:
            conn.close()

    def _alive(self) -> list[Any]:
        return [p for p in self.processes if p.exitcode is None]

    def _wait_exit(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while (alive := self._alive()) and (left := deadline - time.monotonic()) > 0:
            wait([p.sentinel for p in alive], timeout=left)


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling, else a WeaklabelError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return WeaklabelError(f"{type(exc).__name__}: {exc}")
    return exc


def _load_prctl() -> Any:
    """libc's ``prctl`` on Linux, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return None


def _die_with_parent(parent: int, prctl: Any) -> None:
    """Make this worker die when ``parent`` does, whatever kills it."""
    if prctl is None or prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL)) != 0:  # pragma: no cover
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:  # pragma: no cover - where prctl is missing
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
