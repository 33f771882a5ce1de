"""Issue 11, item 11 (first half): the phone's pipeline holds its memory promise
(`imaging.MEMORY_BUDGET`, 150 MB above the file's bytes). Each file is processed in a fresh
interpreter whose peak resident memory (VmHWM, reset just before the call) is read from
/proc; a 49-megapixel PNG peaked at 410 MB before. Banded downscaling gives the same
pixels as a whole-image resize."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from fieldapp.photos import PhotoError, imaging, process_photo

ROOT = Path(__file__).resolve().parents[2]
BUDGET_MB = imaging.MEMORY_BUDGET / 2**20

_MEASURE = """
import json, sys
from fieldapp.photos import PhotoError, process_photo
def kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
data = open(sys.argv[1], "rb").read()
open("/proc/self/clear_refs", "w").write("5")  # reset VmHWM to the current RSS
base = kb("VmRSS:")
try:
    photo = process_photo(data)
    out = {"size": [photo.width, photo.height]}
except PhotoError as error:
    out = {"code": error.code, "th": error.message_th, "en": error.message_en}
out["peak_mb"] = (kb("VmHWM:") - base) / 1024
print(json.dumps(out))
"""


def _gradient(width: int, height: int, mode: str) -> Image.Image:
    """Smooth and photo-like enough; PNG keeps it small on disk."""
    ramp = Image.linear_gradient("L").resize((width, height))
    if mode == "L":
        return ramp
    bands = [ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT), ramp.rotate(180)]
    return Image.merge(mode, bands + [ramp] * (len(mode) - 3))


def _measure(path: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _saved(tmp_path: Path, image: Image.Image, name: str, **options: object) -> Path:
    path = tmp_path / name
    image.save(path, **options)  # type: ignore[arg-type]
    return path


def test_a_49_megapixel_png_is_refused_early_in_both_languages(tmp_path: Path) -> None:
    result = _measure(_saved(tmp_path, _gradient(8100, 6050, "RGB"), "big.png",
                             compress_level=1))
    assert result["code"] == "too_many_pixels"
    assert "8100×6050" in str(result["en"]) and "JPEG" in str(result["en"])
    assert "8100×6050" in str(result["th"]) and "ล้านพิกเซล" in str(result["th"])
    assert float(result["peak_mb"]) < 20  # refused from the header, nothing decoded


@pytest.mark.parametrize(("mode", "size", "fmt"), [
    ("RGBA", (6100, 4590), "PNG"),  # the largest colour PNG accepted: decoded whole
    ("L", (8100, 6050), "PNG"),  # a 49 MP grey PNG: 1 byte a pixel
    ("RGB", (8100, 6050), "JPEG"),  # a 49 MP JPEG: decoded at reduced size
    ("RGB", (3000, 2300), "WEBP"),  # the largest WebP accepted
])
def test_the_largest_accepted_images_stay_within_the_budget(
        tmp_path: Path, mode: str, size: tuple[int, int], fmt: str) -> None:
    options: dict[str, object] = {"compress_level": 1} if fmt == "PNG" else {"quality": 85}
    path = _saved(tmp_path, _gradient(*size, mode), f"image.{fmt.lower()}", format=fmt,
                  **options)
    result = _measure(path)
    assert "code" not in result, result
    assert max(result["size"]) == 1600
    assert float(result["peak_mb"]) <= BUDGET_MB, result


def test_progressive_jpeg_limit_counts_libjpeg_coefficients() -> None:
    """A progressive JPEG keeps all its coefficients whatever the decoding scale: 49 MP of
    4:2:0 needs 147 MB of them, so it is refused before decoding."""
    out = io.BytesIO()
    _gradient(8100, 6050, "RGB").save(out, "JPEG", quality=80, progressive=True)
    with pytest.raises(PhotoError) as refused:
        process_photo(out.getvalue())
    assert refused.value.code == "too_many_pixels"
    assert "progressive" in refused.value.message_en


@settings(max_examples=25, deadline=None)
@given(width=st.integers(700, 1400), height=st.integers(700, 1400),
       mode=st.sampled_from(["RGB", "RGBA", "L", "P"]), seed=st.integers(0, 255))
def test_banded_shrink_matches_a_whole_image_resize(width: int, height: int, mode: str,
                                                    seed: int) -> None:
    image = _gradient(width, height, "RGB").point(lambda v: (v * 7 + seed) % 256)
    if mode == "RGBA":
        image.putalpha(_gradient(width, height, "L"))
    elif mode != "RGB":
        image = image.convert(mode)
    long_edge = 300
    whole = imaging.fit(imaging.to_srgb(image), long_edge)
    saved = imaging._WHOLE_BYTES, imaging._BAND_BYTES
    imaging._WHOLE_BYTES, imaging._BAND_BYTES = 0, 64 * 1024  # many bands, small image
    try:
        banded = imaging.shrink(image, long_edge)
    finally:
        imaging._WHOLE_BYTES, imaging._BAND_BYTES = saved
    assert banded.size == whole.size and banded.mode == "RGB"
    _low, high = zip(*ImageChops.difference(banded, whole).getextrema(), strict=True)
    assert max(high) <= 3, (image.size, mode)
