"""Camera-like frames of generated barcodes: for the decoder's tests, the bench, and a demo
without a camera. A code is drawn (python-barcode, qrcode), rotated, placed on a 640×480 grey
background, blurred, darkened and given sensor noise, from a seeded random generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME = (640, 480)


@dataclass(frozen=True)
class Distortion:
    rotation: float = 0.0  # degrees
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # standard deviation of added noise, grey levels
    contrast: float = 1.0  # 1.0: black on white; 0.6: dark grey on light grey


def symbol_image(format_: str, text: str):
    """A clean greyscale PIL image of the code, with its quiet zone."""
    if format_ == "QRCODE":
        import qrcode

        code = qrcode.QRCode(box_size=6, border=4)
        code.add_data(text)
        code.make(fit=True)
        return code.make_image().get_image().convert("L")
    import barcode
    from barcode.writer import ImageWriter

    kind = {"EAN13": "ean13", "EAN8": "ean8", "CODE128": "code128"}[format_]
    symbol = barcode.get_barcode_class(kind)(text, writer=ImageWriter())
    return symbol.render({"module_width": 0.33, "module_height": 12.0, "quiet_zone": 3.0,
                          "write_text": False, "dpi": 200}).convert("L")


def frame(format_: str, text: str, distortion: Distortion = Distortion(),
          rng: np.random.Generator | None = None) -> np.ndarray:
    """A 640×480 greyscale uint8 frame showing the code somewhere, distorted."""
    import cv2
    from PIL import Image

    rng = rng or np.random.default_rng(0)
    symbol = symbol_image(format_, text).rotate(distortion.rotation, expand=True,
                                                resample=Image.Resampling.BILINEAR, fillcolor=255)
    if symbol.width > FRAME[0] - 20 or symbol.height > FRAME[1] - 20:
        scale = min((FRAME[0] - 20) / symbol.width, (FRAME[1] - 20) / symbol.height)
        symbol = symbol.resize((int(symbol.width * scale), int(symbol.height * scale)),
                               Image.Resampling.BILINEAR)
    canvas = np.full((FRAME[1], FRAME[0]), 200, dtype=np.float32)
    x = int(rng.integers(0, FRAME[0] - symbol.width + 1))
    y = int(rng.integers(0, FRAME[1] - symbol.height + 1))
    canvas[y:y + symbol.height, x:x + symbol.width] = np.asarray(symbol, dtype=np.float32)
    low = 255 * (1 - distortion.contrast) / 2
    canvas = low + canvas * distortion.contrast
    if distortion.blur:
        canvas = cv2.GaussianBlur(canvas, (0, 0), distortion.blur)
    if distortion.noise:
        canvas = canvas + rng.normal(0, distortion.noise, canvas.shape)
    return np.clip(canvas, 0, 255).astype(np.uint8)


def random_distortion(rng: np.random.Generator, matrix: bool) -> Distortion:
    """What a counter camera sees: a code held at an angle, slightly out of focus, in poor light."""
    return Distortion(rotation=float(rng.uniform(-180, 180) if matrix else rng.uniform(-10, 10)),
                      blur=float(rng.uniform(0, 1.0)), noise=float(rng.uniform(0, 12)),
                      contrast=float(rng.uniform(0.6, 1.0)))
