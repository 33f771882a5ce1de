"""Judging a dependency closure for Flet's Android build (pure functions, no pip, no network).

`flet build apk` installs the app's `[project].dependencies` for Android from PyPI plus Flet's
mobile package index. A pure-Python wheel (`py3-none-any`) installs anywhere; a binary one
only if that index builds it, at one of the versions it lists (docs/android-packages.json).
These functions read pip's install report (`pip install --dry-run --report`, resolved on this
machine) and say which distributions could not be installed on the phone, and which exact
versions the phone would get.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

__all__ = ["ANDROID", "Dist", "MobileIndex", "dists", "load_mobile_index", "mobile_pins",
           "problems"]

# The marker environment of Flet's Android runtime (CPython 3.12, PEP 738).
ANDROID = {
    "implementation_name": "cpython", "implementation_version": "3.12.0",
    "os_name": "posix", "platform_machine": "aarch64", "platform_python_implementation":
    "CPython", "platform_release": "", "platform_system": "Android", "platform_version": "",
    "python_full_version": "3.12.0", "python_version": "3.12", "sys_platform": "android",
    "extra": "",
}
PHONE_PYTHON = Version("3.12.0")


@dataclass(frozen=True)
class MobileIndex:
    """The binary packages Flet's mobile index lists: canonical name → versions."""

    packages: Mapping[str, tuple[Version, ...]]
    read_on: str
    source: str


def load_mobile_index(path: Path) -> MobileIndex:
    data = json.loads(path.read_text(encoding="utf-8"))
    packages: dict[str, tuple[Version, ...]] = {
        canonicalize_name(name): tuple(sorted(Version(v) for v in versions))
        for name, versions in data["android"].items()}
    return MobileIndex(packages, data["read_on"], data["sources"][0]["url"])


@dataclass(frozen=True)
class Dist:
    name: str  # canonical
    version: Version
    filename: str
    kind: str  # "pure", "binary" or "sdist"
    requires: tuple[Requirement, ...]
    requires_python: SpecifierSet


def _kind(filename: str) -> str:
    if not filename.endswith(".whl"):
        return "sdist"
    _name, _version, _build, tags = parse_wheel_filename(filename)
    pure = all(t.abi == "none" and t.platform == "any" for t in tags)
    return "pure" if pure else "binary"


def dists(report: Mapping[str, Any]) -> list[Dist]:
    """The distributions pip resolved, from its install report."""
    found: list[Dist] = []
    for item in report["install"]:
        metadata = item["metadata"]
        filename = unquote(Path(urlparse(item["download_info"]["url"]).path).name)
        found.append(Dist(
            canonicalize_name(metadata["name"]), Version(metadata["version"]), filename,
            _kind(filename),
            tuple(Requirement(r) for r in metadata.get("requires_dist") or ()),
            SpecifierSet(metadata.get("requires_python") or "")))
    return found


def _applies(requirement: Requirement, env: Mapping[str, str]) -> bool:
    marker: Marker | None = requirement.marker
    return marker is None or marker.evaluate(dict(env))


def _specifiers(name: str, declared: Iterable[Requirement], resolved: Iterable[Dist]
                ) -> SpecifierSet:
    """Every version constraint on `name` on the phone: the app's own and its packages'."""
    result = SpecifierSet()
    requirements = [*declared, *(r for d in resolved for r in d.requires)]
    for requirement in requirements:
        if canonicalize_name(requirement.name) == name and _applies(requirement, ANDROID):
            result &= requirement.specifier
    return result


def phone_version(dist: Dist, declared: Iterable[Requirement], resolved: list[Dist],
                  index: MobileIndex) -> Version | None:
    """The newest version of a binary package that Flet's index lists and every requirement
    on the phone admits; None if there is none."""
    listed = index.packages.get(dist.name, ())
    allowed = _specifiers(dist.name, declared, resolved)
    admitted = [v for v in listed if allowed.contains(v, prereleases=True)]
    return max(admitted) if admitted else None


def problems(report: Mapping[str, Any], declared: Iterable[str], index: MobileIndex
             ) -> list[str]:
    """Why `flet build apk` could not install this closure for Android (empty: it can)."""
    requirements = [Requirement(r) for r in declared]
    resolved = dists(report)
    found: list[str] = []
    for dist in resolved:
        if not dist.requires_python.contains(PHONE_PYTHON, prereleases=True):
            found.append(f"{dist.name} {dist.version} needs Python {dist.requires_python}; "
                         f"Flet's Android runtime is {PHONE_PYTHON}")
        if dist.kind == "sdist":
            found.append(f"{dist.name} {dist.version} has no wheel ({dist.filename}): "
                         "pure or not, it cannot be judged; use a package with a wheel")
        elif dist.kind == "binary":
            if dist.name not in index.packages:
                found.append(f"{dist.name} {dist.version} is a binary package ({dist.filename})"
                             f" that Flet's mobile index does not list (read {index.read_on})")
            elif phone_version(dist, requirements, resolved, index) is None:
                listed = ", ".join(str(v) for v in index.packages[dist.name])
                allowed = _specifiers(dist.name, requirements, resolved)
                found.append(f"{dist.name}: the requirements on the phone ({allowed or 'any'})"
                             f" admit none of the versions Flet's mobile index lists ({listed})")
    return found


def mobile_pins(report: Mapping[str, Any], declared: Iterable[str], index: MobileIndex
                ) -> dict[str, Version]:
    """name → the exact version the phone would get: a binary package at the newest listed
    version the requirements admit, a pure one as resolved."""
    requirements = [Requirement(r) for r in declared]
    resolved = dists(report)
    pins: dict[str, Version] = {}
    for dist in resolved:
        version = (phone_version(dist, requirements, resolved, index)
                   if dist.kind == "binary" else dist.version)
        if version is None:
            raise ValueError(f"{dist.name} has no version for the phone")
        pins[dist.name] = version
    return pins
