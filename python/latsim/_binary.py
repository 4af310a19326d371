"""Where the latsim binary is, and how to run it."""
import os
import shutil
import subprocess
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# The wheel's layout mirrors `make install PREFIX=...`: bin/latsim and share/latsim/experiments/.
_BUNDLED = _PACKAGE / "_data" / "bin" / "latsim"


def binary_path():
    """The latsim binary this package runs: $LATSIM_BINARY if set, else the one bundled in the wheel."""
    override = os.environ.get("LATSIM_BINARY")
    if override:
        path = Path(override)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise FileNotFoundError(f"LATSIM_BINARY={override} is not an executable file")
        return path
    if _BUNDLED.is_file():
        return _BUNDLED
    raise FileNotFoundError(
        f"no latsim binary in {_BUNDLED.parent}: reinstall the package with `pip install ./python` "
        "from a latsim checkout (it builds the binary), or set LATSIM_BINARY")


def experiments_path():
    """The curated experiments bundled with the package (experiments/ of the repository)."""
    return _PACKAGE / "_data" / "share" / "latsim" / "experiments"


def invoke(arguments, *, stdin=None, check_codes=(0,)):
    """Runs latsim with `arguments`; returns the CompletedProcess (text). Raises on a bad exit."""
    from ._errors import ConfigError, LatSimError
    process = subprocess.run([str(binary_path()), *arguments], input=stdin, capture_output=True, text=True)
    if process.returncode in check_codes:
        return process
    message = process.stderr.strip() or process.stdout.strip()
    if process.returncode == 2:
        raise ConfigError.from_message(message)
    raise LatSimError(f"latsim {' '.join(arguments)} exited with {process.returncode}: {message}")
