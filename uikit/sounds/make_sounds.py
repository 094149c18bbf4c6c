"""Writes the scan sounds beside this file (they ship with the project; run again only to change
them): `accepted.wav`, one high short beep; `refused.wav`, two lower beeps.

    .venv/bin/python uikit/sounds/make_sounds.py

16-bit mono at 22,050 Hz, a few milliseconds of fade at each end so the speaker does not click.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
VOLUME = 0.45  # of full scale: loud enough at a counter, not a shriek
FADE = 0.004  # s


def tone(frequency: float, seconds: float) -> list[float]:
    count = round(RATE * seconds)
    fade = round(RATE * FADE)
    samples = []
    for n in range(count):
        envelope = min(1.0, n / fade, (count - 1 - n) / fade)
        samples.append(VOLUME * envelope * math.sin(2 * math.pi * frequency * n / RATE))
    return samples


def silence(seconds: float) -> list[float]:
    return [0.0] * round(RATE * seconds)


def write(path: Path, samples: list[float]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", round(s * 32767)) for s in samples))


def main() -> None:
    here = Path(__file__).resolve().parent
    write(here / "accepted.wav", tone(1760, 0.08))
    write(here / "refused.wav", tone(440, 0.11) + silence(0.07) + tone(440, 0.11))


if __name__ == "__main__":
    main()
