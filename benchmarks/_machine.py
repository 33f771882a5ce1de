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
