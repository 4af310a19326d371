"""What the notebooks share beyond the latsim package: where the curated experiments are, where
their CSV and figures go, and how a figure is saved.

    import latsim
    from notebook_setup import experiment, savefig
    r = experiment("cex-arbitrage")        # latsim.run of experiments/cex-arbitrage.yaml (a latsim.Results)
    r.aggregate                            # typed pandas DataFrame; r.axes: the sweep axes' label columns
    r = experiment("broker-outage", grid={"horizon": ["50ms", "100ms"]}, out="broker-outage-over-time")

Every run goes through the latsim Python package (`pip install ./python`, which
scripts/notebooks.sh does); its CSV is kept in data/<out>/. A missing experiment prints a note
and returns None, so a notebook runs whatever subset of the experiments exists.
Environment (scripts/notebooks.sh sets them): LATSIM_EXPERIMENTS (default ../experiments),
LATSIM_DATA (default data/), LATSIM_FIGURES (default figures/), JOBS (latsim's worker threads).
"""
import os
from pathlib import Path

import latsim

HERE = Path(__file__).resolve().parent
EXPERIMENTS = Path(os.environ.get("LATSIM_EXPERIMENTS", HERE.parent / "experiments"))
DATA = Path(os.environ.get("LATSIM_DATA", HERE / "data"))
FIGURES = Path(os.environ.get("LATSIM_FIGURES", HERE / "figures"))
JOBS = int(os.environ["JOBS"]) if os.environ.get("JOBS") else None


def experiment(name, *, grid=None, out=None, **options):
    """latsim.run of experiments/<name>.yaml (latsim.sweep when given a grid), its CSV kept in
    data/<out or name>/; options are those of latsim.run (set, seed, replications). None, with a
    note, when the experiment does not exist."""
    config = EXPERIMENTS / f"{name}.yaml"
    if not config.is_file():
        print(f"experiments/{name}.yaml not found: skipped")
        return None
    directory = DATA / (out or name)
    if grid is None:
        return latsim.run(config, jobs=JOBS, out=directory, **options)
    return latsim.sweep(config, grid=grid, jobs=JOBS, out=directory, **options)


def savefig(fig, name):
    """Saves a figure as figures/<name>.png (the README links these) and returns the path."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    return path
