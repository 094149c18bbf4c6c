"""Hybrid logical clock: wall milliseconds plus a counter, so events order sensibly even when a
Raspberry Pi's clock (no RTC) is behind. Encoded as fixed-width text that sorts correctly.

The text form is total: every timestamp this module makes has a 15-digit wall part and a 5-digit
counter (receivers refuse anything else as malformed). A counter that would pass 99999 carries
into the wall part instead (the clock runs one millisecond ahead, still after everything before).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

WALL_DIGITS = 15
COUNTER_DIGITS = 5
MAX_WALL_MS = 10**WALL_DIGITS - 1  # the year 33658
MAX_COUNTER = 10**COUNTER_DIGITS - 1
PATTERN = re.compile(rf"^\d{{{WALL_DIGITS}}}\.\d{{{COUNTER_DIGITS}}}$")


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int

    def __post_init__(self) -> None:
        if not (0 <= self.wall_ms <= MAX_WALL_MS and 0 <= self.counter <= MAX_COUNTER):
            raise ValueError(f"HLC out of range: {self.wall_ms}.{self.counter}")

    def encode(self) -> str:
        return f"{self.wall_ms:0{WALL_DIGITS}d}.{self.counter:0{COUNTER_DIGITS}d}"

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        if not PATTERN.match(text):
            raise ValueError(f"not an HLC timestamp: {text[:40]!r}")
        wall, _, counter = text.partition(".")
        return cls(int(wall), int(counter))

    def successor(self) -> Timestamp:
        """The next timestamp: counter + 1, or the next millisecond when the counter is full."""
        if self.counter < MAX_COUNTER:
            return Timestamp(self.wall_ms, self.counter + 1)
        if self.wall_ms >= MAX_WALL_MS:
            raise OverflowError("HLC wall time exhausted")
        return Timestamp(self.wall_ms + 1, 0)


def wall_ms() -> int:
    """The wall clock in milliseconds: the one source of time for the clock (tests replace it
    to order events deterministically)."""
    return time.time_ns() // 1_000_000


def tick(last: Timestamp | None, now_ms: int | None = None) -> Timestamp:
    """The timestamp of a local event, after `last`."""
    wall = wall_ms() if now_ms is None else now_ms
    if last is None or wall > last.wall_ms:
        return Timestamp(wall, 0)
    return last.successor()


def receive(last: Timestamp | None, remote: Timestamp, now_ms: int | None = None) -> Timestamp:
    """The clock after seeing a remote event: later than both it and everything local.

    The caller bounds `remote` (engine.sync.client holds events too far ahead of the wall
    clock, see `ahead_ms`), so a remote clock set years ahead never drags this one along."""
    wall = wall_ms() if now_ms is None else now_ms
    top = max(remote, last) if last is not None else remote
    if wall > top.wall_ms:
        return Timestamp(wall, 0)
    return top.successor()


def ahead_ms(stamp: Timestamp, now_ms: int | None = None) -> int:
    """How far `stamp` is ahead of the wall clock (negative when behind)."""
    return stamp.wall_ms - (wall_ms() if now_ms is None else now_ms)
