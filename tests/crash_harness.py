"""A worker forked and SIGKILLed at a chosen moment: the power cut of the crash tests."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable


def run_killed(work: Callable[[], None], kill_after: float | None) -> bool:
    """Fork a child running `work` (no interpreter start-up: many kills stay fast) and SIGKILL
    it `kill_after` seconds after it starts, or let it finish. True if it finished."""
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, and never return into pytest
        code = 1
        try:
            os.close(ready_read)
            os.write(ready_write, b"r")
            work()
            code = 0
        finally:
            os._exit(code)
    os.close(ready_write)
    assert os.read(ready_read, 1) == b"r"
    os.close(ready_read)
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
