"""constraints.txt pins every package the project installs, and nothing else.

scripts/lib.sh installs `-c constraints.txt -e .[extras]`, so CI and scripts/run are
reproducible while pyproject.toml's phone dependencies are ranges. This walks the closure of
the phone's dependencies and every extra through the installed packages' metadata (no
network): each package reached must be pinned, at the version installed here, and each pin
must be reached.
"""

from __future__ import annotations

import importlib.metadata as md
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from benchmarks._machine import pins

ROOT = Path(__file__).resolve().parents[2]


def pinned() -> dict[str, str]:
    return pins()  # exact pins only, or ValueError


def closure_of_every_extra() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [(Requirement(r), "") for r in project["dependencies"]]
    todo += [(Requirement(r), "") for extra in project["optional-dependencies"].values()
             for r in extra]
    found: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    while todo:
        requirement, extra = todo.pop()
        env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
        env["extra"] = extra
        if requirement.marker is not None and not requirement.marker.evaluate(env):
            continue
        name = canonicalize_name(requirement.name)
        for wanted in requirement.extras or {""}:
            if (name, wanted) in seen:
                continue
            seen.add((name, wanted))
            dist = md.distribution(name)
            found[name] = dist.version
            assert requirement.specifier.contains(dist.version, prereleases=True), (
                f"{name} {dist.version} installed, {requirement} wanted")
            todo += [(Requirement(r), wanted) for r in dist.requires or ()]
    return found


def test_constraints_pin_the_whole_closure_at_the_installed_versions() -> None:
    assert pinned() == closure_of_every_extra()


def test_benchmarks_refuse_a_venv_that_drifted(tmp_path: Path) -> None:
    """benchmarks/_machine.drift: what a benchmark checks before it measures anything."""
    from benchmarks._machine import drift

    constraints = tmp_path / "constraints.txt"
    constraints.write_text(f"# a comment\npackaging=={md.version('packaging')}\n"
                           "pytest==0.0.1  # pinned elsewhere\nno-such-package-here==1.0\n",
                           encoding="utf-8")
    assert drift(str(constraints)) == [
        f"pytest: installed {md.version('pytest')}, constraints.txt 0.0.1",
        "no-such-package-here: installed nothing, constraints.txt 1.0"]
    assert drift() == []  # this venv is the README's install (CI: a fresh one)
