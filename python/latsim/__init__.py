"""latsim from Python: run experiments, get pandas DataFrames.

    import latsim
    r = latsim.run("experiments/quickstart.yaml", replications=2)
    r.aggregate          # point, <axes>, design, metric, unit, n, mean, sd, ci95_low, ...
    r.comparison         # paired differences against the first design
    r.run_info["seed"]   # run.json
    r.to_polars().summary

Every call runs the latsim binary bundled in this package (`binary_path()`); a config latsim
refuses raises `ConfigError` with its file, line, key, what is allowed and what was given.
"""
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ._binary import binary_path, experiments_path, invoke
from ._errors import ConfigError, LatSimError
from ._results import PolarsResults, Results, load, read_table, temporary_directory

__all__ = ["run", "sweep", "check", "validate", "load", "binary_path", "experiments_path", "Results",
           "PolarsResults", "ConfigError", "LatSimError", "read_table", "__version__"]
__version__ = "0.1.0"


def _yaml(value):
    """A Python value as the YAML text latsim reads (JSON is YAML's flow syntax)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value)


def _config_arguments(config):
    """(the config argument, stdin text): a path, or a dict sent as JSON on stdin (`-`)."""
    if isinstance(config, Mapping):
        return "-", json.dumps(config)
    if isinstance(config, (str, os.PathLike)):
        return os.fspath(config), None
    raise TypeError(f"config must be a path or a mapping; given {type(config).__name__}")


def _options(set=None, seed=None, replications=None):
    arguments = []
    items = set.items() if isinstance(set, Mapping) else ((None, s) for s in (set or []))
    for key, value in items:
        arguments += ["--set", value if key is None else f"{key}={_yaml(value)}"]
    if seed is not None:
        arguments += ["--seed", str(int(seed))]
    if replications is not None:
        arguments += ["--replications", str(int(replications))]
    return arguments


def _grid_options(grid):
    """`--grid` options: {key: [values]} is a plain axis; {name: {key: [...], ...}} a named axis
    whose keys vary together (zipped), with optional "labels": [...]."""
    arguments = []
    for name, values in (grid or {}).items():
        if isinstance(values, Mapping):
            for key, items in values.items():
                arguments += ["--grid", f"{name}:{key}={json.dumps(list(items))}"]
        else:
            arguments += ["--grid", f"{name}={json.dumps(list(values))}"]
    return arguments


def _execute(command, config, *, set, seed, replications, jobs, out, grid=None, extra=()):
    argument, stdin = _config_arguments(config)
    keep = None
    if out is None:
        keep = temporary_directory()
        out = keep.name
    arguments = [command, argument, *_options(set, seed, replications), *_grid_options(grid), "--out", os.fspath(out),
                 "--quiet", *extra]
    if jobs is not None:
        arguments += ["--jobs", str(int(jobs))]
    invoke(arguments, stdin=stdin)
    return Results(out, keep=keep)


def run(config, *, set=None, seed=None, replications=None, jobs=None, out=None, replication=None):
    """Runs an experiment config (a path, or a dict) and returns its Results.

    set: {key.path: value} overrides (or a list of "key.path=value"); seed, replications:
    override the config's; jobs: worker threads (default: all cores); out: a directory to keep
    the CSV in (default: a temporary one); replication: re-run only replication K, exactly.
    """
    extra = ["--replication", str(int(replication))] if replication is not None else []
    return _execute("run", config, set=set, seed=seed, replications=replications, jobs=jobs, out=out, extra=extra)


def sweep(config, grid=None, *, set=None, seed=None, replications=None, jobs=None, out=None):
    """Runs a config over a grid and returns its Results.

    grid: {key.path: [v1, v2, ...]} adds (or replaces) a sweep axis; {name: {key.a: [...],
    key.b: [...], "labels": [...]}} a named axis whose keys vary together. Values are Python
    values (durations as text: "500us"); the config's own `sweep:` axes are kept.
    """
    return _execute("sweep", config, set=set, seed=seed, replications=replications, jobs=jobs, out=out, grid=grid)


def validate(config, *, set=None, seed=None, replications=None, grid=None):
    """Checks a config without running it. Returns what would run (a dict with the resolved
    config under "config"); raises ConfigError (file, line, key, allowed, given) when invalid."""
    argument, stdin = _config_arguments(config)
    process = invoke(["validate", argument, *_options(set, seed, replications), *_grid_options(grid), "--format", "json"],
                     stdin=stdin)
    return json.loads(process.stdout)


def check(claims=None, *, names=None, jobs=None, golden=False):
    """Checks claims files (a path or a list of paths; default: experiments/claims/ under the
    current directory) and returns the report as a DataFrame (one row per claim, with its
    verdict). names: only the claims with these names (or glob patterns)."""
    import pandas as pd
    files = [os.fspath(claims)] if isinstance(claims, (str, os.PathLike)) else [os.fspath(c) for c in (claims or [])]
    with tempfile.TemporaryDirectory(prefix="latsim-check-") as directory:
        report = Path(directory) / "claims.csv"
        arguments = ["check", *files, "--report", str(report), "--quiet"]
        for name in [names] if isinstance(names, str) else (names or []):
            arguments += ["--claim", name]
        if jobs is not None:
            arguments += ["--jobs", str(int(jobs))]
        if golden:
            arguments.append("--golden")
        process = invoke(arguments, check_codes=(0, 1))
        if not report.is_file():
            raise LatSimError(f"latsim check wrote no report: {process.stderr.strip()}")
        return pd.read_csv(report)
