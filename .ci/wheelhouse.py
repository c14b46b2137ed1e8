"""Build wheelhouse/: baocao's wheel and every runtime dependency, as wheels, for the office
PCs (Windows x64 and Linux x86_64, CPython 3.11), so they install with no internet:

    python -m pip install --no-index --find-links wheelhouse -c requirements-runtime.lock baocao

Run on a connected machine with the Python that has pip (`make wheelhouse`, or on Windows
`py -3.11 .ci\\wheelhouse.py`). The pins are requirements-runtime.lock (the runtime part of
requirements.lock, without the [dev] test tools). pip downloads the wheel of each pin for each
platform; a package published only as source (sdist) is built into a wheel here, and kept only
when that wheel is pure Python (`-none-any`), since a compiled one would fit this machine only.
Usage: python .ci/wheelhouse.py [FOLDER]   (default: wheelhouse/ in the project folder)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "requirements-runtime.lock"
PYTHON = ["--python-version", "3.11", "--implementation", "cp"]
# Every tag a wheel for the target may carry; pip takes each one with its own --platform.
# Linux: the manylinux wheels for glibc 2.17 (manylinux2014, CentOS 7) up to 2.28 (Debian 10+,
# Ubuntu 18.10+, RHEL 8), under their legacy and PEP 600 names.
LINUX = [
    "manylinux1_x86_64",
    "manylinux2010_x86_64",
    "manylinux2014_x86_64",
    *(f"manylinux_2_{minor}_x86_64" for minor in range(5, 29)),
]
PLATFORMS = {"Windows": ["win_amd64"], "Linux": LINUX}


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def main() -> int:
    for stream in (sys.stdout, sys.stderr):  # a Windows console or file may not take UTF-8
        stream.reconfigure(errors="backslashreplace")
    wheelhouse = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "wheelhouse"
    wheelhouse.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheelhouse), str(ROOT))
    with tempfile.TemporaryDirectory() as scratch:
        sources = Path(scratch) / "sources"
        # pip evaluates a pin's marker for this machine, not for --platform: without markers,
        # colorama (Windows-only) is fetched on Linux too, and a Linux-only pin on Windows.
        pins = Path(scratch) / "pins.txt"
        lines = PINS.read_text(encoding="utf-8").splitlines()
        pins.write_text("\n".join(line.split(";")[0].strip() for line in lines) + "\n", "utf-8")
        for name, tags in PLATFORMS.items():
            print(f"Tải các gói cho {name}…", flush=True)
            platform_args = [arg for tag in tags for arg in ("--platform", tag)]
            # --no-deps: the pins are the whole closure. Without --only-binary, a package with no
            # wheel for the platform comes as an sdist, built into a wheel below.
            pip("download", "--quiet", "--no-deps", "--dest", str(sources), *PYTHON,
                *platform_args, "-r", str(pins))  # fmt: skip
        for sdist in sorted(sources.glob("*.tar.gz")) + sorted(sources.glob("*.zip")):
            built = Path(scratch) / "built"
            pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(built), str(sdist))
            for wheel in built.glob("*.whl"):
                if not wheel.name.endswith("-none-any.whl"):
                    print(f"{sdist.name}: không có bản wheel cho mọi máy và không phải "
                          "Python thuần; không thể đưa vào kho cài đặt ngoại tuyến.",
                          file=sys.stderr)  # fmt: skip
                    return 1
                wheel.replace(wheelhouse / wheel.name)
            sdist.unlink()
        for wheel in sources.glob("*.whl"):
            wheel.replace(wheelhouse / wheel.name)
    wheels = sorted(wheelhouse.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 1e6
    print(f"{wheelhouse}: {len(wheels)} tệp wheel, {size:.0f} MB, "
          f"{time.perf_counter() - started:.0f} giây.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
