"""The bundled binary is relocatable: no Swift runtime library, presets found beside it."""
import shutil
import subprocess

import pytest

import latsim

SWIFT_RUNTIME = ("libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "lib_FoundationICU", "libicu")


def test_binary_is_inside_the_installed_package():
    path = latsim.binary_path()
    assert path.is_file() and path.parts[-3:] == ("_data", "bin", "latsim")


@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd is not installed")
def test_ldd_lists_no_swift_runtime_library():
    output = subprocess.run(["ldd", str(latsim.binary_path())], capture_output=True, text=True, check=True).stdout
    libraries = [line.split()[0] for line in output.splitlines() if line.strip()]
    assert libraries, output
    assert not [lib for lib in libraries if lib.startswith(SWIFT_RUNTIME)], output
    # scripts/build-release.sh links GSL statically when libgsl-dev's archives are present
    # (they are on every machine that can build latsim); then no libgsl either.
    assert not [lib for lib in libraries if lib.startswith("libgsl")], output


def test_presets_are_found_relative_to_the_binary(tmp_path):
    # A config far from the repository that includes a preset by name: only the presets
    # installed beside the binary (share/latsim/experiments/presets) can satisfy it.
    config = tmp_path / "elsewhere.yaml"
    config.write_text((latsim.experiments_path() / "quickstart.yaml").read_text()
                      .replace("name: quickstart", "include: [short-run]\nname: elsewhere")
                      .replace("horizon: 5s\n", "").replace("warm_up: 500ms\n", ""))
    info = latsim.validate(config)
    assert info["config"]["horizon"] == "20s" and info["config"]["warm_up"] == "1s"


def test_an_unknown_preset_names_the_installed_ones(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("include: [no-such-preset]\nmodel: {kind: queue}\n")
    with pytest.raises(latsim.ConfigError) as caught:
        latsim.validate(config)
    assert caught.value.key.startswith("include") and "short-run" in caught.value.allowed
