import os
from pathlib import Path

import pytest

import latsim

# The checkout the package was installed from (scripts/python-check.sh sets it); the tests run
# from a scratch directory so that `import latsim` is the installed package, not python/.
REPOSITORY = Path(os.environ.get("LATSIM_REPOSITORY", Path(__file__).resolve().parents[2]))
EXPERIMENTS = REPOSITORY / "experiments"
# Short runs: the shape and types of the outputs are under test here, not the numbers.
SHORT = {"horizon": "600ms", "warm_up": "100ms"}


@pytest.fixture(scope="session")
def quickstart():
    return latsim.run(EXPERIMENTS / "quickstart.yaml", replications=2)


@pytest.fixture(scope="session")
def latency_sweep():
    grid = {"model.link.latency.median": ["100us", "1ms"],
            "load": {"model.rate_per_client_per_s": [100, 150], "model.window": [1, 8], "labels": ["low", "high"]}}
    return latsim.sweep(EXPERIMENTS / "quickstart.yaml", grid=grid, replications=2, set=SHORT)
