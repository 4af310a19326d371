"""An in-tree PEP 517 build backend for the latsim Python package (no build dependencies).

`pip install ./python` (from a latsim checkout) calls build_wheel, which
1. builds the relocatable release binary with ../scripts/build-release.sh (Swift runtime and
   GSL linked statically; incremental, so a built tree costs seconds), or takes
   $LATSIM_BINARY when set;
2. writes a platform wheel: the `latsim` package, the binary as latsim/_data/bin/latsim (stripped
   when `strip` is available) and the curated experiments with their presets as
   latsim/_data/share/latsim/experiments/ (the layout of `make install`, so the binary finds its
   presets relative to itself), and a `latsim` console script.
"""
import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sysconfig
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent          # python/
REPOSITORY = HERE.parent                                # the latsim checkout
NAME = "latsim"


def _version():
    source = REPOSITORY / "Sources" / "LatSimCLI" / "LatSimCommand.swift"
    if source.is_file():
        match = re.search(r'static let string = "([^"]+)"', source.read_text())
        if match:
            return match.group(1)
    match = re.search(r'__version__ = "([^"]+)"', (HERE / "latsim" / "__init__.py").read_text())
    return match.group(1)


def _metadata():
    return "\n".join([
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {_version()}",
        "Summary: Deterministic discrete-event latency simulator (Python API and CLI)",
        "Requires-Python: >=3.9",
        "Requires-Dist: pandas>=2.0",
        "Requires-Dist: numpy>=1.23",
        "Provides-Extra: polars",
        "Requires-Dist: polars>=1.0; extra == \"polars\"",
        "",
    ])


def _tag():
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"py3-none-{platform}"


def _binary():
    override = os.environ.get("LATSIM_BINARY")
    if override:
        path = Path(override)
        if not path.is_file():
            raise RuntimeError(f"LATSIM_BINARY={override} is not a file")
        return path
    script = REPOSITORY / "scripts" / "build-release.sh"
    if not script.is_file():
        raise RuntimeError(f"{script} not found: build the wheel from a latsim checkout (pip install ./python), "
                           "or set LATSIM_BINARY to a built latsim binary")
    result = subprocess.run(["bash", str(script)], cwd=REPOSITORY, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"scripts/build-release.sh failed (exit {result.returncode}); see its output above")
    return Path(result.stdout.strip().splitlines()[-1])


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write(archive, records, name, data, mode=0o644):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)
    records.append(_record_line(name, data))


def _dist_info():
    return f"{NAME}-{_version()}.dist-info"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    directory = Path(metadata_directory) / _dist_info()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "METADATA").write_text(_metadata())
    return directory.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    binary = _binary()
    with tempfile.TemporaryDirectory() as scratch:
        stripped = Path(scratch) / "latsim"
        shutil.copy2(binary, stripped)
        if shutil.which("strip"):
            subprocess.run(["strip", str(stripped)], check=True)
        wheel_name = f"{NAME}-{_version()}-{_tag()}.whl"
        path = Path(wheel_directory) / wheel_name
        records = []
        with zipfile.ZipFile(path, "w") as archive:
            for source in sorted((HERE / "latsim").rglob("*")):
                if source.is_file() and "__pycache__" not in source.parts and "_data" not in source.parts:
                    _write(archive, records, source.relative_to(HERE).as_posix(), source.read_bytes())
            _write(archive, records, "latsim/_data/bin/latsim", stripped.read_bytes(), mode=0o755)
            experiments = REPOSITORY / "experiments"
            for source in sorted(experiments.rglob("*")):
                if source.is_file():
                    name = "latsim/_data/share/latsim/experiments/" + source.relative_to(experiments).as_posix()
                    _write(archive, records, name, source.read_bytes())
            info = _dist_info()
            _write(archive, records, f"{info}/METADATA", _metadata().encode())
            wheel = f"Wheel-Version: 1.0\nGenerator: latsim_build\nRoot-Is-Purelib: false\nTag: {_tag()}\n"
            _write(archive, records, f"{info}/WHEEL", wheel.encode())
            _write(archive, records, f"{info}/entry_points.txt", b"[console_scripts]\nlatsim = latsim._cli:main\n")
            records.append(f"{info}/RECORD,,")
            archive.writestr(zipfile.ZipInfo(f"{info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), "\n".join(records) + "\n")
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    """The Python sources only: building a wheel from it needs LATSIM_BINARY (it has no Swift)."""
    name = f"{NAME}-{_version()}"
    path = Path(sdist_directory) / f"{name}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for source in sorted(HERE.rglob("*")):
            if source.is_file() and "__pycache__" not in source.parts:
                archive.add(source, arcname=f"{name}/{source.relative_to(HERE).as_posix()}")
        data = _metadata().encode()
        info = tarfile.TarInfo(f"{name}/PKG-INFO")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path.name
