"""The machine a benchmark ran on, as its report states it (house rule: `uname -a`, `nproc`,
CPU model). One place for what each benchmark script used to write out for itself."""

from __future__ import annotations

import os
import platform
import subprocess


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo; what `platform` knows when there is none."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def uname_a() -> str:
    """What `uname -a` prints (the fields `platform.uname()` knows when it cannot run)."""
    try:
        done = subprocess.run(["uname", "-a"], capture_output=True, text=True, check=True)
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return " ".join(platform.uname())


def machine_lines() -> str:
    """A Markdown list: `uname -a`, nproc, CPU model and Python version."""
    return (f"- `uname -a`: {uname_a()}\n- `nproc`: {os.cpu_count()}\n"
            f"- CPU: {cpu_model()}\n- Python {platform.python_version()}")


def machine_inline() -> str:
    """The same in one sentence fragment."""
    return f"`{uname_a()}`, nproc {os.cpu_count()}, CPU {cpu_model()}"


def pins(constraints: str | None = None) -> dict[str, str]:
    """constraints.txt (or the file `constraints`) as {canonical package name: version};
    ValueError for a line that is not an exact `name==version` pin."""
    from pathlib import Path

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    path = Path(constraints) if constraints else Path(__file__).parent.parent / "constraints.txt"
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            specs = list(requirement.specifier)
            if len(specs) != 1 or specs[0].operator != "==":
                raise ValueError(f"not an exact pin: {line}")
            found[canonicalize_name(requirement.name)] = specs[0].version
    return found


def drift(constraints: str | None = None) -> list[str]:
    """Where the installed packages differ from constraints.txt (the versions the README's
    commands install): one line per package, empty when none. A benchmark run in a venv
    that drifted measures something else than the README's system: round 6 found the
    working venv without uvloop, which the README's install has, 18 % slower."""
    from importlib import metadata

    found = []
    for name, pinned in pins(constraints).items():
        try:
            installed: str | None = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != pinned:
            found.append(f"{name}: installed {installed or 'nothing'}, constraints.txt {pinned}")
    return found


def require_readme_environment() -> None:
    """Stop (exit 2) when the installed packages are not the README's (`drift`)."""
    import sys

    if differences := drift():
        sys.exit("error: this venv is not what the README's commands install, so a benchmark "
                 "here would not measure the README's system:\n  " + "\n  ".join(differences)
                 + "\nrun: .venv/bin/pip install -c constraints.txt -e '.[web,server,dev]'")
