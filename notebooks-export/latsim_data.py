"""Read latsim's CSV outputs by experiment name, robust to which experiments exist.

    from latsim_data import aggregate, trace, duration_ms, savefig
    agg = aggregate("sync-vs-async")      # None when the experiment has not been run

Data lives in notebooks-export/data/<experiment>/ (written by scripts/notebooks.sh with
`latsim run experiments/<experiment>.yaml --out ...`); set LATSIM_DATA to read elsewhere.
Columns are those of docs/config.md ("Outputs"): aggregate.csv has point, <axes>, design,
metric, unit, n, mean, sd, ci95_low, ci95_high, p50, p90, p99, p999.
"""
import os
import re
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("LATSIM_DATA", HERE / "data"))
FIGURES = Path(os.environ.get("LATSIM_FIGURES", HERE / "figures"))

_UNITS_NS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9, "min": 60e9, "h": 3600e9, "d": 86400e9}


def _read(experiment, name):
    path = DATA / experiment / name
    if not path.exists():
        print(f"[latsim_data] data/{experiment}/{name} not found: run scripts/notebooks.sh (the experiment may not exist yet)")
        return None
    # Axis values stay text ("500us", "ethereum"); keep_default_na so "nan" numbers parse as NaN.
    return pd.read_csv(path, dtype={"design": str, "metric": str, "unit": str})


def aggregate(experiment):
    """aggregate.csv of an experiment, or None."""
    return _read(experiment, "aggregate.csv")


def comparison(experiment):
    """comparison.csv of an experiment, or None."""
    return _read(experiment, "comparison.csv")


def summary(experiment):
    """summary.csv of an experiment, or None."""
    return _read(experiment, "summary.csv")


def trace(experiment):
    """trace.csv of an experiment, or None."""
    return _read(experiment, "trace.csv")


def metric(table, name):
    """The rows of one metric, or an empty frame (and a note) when the metric is absent."""
    if table is None:
        return None
    rows = table[table["metric"] == name]
    if rows.empty:
        print(f"[latsim_data] metric {name} not in this table; present: {sorted(table['metric'].unique())[:20]} ...")
    return rows


def duration_ms(text):
    """'250us' -> 0.25, '2ms' -> 2.0, '1.5s' -> 1500.0 (milliseconds)."""
    m = re.fullmatch(r"\s*([0-9.eE+-]+)\s*(ns|us|ms|s|min|h|d)\s*", str(text))
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    return float(m.group(1)) * _UNITS_NS[m.group(2)] / 1e6


def axis(table):
    """The sweep axis label columns of a table (between `point` and `design`), without the typed
    companion columns latsim writes beside them (`<axis>_ns` for durations, `<axis>_value` for numbers)."""
    columns = list(table.columns)
    between = columns[columns.index("point") + 1:columns.index("design")]
    return [c for i, c in enumerate(between) if not (i > 0 and c in (between[i - 1] + "_ns", between[i - 1] + "_value"))]


def savefig(fig, name):
    """Saves a figure as figures/<name>.png (the README links these) and returns the path."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    return path
