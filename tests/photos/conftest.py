from __future__ import annotations

import pytest
from PIL import Image

from tests.photos import photogen


@pytest.fixture(scope="session")
def scene() -> Image.Image:
    """One 12-megapixel upright scene, made once for the whole run."""
    return photogen.upright()


@pytest.fixture(scope="session")
def phone_photos(scene: Image.Image) -> dict[int, bytes]:
    """The scene as eight phone JPEGs, one per EXIF orientation 1–8, with capture time,
    GPS, ICC, XMP and a comment."""
    return {
        n: photogen.jpeg(photogen.as_taken(scene, n), photogen.exif_block(orientation=n))
        for n in range(1, 9)
    }
