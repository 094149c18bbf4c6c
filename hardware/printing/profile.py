"""A printer profile: paper width in dots and characters, code page, cutter, cash drawer.

58 mm paper prints 384 dots (32 characters of font A, 12 dots each); 80 mm prints 576 dots (48
characters). The code page is the one text is printed in first: CP858 (CP850 with €) suits most
Epson-compatible printers, CP1252 the others. A character it lacks is printed in another code
page of the printer's capability profile (CP857 for Turkish ğ ş ı İ), or as an image of the line
when none has it (hardware/printing/encoding.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

PAPERS = {58: (384, 32), 80: (576, 48)}  # paper mm → (printable dots, font A characters)
DEFAULT_ASSETS = Path("var/assets")


class ProfileError(ValueError):
    pass


def codec_name(page: str) -> str:
    """The Python codec of an escpos code page name: CP858 → cp858, ISO_8859-15 → iso-8859-15."""
    return page.lower().replace("_", "-")


@dataclass(frozen=True)
class PrinterProfile:
    paper_mm: int = 80
    dots: int = 576
    chars: int = 48
    code_page: str = "CP858"
    escpos_profile: str = "default"  # a python-escpos capability profile name
    cut: str | None = "partial"  # full | partial | None (no cutter)
    drawer_pin: int = 2  # the cash drawer kick pin (2 or 5)
    assets: Path = DEFAULT_ASSETS  # where relative image names (logo, coupon images) live
    logo: str | None = None  # overrides the site's receipt_logo setting

    @property
    def code_page_number(self) -> int:
        """n of `ESC t n` for the code page in this printer's capability profile."""
        from escpos.capabilities import get_profile

        pages = get_profile(self.escpos_profile).profile_data.get("codePages", {})
        for number, name in pages.items():
            if name.upper() == self.code_page.upper():
                return int(number)
        raise ProfileError(f"code page {self.code_page} is not known for printer profile "
                           f"{self.escpos_profile}")

    @property
    def python_codec(self) -> str:
        return codec_name(self.code_page)

    def image_path(self, name: str | None) -> Path | None:
        if not name:
            return None
        path = Path(name)
        return path if path.is_absolute() else self.assets / path


def paper(width_mm: int, **options: Any) -> PrinterProfile:
    if width_mm not in PAPERS:
        raise ProfileError(f"paper width {width_mm} mm: use one of {sorted(PAPERS)}")
    dots, chars = PAPERS[width_mm]
    return replace(PrinterProfile(paper_mm=width_mm, dots=dots, chars=chars), **options)


def profile_from(settings: dict[str, Any] | None) -> PrinterProfile:
    """A profile from a settings mapping such as {"paper": 58, "code_page": "CP1252"}."""
    settings = dict(settings or {})
    width = int(settings.pop("paper", 80))
    known = {"dots", "chars", "code_page", "escpos_profile", "cut", "drawer_pin", "assets", "logo"}
    unknown = set(settings) - known
    if unknown:
        raise ProfileError(f"unknown printer settings: {', '.join(sorted(unknown))}")
    if "assets" in settings:
        settings["assets"] = Path(settings["assets"])
    profile = paper(width, **settings)
    profile.code_page_number  # noqa: B018 - fail early on a code page the printer lacks
    try:
        "€".encode(profile.python_codec)
    except LookupError as error:
        raise ProfileError(f"code page {profile.code_page} has no Python codec") from error
    except UnicodeEncodeError:
        # allowed: € (and any letter the page lacks) is printed in another code page of the
        # printer's profile that has it, else the line is printed as an image
        pass
    return profile
