"""Unicode text → ESC/POS bytes in the code pages the printer has, switching with `ESC t n`.

A slip is mostly in the profile's configured code page (CP858 by default). A run of characters it
lacks (Turkish ğ ş ı İ on a CP858 printer, € on a CP857 one) is sent in another code page of the
printer's python-escpos capability profile that has them, and `ESC t n` is emitted only when the
page changes. A line with a character no usable page has is not encoded at all (`encode` returns
None): the renderer prints that line as an image instead of a wrong or '?' character.

python-escpos's own MagicEncode is not used: it prints its `defaultsymbol` ('?') for a missing
character, never says so, and picks pages by slot number rather than by the configured page.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from hardware.printing.profile import ProfileError, codec_name

CODEPAGE_CHANGE = b"\x1bt"  # ESC t n
# After the configured page, the pages tried first for a character it lacks (when the printer's
# profile lists them): CP858 for €, CP857 and CP1254 for Turkish, then Western and Central
# European pages; every other page of the profile comes after these.
FALLBACKS = ("CP858", "CP857", "CP1254", "CP1252", "ISO_8859-15", "ISO_8859-9", "CP850",
             "CP437", "CP852", "CP1250", "ISO_8859-2")


class CodePageError(ProfileError):
    """The configured code page cannot be used (not in the escpos profile, or no Python codec)."""


@lru_cache(maxsize=64)
def char_map(codec: str) -> dict[str, int]:
    """Character → byte for one single-byte page, from Python's codec (LookupError without one).

    Bytes below 0x20 and 0x7F are left out: in a printer stream they are commands, and a stray
    control character in a text must never reach the printer as one."""
    codecs.lookup(codec)
    chars: dict[str, int] = {}
    for byte in range(0x20, 0x100):
        if byte == 0x7F:
            continue
        try:
            char = bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            continue  # undefined in this page, or a lead byte of a multi-byte codec
        if len(char) == 1:
            chars.setdefault(char, byte)
    return chars


@dataclass(frozen=True)
class CodePage:
    name: str  # as the escpos capability profile spells it, e.g. "CP857"
    number: int  # n of `ESC t n` on this printer
    chars: dict[str, int] = field(compare=False, hash=False, repr=False)  # the page's bytes

    def has(self, char: str) -> bool:
        # a space the page lacks (no-break, narrow, thin …) prints as a plain space in any page,
        # so it never forces a page switch nor an image line
        return char in self.chars or unicodedata.category(char) == "Zs"

    def byte(self, char: str) -> int:
        found = self.chars.get(char)
        return found if found is not None else 0x20  # only spaces get here (see `has`)


@lru_cache(maxsize=32)
def code_pages(escpos_profile: str, preferred: str) -> tuple[CodePage, ...]:
    """The pages usable on a printer, best first: the configured one, FALLBACKS, then the rest of
    its capability profile by slot number. A page is usable when the profile lists it and Python
    has its codec; a page the profile does not list is never used."""
    from escpos.capabilities import get_profile

    listed = get_profile(escpos_profile).profile_data.get("codePages", {})
    usable: dict[str, CodePage] = {}
    for number, name in sorted(listed.items(), key=lambda item: int(item[0])):
        key = name.upper()
        if key in usable:
            continue  # the lowest slot of a page listed twice
        try:
            usable[key] = CodePage(name, int(number), char_map(codec_name(name)))
        except LookupError:
            continue  # "Unknown", TCVN-3, CP1098 …: no Python codec, so no known bytes
    first = usable.get(preferred.upper())
    if first is None:
        raise CodePageError(f"code page {preferred} cannot be used with printer profile "
                            f"{escpos_profile} (not listed there, or no Python codec)")
    order = [first] + [usable[name] for name in FALLBACKS if name in usable]
    order += list(usable.values())
    return tuple(dict.fromkeys(order))  # drop repeats, keep the order


class Encoder:
    """Encodes lines for one job, remembering the page the printer is in."""

    def __init__(self, pages: tuple[CodePage, ...]) -> None:
        self.pages = pages
        self.current: CodePage | None = None

    def select(self, page: CodePage) -> bytes:
        """`ESC t n` when the printer is not in `page` yet, else nothing."""
        if page == self.current:
            return b""
        self.current = page
        return CODEPAGE_CHANGE + bytes([page.number])

    def start(self) -> bytes:
        """The job's own page selection: the configured page, whatever the printer had."""
        self.current = None
        return self.select(self.pages[0])

    def runs(self, text: str) -> list[tuple[CodePage, str]] | None:
        """`text` split into runs per page, or None when a character is in no usable page.

        The current page is kept while it has the characters; where it lacks one, the page that
        covers the longest stretch from there is taken (the earlier in `pages` on a tie), which
        keeps the switches few."""
        page = self.current
        runs: list[tuple[CodePage, str]] = []
        start = 0
        while start < len(text):
            if page is None or not page.has(text[start]):
                best, reach = None, start
                for candidate in self.pages:
                    end = _reach(candidate, text, start)
                    if end > reach:
                        best, reach = candidate, end
                if best is None:
                    return None
                page = best
            end = _reach(page, text, start)
            runs.append((page, text[start:end]))
            start = end
        return runs

    def encode(self, text: str) -> bytes | None:
        """The bytes of `text` with the page switches it needs, or None (and nothing changed)
        when some character cannot be printed as text."""
        runs = self.runs(text)
        if runs is None:
            return None
        out = bytearray()
        for page, run in runs:
            out += self.select(page)
            out += bytes(page.byte(char) for char in run)
        return bytes(out)


def _reach(page: CodePage, text: str, start: int) -> int:
    """The end of the stretch of `text` from `start` that `page` can print."""
    end = start
    while end < len(text) and page.has(text[end]):
        end += 1
    return end
