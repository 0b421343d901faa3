"""Photo uploads: decode with Pillow, turn upright, shrink, re-encode as JPEG without any metadata.

Re-encoding from pixels is what strips EXIF (GPS location, camera serial, time) and any other
embedded data: nothing from the uploaded file's headers is copied into the stored one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
THUMB_SIDE = 320
MAX_UPLOAD = 15 * 1024 * 1024
ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}
# Decompression-bomb guard: a phone photo is ~12-50 MP; refuse anything far beyond.
Image.MAX_IMAGE_PIXELS = 80_000_000


class PhotoError(ValueError):
    """The upload is not a usable photo; the message is for the person who sent it."""


@dataclass(frozen=True)
class StoredPhoto:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def _jpeg(image: Image.Image, side: int, quality: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= / icc_profile= arguments: the saved file carries pixels only.
    copy.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue(), copy.width, copy.height


def process_photo(raw: bytes) -> StoredPhoto:
    """Validate and re-encode an uploaded photo; raises PhotoError with a readable message."""
    if not raw:
        raise PhotoError("The photo file is empty.")
    if len(raw) > MAX_UPLOAD:
        raise PhotoError(
            f"The photo is larger than {MAX_UPLOAD // (1024 * 1024)} MB; take it at a lower size."
        )
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ACCEPTED:
            raise PhotoError(f"{kind} images are not accepted; send a JPEG or PNG photo.")
        with Image.open(io.BytesIO(raw)) as image:
            image.seek(0)
            # Apply the camera's orientation tag before the tag is thrown away with the rest of the EXIF.
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "L"):
                background = Image.new("RGB", upright.size, "white")
                rgba = upright.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                upright = background
            elif upright.mode == "L":
                upright = upright.convert("RGB")
            data, width, height = _jpeg(upright, MAX_SIDE, 82)
            thumb, _w, _h = _jpeg(upright, THUMB_SIDE, 75)
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError("That file is not a photo we can read; send a JPEG or PNG image.") from exc
    return StoredPhoto(data, thumb, width, height)
