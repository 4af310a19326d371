"""Results of a latsim run as pandas (or polars) data frames, read from its output directory."""
import json
import tempfile
from pathlib import Path

import pandas as pd

# Text columns of the tables (besides the axis labels).
_TEXT = ("design", "metric", "unit", "baseline", "component")
# Integer columns: read by pandas as int64 already; checked, never coerced silently.
_INTEGER = ("point", "replication", "n")
_TABLES = ("summary", "aggregate", "comparison", "trace")


def axis_columns(header):
    """The sweep-axis columns of a table header: (labels, typed), in header order.

    Axis columns sit between `point` and the first of design/metric. A typed column is
    `<label>_ns` (a duration in integer nanoseconds) or `<label>_value` (a number) right after
    its label; every other axis column is a label as written (read as text).
    """
    header = list(header)
    if "point" not in header:
        return [], []
    start = header.index("point") + 1
    end = min(header.index(c) for c in ("design", "metric") if c in header)
    labels, typed = [], []
    for i in range(start, end):
        name, previous = header[i], header[i - 1]
        if i > start and name in (previous + "_ns", previous + "_value"):
            typed.append(name)
        else:
            labels.append(name)
    return labels, typed


def column_types(header):
    """What each column of a table holds: "text" (axis labels, names), "integer" (point,
    replication, n and durations in ns) or "real" (every other column). An empty table (a
    header only: the comparison of a one-design run, a trace with no rows) is typed by these,
    since a CSV reader has no values to infer them from."""
    labels, _ = axis_columns(header)
    return {c: "text" if c in _TEXT or c in labels else "integer" if c in _INTEGER or c.endswith("_ns") else "real"
            for c in header}


_PANDAS = {"text": str, "integer": "int64", "real": "float64"}


def read_table(path):
    """One latsim CSV as a pandas DataFrame: axis labels and text columns as str, numbers typed
    (an empty table too: its columns get the types of `column_types`)."""
    header = pd.read_csv(path, nrows=0).columns
    labels, _ = axis_columns(header)
    dtype = {c: str for c in list(_TEXT) + labels if c in header}
    frame = pd.read_csv(path, dtype=dtype)
    if frame.empty:
        return frame.astype({c: _PANDAS[kind] for c, kind in column_types(header).items()})
    for column in _INTEGER:
        if column in frame.columns and frame[column].dtype.kind not in "iu":
            raise ValueError(f"{path}: column {column} is {frame[column].dtype}, not integers")
    return frame


class Results:
    """The outputs of one `latsim run` or `latsim sweep`.

    Attributes (pandas DataFrames, None when the file is absent): summary, aggregate, comparison,
    trace. run_info: run.json as a dict. config: the resolved config (includes merged, overrides
    applied), as a dict. directory: where the files are (a temporary directory, removed with this
    object, when the run was given no `out`).
    """

    def __init__(self, directory, *, keep=None):
        self.directory = Path(directory)
        self._keep = keep  # a TemporaryDirectory that lives as long as these results
        run_json = self.directory / "run.json"
        if not run_json.is_file():
            raise FileNotFoundError(f"{self.directory} holds no run.json: not a latsim output directory")
        self.run_info = json.loads(run_json.read_text())
        self.config = self.run_info.get("config")
        for name in _TABLES:
            path = self.directory / f"{name}.csv"
            setattr(self, name, read_table(path) if path.is_file() else None)

    @property
    def axes(self):
        """The sweep axes' label columns, in order (empty for a run without a grid)."""
        frame = self.summary if self.summary is not None else self.aggregate
        return axis_columns(frame.columns)[0] if frame is not None else []

    def to_polars(self):
        """The same tables as polars DataFrames (read from the CSV with polars)."""
        import polars as pl
        tables = {}
        for name in _TABLES:
            path = self.directory / f"{name}.csv"
            if not path.is_file():
                tables[name] = None
                continue
            header = pd.read_csv(path, nrows=0).columns
            labels, _ = axis_columns(header)
            overrides = {c: pl.Utf8 for c in list(_TEXT) + labels if c in header}
            if pd.read_csv(path, nrows=1).empty:
                polars_types = {"text": pl.Utf8, "integer": pl.Int64, "real": pl.Float64}
                overrides = {c: polars_types[kind] for c, kind in column_types(header).items()}
            tables[name] = pl.read_csv(path, schema_overrides=overrides)
        return PolarsResults(run_info=self.run_info, config=self.config, directory=self.directory, **tables)

    def __repr__(self):
        rows = {n: (len(getattr(self, n)) if getattr(self, n) is not None else None) for n in _TABLES}
        return f"<latsim.Results {self.directory} kind={self.run_info.get('kind')} rows={rows}>"


class PolarsResults:
    """Results as polars DataFrames (see Results.to_polars)."""

    def __init__(self, *, run_info, config, directory, summary, aggregate, comparison, trace):
        self.run_info, self.config, self.directory = run_info, config, directory
        self.summary, self.aggregate, self.comparison, self.trace = summary, aggregate, comparison, trace


def load(out_dir):
    """The Results in an output directory written by `latsim run/sweep --out DIR` (or `merge`)."""
    return Results(out_dir)


def temporary_directory():
    return tempfile.TemporaryDirectory(prefix="latsim-")
