"""Linux key codes → characters, as a US-layout keyboard-wedge scanner types them.

Pure data and one decoder, no evdev import: the codes are the kernel's stable
input-event-codes.h numbers (tests check them against evdev.ecodes). Scanners type in the US
layout whatever the system layout is, so this table is the truth for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.scanners.base import Scan

EV_KEY = 1
KEY_UP, KEY_DOWN, KEY_REPEAT = 0, 1, 2
KEY_ENTER, KEY_KPENTER = 28, 96
KEY_LEFTSHIFT, KEY_RIGHTSHIFT = 42, 54
SHIFTS = {KEY_LEFTSHIFT, KEY_RIGHTSHIFT}
ENTERS = {KEY_ENTER, KEY_KPENTER}

# code: (plain, shifted)
US: dict[int, tuple[str, str]] = {
    2: ("1", "!"), 3: ("2", "@"), 4: ("3", "#"), 5: ("4", "$"), 6: ("5", "%"), 7: ("6", "^"),
    8: ("7", "&"), 9: ("8", "*"), 10: ("9", "("), 11: ("0", ")"), 12: ("-", "_"), 13: ("=", "+"),
    16: ("q", "Q"), 17: ("w", "W"), 18: ("e", "E"), 19: ("r", "R"), 20: ("t", "T"),
    21: ("y", "Y"), 22: ("u", "U"), 23: ("i", "I"), 24: ("o", "O"), 25: ("p", "P"),
    26: ("[", "{"), 27: ("]", "}"),
    30: ("a", "A"), 31: ("s", "S"), 32: ("d", "D"), 33: ("f", "F"), 34: ("g", "G"),
    35: ("h", "H"), 36: ("j", "J"), 37: ("k", "K"), 38: ("l", "L"), 39: (";", ":"),
    40: ("'", '"'), 41: ("`", "~"), 43: ("\\", "|"),
    44: ("z", "Z"), 45: ("x", "X"), 46: ("c", "C"), 47: ("v", "V"), 48: ("b", "B"),
    49: ("n", "N"), 50: ("m", "M"), 51: (",", "<"), 52: (".", ">"), 53: ("/", "?"),
    57: (" ", " "), 55: ("*", "*"),
    # keypad (some scanners send digits from the numeric keypad)
    71: ("7", "7"), 72: ("8", "8"), 73: ("9", "9"), 74: ("-", "-"), 75: ("4", "4"),
    76: ("5", "5"), 77: ("6", "6"), 78: ("+", "+"), 79: ("1", "1"), 80: ("2", "2"),
    81: ("3", "3"), 82: ("0", "0"), 83: (".", "."), 98: ("/", "/"),
}

GAP_SECONDS = 0.1  # a scanner types a code in a few ms per key; a longer pause is a person


@dataclass
class ScanDecoder:
    """Key events of one device → scans. A scan ends on Enter; a partial scan older than `gap`
    seconds when the next key comes (a stray key press, a scan cut short) is dropped."""

    source: str
    gap: float = GAP_SECONDS
    buffer: list[str] = field(default_factory=list)
    shift: bool = False
    last: float = 0.0

    def feed(self, type_: int, code: int, value: int, time: float) -> Scan | None:
        if type_ != EV_KEY:
            return None
        if code in SHIFTS:
            self.shift = value != KEY_UP
            return None
        if value != KEY_DOWN:  # key up, autorepeat
            return None
        if self.buffer and time - self.last > self.gap:
            self.buffer.clear()
        self.last = time
        if code in ENTERS:
            text, self.buffer = "".join(self.buffer), []
            return Scan(text, self.source, time) if text else None
        chars = US.get(code)
        if chars is not None:
            self.buffer.append(chars[1] if self.shift else chars[0])
        return None

    def feed_event(self, event) -> Scan | None:
        """An evdev.InputEvent (or anything with type, code, value and timestamp())."""
        return self.feed(event.type, event.code, event.value, event.timestamp())

    def reset(self) -> None:
        self.buffer.clear()
        self.shift = False
