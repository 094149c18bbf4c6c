"""Hybrid logical clock: wall milliseconds plus a counter, so events order sensibly even when a
Raspberry Pi's clock (no RTC) is behind. Encoded as fixed-width text that sorts correctly."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int

    def encode(self) -> str:
        return f"{self.wall_ms:015d}.{self.counter:05d}"

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        wall, _, counter = text.partition(".")
        return cls(int(wall), int(counter))


def wall_ms() -> int:
    """The wall clock in milliseconds: the one source of time for the clock (tests replace it
    to order events deterministically)."""
    return time.time_ns() // 1_000_000


def tick(last: Timestamp | None, now_ms: int | None = None) -> Timestamp:
    """The timestamp of a local event, after `last`."""
    wall = wall_ms() if now_ms is None else now_ms
    if last is None or wall > last.wall_ms:
        return Timestamp(wall, 0)
    return Timestamp(last.wall_ms, last.counter + 1)


def receive(last: Timestamp | None, remote: Timestamp, now_ms: int | None = None) -> Timestamp:
    """The clock after seeing a remote event: later than both it and everything local."""
    wall = wall_ms() if now_ms is None else now_ms
    candidates = [Timestamp(wall, -1), remote] + ([last] if last else [])
    top = max(candidates)
    if top.wall_ms == wall and top.counter == -1:
        return Timestamp(wall, 0)
    return Timestamp(top.wall_ms, top.counter + 1)
