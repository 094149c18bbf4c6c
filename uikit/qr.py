"""A QR code as a Kivy texture (pay-at-counter tickets on screen)."""

from __future__ import annotations

import io

from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture


def qr_texture(text: str, box_size: int = 8) -> Texture:
    import qrcode  # python-escpos depends on it; imported here so apps start without it

    code = qrcode.QRCode(border=2, box_size=box_size,
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image()
    data = io.BytesIO()
    image.save(data, format="PNG")
    data.seek(0)
    texture = CoreImage(data, ext="png").texture
    texture.mag_filter = "nearest"  # sharp modules when scaled up
    return texture
