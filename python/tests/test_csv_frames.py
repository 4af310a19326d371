"""Every CSV latsim writes reads with pandas' and polars' default options into typed columns."""
import pandas as pd
import polars as pl
import pytest

import latsim
from conftest import EXPERIMENTS, SHORT

FLOAT = {"value", "mean", "sd", "ci95_low", "ci95_high", "p50", "p90", "p99", "p999", "baseline_mean", "design_mean",
         "difference_mean", "difference_sd", "difference_ci95_low", "difference_ci95_high", "ratio_of_means"}
INTEGER = {"point", "replication", "n"}
TEXT = {"design", "metric", "unit", "baseline", "component"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, quickstart, latency_sweep):
    """Output directories covering: a plain run, a sweep with duration and named axes, NaN
    statistics (one replication, and a metric without observations), and a trace."""
    nan = latsim.run(EXPERIMENTS / "quickstart.yaml", replications=1,
                     set={"horizon": "700ms", "warm_up": "500ms", "model.rate_per_client_per_s": 0.5})
    # A per-request trace (call-pattern; the broker-outage graph template writes an empty one).
    trace = latsim.run(EXPERIMENTS / "quickstart.yaml", replications=1, set={**SHORT, "trace": True})
    return {"quickstart": quickstart, "sweep": latency_sweep, "nan": nan, "trace": trace}


def csv_files(outputs):
    for name, results in outputs.items():
        for path in sorted(results.directory.glob("*.csv")):
            yield f"{name}/{path.name}", path


def test_every_csv_reads_with_default_options_into_typed_columns(outputs):
    seen = 0
    for label, path in csv_files(outputs):
        frame, polars = pd.read_csv(path), pl.read_csv(path)
        assert list(frame.columns) == polars.columns, label
        for column in frame.columns:
            if column in FLOAT:
                assert frame[column].dtype == "float64", (label, column, frame[column].dtype)
                assert polars.schema[column] == pl.Float64, (label, column, polars.schema[column])
            elif column in INTEGER or column.endswith("_ns"):
                assert frame[column].dtype == "int64", (label, column, frame[column].dtype)
                assert polars.schema[column] == pl.Int64, (label, column, polars.schema[column])
            elif column.endswith("_value"):
                assert frame[column].dtype.kind in "if", (label, column)
                assert polars.schema[column] in (pl.Int64, pl.Float64), (label, column)
            elif column in TEXT:
                assert pd.api.types.is_string_dtype(frame[column]) and polars.schema[column] == pl.Utf8, (label, column)
        if path.name == "trace.csv":
            # Every trace column is a number (per-request values) except the design and component names.
            assert len(frame) > 0 and {"component", "latency_ns", "wire_ns", "wait_ns", "service_ns"} <= set(frame.columns)
            numeric = [c for c in frame.columns if c not in TEXT]
            assert all(frame[c].dtype.kind in "if" for c in numeric), frame.dtypes
            assert all(polars.schema[c].is_numeric() for c in numeric), polars.schema
        seen += 1
    assert seen == 3 + 3 + 3 + 4


def test_nan_statistics_read_as_float_nan_in_both(outputs):
    path = outputs["nan"].directory / "aggregate.csv"
    frame, polars = pd.read_csv(path), pl.read_csv(path)
    assert frame["sd"].isna().all()                      # one replication: no standard deviation
    assert polars["sd"].is_nan().all()


def test_package_frames_match_the_default_reads(outputs):
    results = outputs["sweep"]
    plain = pd.read_csv(results.directory / "aggregate.csv")
    assert results.aggregate["mean"].equals(plain["mean"])
    # The package reads axis labels as text even when they look like numbers.
    assert pd.api.types.is_string_dtype(results.aggregate["model.window"])
    assert plain["model.window"].dtype == "int64"


def test_empty_tables_are_typed_in_both(tmp_path):
    """A one-design run writes a comparison with a header only: default reads cannot infer its
    types (pandas gives object, polars String), the package's frames are typed all the same."""
    results = latsim.run(EXPERIMENTS / "quickstart.yaml", replications=2, set={**SHORT, "designs": ["sync"]})
    assert results.comparison is not None and results.comparison.empty
    frames = {"pandas": results.comparison, "polars": results.to_polars().comparison}
    assert frames["polars"].is_empty()
    for column in results.comparison.columns:
        if column in FLOAT:
            assert frames["pandas"][column].dtype == "float64" and frames["polars"].schema[column] == pl.Float64, column
        elif column in INTEGER or column.endswith("_ns"):
            assert frames["pandas"][column].dtype == "int64" and frames["polars"].schema[column] == pl.Int64, column
        elif column in TEXT:
            # The dtype pandas gives text columns of a non-empty table (object in pandas 2, str in 3).
            assert frames["pandas"][column].dtype == results.aggregate["design"].dtype, column
            assert frames["polars"].schema[column] == pl.Utf8, column
    # The non-empty tables of the same run keep their inferred types.
    assert results.aggregate["n"].dtype == "int64" and results.aggregate["mean"].dtype == "float64"


def test_a_number_axis_mixing_integers_and_fractions_reads_by_default_in_polars():
    """polars infers a column's type from its first 100 rows: an axis [100, 150.5] with more rows
    than that at 100 would read as integers and fail at 150.5, so such an axis is written in
    decimal form ("100.0", "150.5"), its label and its value."""
    results = latsim.sweep(EXPERIMENTS / "quickstart.yaml", grid={"model.rate_per_client_per_s": [100, 150.5]},
                           replications=5, set=SHORT)
    path = results.directory / "summary.csv"
    assert (results.summary["point"] == 0).sum() > 100
    polars = pl.read_csv(path)
    assert polars.schema["model.rate_per_client_per_s_value"] == pl.Float64
    assert sorted(polars["model.rate_per_client_per_s_value"].unique().to_list()) == [100.0, 150.5]
    assert sorted(results.summary["model.rate_per_client_per_s"].unique()) == ["100.0", "150.5"]
    # (An axis of integers keeps its labels as written: test_package_frames_match_the_default_reads.)
