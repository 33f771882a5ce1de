"""The closure judge (tests/build/closure.py) on hand-made pip install reports.

The regression case is the dependency list before the phone build was fixed: jsonschema
pulled in rpds-py (a Rust wheel Flet's index does not list) and Pillow was pinned to 13.0.0,
which no Android index serves. Both must be refused; the fixed list must pass.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from tests.build import closure

ROOT = Path(__file__).resolve().parents[2]
INDEX = closure.load_mobile_index(ROOT / "docs" / "android-packages.json")
LINUX = "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"


def item(name: str, version: str, wheel_tag: str | None = "py3-none-any",
         requires: list[str] | None = None, requires_python: str | None = None
         ) -> dict[str, Any]:
    filename = (f"{name.replace('-', '_')}-{version}-{wheel_tag}.whl" if wheel_tag
                else f"{name}-{version}.tar.gz")
    return {"download_info": {"url": f"https://files.example/packages/{filename}"},
            "metadata": {"name": name, "version": version, "requires_dist": requires or [],
                         "requires_python": requires_python}}


FLET = item("flet", "1.0.5", requires=[
    "httpx>=0.28.1; platform_system != 'Emscripten'", "msgpack>=1.1.0",
    "typing-extensions; python_version < '3.11'", "pytest>=7.2.0; extra == 'test'"])
FIXED = {"install": [
    FLET, item("httpx", "0.28.1"), item("msgpack", "1.2.4", LINUX),
    item("pillow", "13.0.0", "cp311-cp311-manylinux_2_28_x86_64"), item("geothai", "3.2.1")]}
FIXED_DECLARED = ["flet==1.0.5", "httpx==0.28.1", "pillow>=10.4", "geothai==3.2.1"]


def test_the_fixed_closure_passes_and_gets_the_listed_binaries() -> None:
    assert closure.problems(FIXED, FIXED_DECLARED, INDEX) == []
    pins = closure.mobile_pins(FIXED, FIXED_DECLARED, INDEX)
    assert pins["pillow"] == Version("10.4.0") and pins["msgpack"] == Version("1.1.0")
    assert pins["flet"] == Version("1.0.5")  # pure: as resolved


def test_the_old_closure_is_refused_for_rpds_and_the_exact_pillow_pin() -> None:
    old = {"install": [*FIXED["install"],
                       item("jsonschema", "4.26.0", requires=["referencing>=0.28.4"]),
                       item("referencing", "0.37.0", requires=["rpds-py>=0.7.0"]),
                       item("rpds-py", "2026.9.1", LINUX)]}
    declared = [*FIXED_DECLARED, "jsonschema==4.26.0"]
    declared[2] = "pillow==13.0.0"
    found = closure.problems(old, declared, INDEX)
    assert len(found) == 2
    assert "rpds-py" in found[1] and "does not list" in found[1]
    assert found[0].startswith("pillow:") and "10.4.0" in found[0]
    with pytest.raises(ValueError, match="pillow"):
        closure.mobile_pins(old, declared, INDEX)


def test_a_package_of_the_closure_can_rule_out_the_listed_version() -> None:
    strict = {"install": [*FIXED["install"], item("thumbs", "1.0", requires=["pillow>=11"])]}
    found = closure.problems(strict, FIXED_DECLARED, INDEX)
    assert found and "pillow" in found[0] and ">=11" in found[0]


def test_markers_are_read_as_on_the_phone() -> None:
    desktop_only = {"install": [*FIXED["install"], item("tray", "1.0", requires=[
        "pillow>=12; sys_platform == 'win32'", "pillow>=10; sys_platform == 'android'"])]}
    assert closure.problems(desktop_only, FIXED_DECLARED, INDEX) == []


def test_a_source_only_package_and_a_python_too_new_for_the_phone_are_refused() -> None:
    report = {"install": [*FIXED["install"], item("oddity", "0.1", wheel_tag=None),
                          item("future", "1.0", requires_python=">=3.13")]}
    found = closure.problems(report, FIXED_DECLARED, INDEX)
    assert any("oddity" in f and "no wheel" in f for f in found)
    assert any("future" in f and "3.12" in f for f in found)


@given(st.sampled_from(["py3-none-any", "py2.py3-none-any", "cp312-abi3-android_24_arm64_v8a",
                        LINUX, "cp311-none-any", "py3-none-manylinux1_x86_64"]))
def test_only_none_any_wheels_count_as_pure(tag: str) -> None:
    [dist] = closure.dists({"install": [item("pkg", "1.0", tag)]})
    assert (dist.kind == "pure") == tag.endswith("-none-any")


def test_the_record_names_its_source_and_date() -> None:
    assert date.fromisoformat(INDEX.read_on) >= date(2026, 12, 5)
    assert INDEX.source.startswith("https://docs.flet.dev/")
    assert INDEX.packages["pillow"] and INDEX.packages["msgpack"]
    assert "rpds-py" not in INDEX.packages  # else jsonschema could come back: say so in docs
