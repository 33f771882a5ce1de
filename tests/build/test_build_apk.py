"""scripts/build-apk: says in plain words what is missing, and builds with the project's
settings once everything is there.

The real toolchain (Flutter, the Android SDK) cannot be installed on these machines, so the
second half stands small executables in for `flet`, `flutter` and `javac` in a temporary
folder: they answer `--version` as the real ones do and record how they were called. What
is checked is the script's own logic: finding each prerequisite where `flet build` looks,
and calling `flet build apk` from the project root with its arguments.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build-apk"
TOOLS = ("bash", "sed", "head", "tr", "dirname", "git", "ls", "cat", "python3")


def bare_path(tmp_path: Path) -> Path:
    """A PATH folder with only the basic tools the script needs (no javac, flet, flutter)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    return bin_dir


def executable(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/bash\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def run(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # TAMBON_VENV: not the checkout's .venv, whose real flet CLI would be found (and would
    # try to download Flutter) wherever scripts/run or scripts/test made one.
    base = {"HOME": str(tmp_path / "home"), "PATH": str(tmp_path / "bin"), "LANG": "C.UTF-8",
            "TAMBON_VENV": str(tmp_path / "no-venv")}
    (tmp_path / "home").mkdir(exist_ok=True)
    return subprocess.run(["bash", str(SCRIPT), *args], env={**base, **env},
                          capture_output=True, text=True, timeout=60, check=False,
                          cwd=tmp_path)


def toolchain(tmp_path: Path, flutter: str = "3.44.8") -> dict[str, str]:
    """Stand-ins for a machine that has everything; returns the environment to use."""
    bin_dir = bare_path(tmp_path)
    record = tmp_path / "flet-called.txt"
    executable(bin_dir / "flet", f"""
if [ "$1" = "--version" ]; then printf 'Flet: 1.0.5\\nFlutter: 3.44.8\\n'; exit 0; fi
{{ echo "args=$*"; echo "cwd=$PWD"; echo "ANDROID_HOME=$ANDROID_HOME";
  echo "JAVA_HOME=$JAVA_HOME"; echo "flutter=$(command -v flutter)"; }} > {record}
""")
    executable(tmp_path / "flutter-sdk" / "bin" / "flutter",
               f"echo 'Flutter {flutter} • channel stable • https://github.com/flutter/flutter.git'\n")
    executable(tmp_path / "jdk" / "bin" / "javac", "echo 'javac 17.0.9'\n")
    sdk = tmp_path / "android-sdk"
    executable(sdk / "cmdline-tools" / "latest" / "bin" / "sdkmanager", "exit 0\n")
    for package in ("platform-tools", "platforms/android-35", "build-tools/34.0.0"):
        (sdk / package).mkdir(parents=True)
    return {"PATH": f"{bin_dir}:{tmp_path / 'flutter-sdk' / 'bin'}",
            "JAVA_HOME": str(tmp_path / "jdk"), "ANDROID_HOME": str(sdk)}


def test_a_machine_without_the_toolchain_is_told_what_to_install(tmp_path: Path) -> None:
    bare_path(tmp_path)
    result = run(tmp_path, {}, "--check")
    assert result.returncode == 2
    said = result.stderr
    assert "flet CLI 1.0.5" in said
    assert 'pip install -e . -c constraints.txt "flet-cli==1.0.5"' in said
    assert "Flutter SDK 3.44.x" in said and "docs.flutter.dev" in said
    assert "JDK 17" in said and "openjdk-17-jdk-headless" in said
    assert "Android SDK" in said and '"platforms;android-35"' in said
    assert "nothing was built" in said


def test_with_the_toolchain_it_runs_flet_build_apk_from_the_project(tmp_path: Path) -> None:
    env = toolchain(tmp_path)
    checked = run(tmp_path, env, "--check")
    assert checked.returncode == 0, checked.stderr
    assert "prerequisites found" in checked.stderr
    assert not (tmp_path / "flet-called.txt").exists()

    built = run(tmp_path, env, "--", "--split-per-abi")
    assert built.returncode == 0, built.stderr
    called = dict(line.split("=", 1) for line in
                  (tmp_path / "flet-called.txt").read_text().splitlines())
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
    assert called["args"] == f"build apk --yes --build-number {commits} --split-per-abi"
    assert called["cwd"] == str(ROOT)  # where pyproject.toml's [tool.flet] is
    assert called["ANDROID_HOME"] == env["ANDROID_HOME"]
    assert called["JAVA_HOME"] == env["JAVA_HOME"]
    assert called["flutter"] == str(tmp_path / "flutter-sdk" / "bin" / "flutter")


@pytest.mark.parametrize(("broken", "expected"), [
    ("flutter", "Flutter SDK 3.44.x (found '3.38.1'"),
    ("build-tools", 'sdkmanager --sdk_root='),
    ("jdk", "JDK 17"),
])
def test_each_wrong_or_missing_piece_is_named(tmp_path: Path, broken: str, expected: str
                                              ) -> None:
    env = toolchain(tmp_path, flutter="3.38.1" if broken == "flutter" else "3.44.8")
    if broken == "build-tools":
        shutil.rmtree(Path(env["ANDROID_HOME"]) / "build-tools")
    if broken == "jdk":
        executable(Path(env["JAVA_HOME"]) / "bin" / "javac", "echo 'javac 11.0.2'\n")
    result = run(tmp_path, env, "--check")
    assert result.returncode == 2
    assert expected in result.stderr
    if broken == "build-tools":
        assert '"build-tools;34.0.0"' in result.stderr
    assert result.stderr.count("\n  - ") == 1  # only what is wrong
    assert os.access(SCRIPT, os.X_OK)


def test_the_flet_settings_name_what_the_build_needs() -> None:
    import tomllib

    from PIL import Image

    flet = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["flet"]
    assert flet["permissions"] == ["camera", "location"]
    android = flet["android"]["permission"]
    assert android["android.permission.CAMERA"]
    assert android["android.permission.ACCESS_FINE_LOCATION"]
    assert android["android.permission.ACCESS_BACKGROUND_LOCATION"] is False
    assert {"sync_server", "tests", "benchmarks", "docs", "scripts"} <= set(flet["app"]["exclude"])
    for name, size in (("icon.png", 1024), ("splash.png", 768)):
        with Image.open(ROOT / "assets" / name) as image:
            assert image.format == "PNG" and image.size == (size, size)
            assert image.mode == "RGBA"
            corner, middle = image.getpixel((0, 0)), image.getpixel((size // 2, size // 2))
            assert isinstance(corner, tuple) and isinstance(middle, tuple)
            assert corner[3] == 0 and middle[3] == 255  # transparent around an opaque pin
