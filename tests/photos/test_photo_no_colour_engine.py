"""Flet's Android Pillow is built without littlecms (docs/android-packages.md): there
`from PIL import ImageCms` raises ImportError (Pillow 10.4). The pipeline must still import
and process every photo, keeping the pixels of one with a colour profile as they are. Run in
a fresh interpreter where `PIL._imagingcms` and `PIL.ImageCms` cannot be imported."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.photos import photogen

ROOT = Path(__file__).resolve().parents[2]

_PROBE = r"""
import json, sys

class NoColourEngine:
    def find_spec(self, name, path=None, target=None):
        if name in ("PIL._imagingcms", "PIL.ImageCms"):
            raise ImportError(f"no littlecms in this Pillow: {name}")
        return None

sys.meta_path.insert(0, NoColourEngine())
from fieldapp.photos import process_photo
results = {}
for path in sys.argv[1:]:
    photo = process_photo(open(path, "rb").read())
    from PIL import Image
    import io
    with Image.open(io.BytesIO(photo.jpeg)) as image:
        results[path] = [image.mode, list(image.getpixel((image.width // 2, image.height // 2)))]
try:
    from PIL import ImageCms  # noqa: F401
    engine = True
except ImportError:
    engine = False
print(json.dumps({"engine": engine, "results": results}))
"""


def _save(tmp_path: Path, name: str, image: Image.Image, **options: object) -> str:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, **options)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return str(path)


def test_photos_with_colour_profiles_go_through_without_littlecms(tmp_path: Path) -> None:
    red = Image.new("RGB", (400, 300), (200, 30, 30))
    files = [
        _save(tmp_path, "p3like.jpg", red, icc_profile=photogen.swapped_primaries_profile()),
        _save(tmp_path, "cmyk.jpg", red.convert("CMYK"),
              icc_profile=photogen.swapped_primaries_profile()),
        _save(tmp_path, "plain.jpg", red),
    ]
    done = subprocess.run([sys.executable, "-c", _PROBE, *files], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["engine"] is False  # the blocker really took the colour engine away
    for path in files:
        mode, (r, g, b) = out["results"][path]
        assert mode == "RGB"
        # Pixels kept as stored: still red (with the engine, the swapped profile makes the
        # tagged photo green; tests/photos/test_pipeline.py checks that).
        assert r > 150 and g < 80 and b < 80, (path, (r, g, b))
