"""latsim.run / sweep / validate / check / load from Python, against the installed package."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import latsim
from conftest import EXPERIMENTS, SHORT


def test_run_returns_frames_with_numeric_dtypes(quickstart):
    s, a, c = quickstart.summary, quickstart.aggregate, quickstart.comparison
    assert list(s.columns) == ["point", "design", "replication", "metric", "unit", "value"]
    assert s["value"].dtype == "float64" and s["point"].dtype == "int64" and s["replication"].dtype == "int64"
    assert sorted(s["replication"].unique()) == [0, 1]
    for column in ["mean", "sd", "ci95_low", "ci95_high", "p50", "p90", "p99", "p999"]:
        assert a[column].dtype == "float64", column
    assert a["n"].dtype == "int64" and (a["n"] <= 2).all()
    assert c["ratio_of_means"].dtype == "float64" and set(c["design"]) == {"async"} and set(c["baseline"]) == {"sync"}
    assert quickstart.trace is None


def test_run_info_and_resolved_config(quickstart):
    assert quickstart.run_info["replications"] == 2 and quickstart.run_info["kind"] == "call-pattern"
    assert quickstart.config["replications"] == 2            # the override is in the resolved config
    assert quickstart.config["model"]["clients"] == 50        # numbers are JSON numbers
    assert quickstart.config["horizon"] == "5s"               # durations stay as written


def test_sweep_axes_are_typed_beside_their_labels(latency_sweep):
    a = latency_sweep.aggregate
    assert latency_sweep.axes == ["model.link.latency.median", "load", "model.rate_per_client_per_s", "model.window"]
    assert pd.api.types.is_string_dtype(a["model.link.latency.median"])
    assert a["model.link.latency.median_ns"].dtype == "int64"
    assert sorted(a["model.link.latency.median_ns"].unique()) == [100_000, 1_000_000]
    # A named axis zips its keys: "low" is rate 100 with window 1, "high" rate 150 with window 8.
    pairs = set(zip(a["load"], a["model.rate_per_client_per_s_value"], a["model.window_value"]))
    assert pairs == {("low", 100, 1), ("high", 150, 8)}
    assert a["point"].nunique() == 4


def test_a_dict_config_runs_from_stdin_with_the_same_numbers(quickstart):
    again = latsim.run(quickstart.config)
    pd.testing.assert_frame_equal(again.aggregate, quickstart.aggregate)
    assert again.run_info["config_file"] == "-"


def test_replication_reruns_one_replication_exactly():
    full = latsim.run(EXPERIMENTS / "quickstart.yaml", replications=3, set=SHORT)
    one = latsim.run(EXPERIMENTS / "quickstart.yaml", replications=3, set=SHORT, replication=1)
    expected = full.summary[full.summary["replication"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(one.summary, expected)
    assert one.run_info["only_replication"] == 1


def test_out_and_load_round_trip(tmp_path, quickstart):
    written = latsim.run(EXPERIMENTS / "quickstart.yaml", replications=2, out=tmp_path / "q")
    loaded = latsim.load(tmp_path / "q")
    pd.testing.assert_frame_equal(loaded.summary, written.summary)
    pd.testing.assert_frame_equal(loaded.aggregate, quickstart.aggregate)   # deterministic
    assert (tmp_path / "q" / "run.json").is_file()


def test_load_refuses_a_directory_without_run_json(tmp_path):
    with pytest.raises(FileNotFoundError, match="run.json"):
        latsim.load(tmp_path)


def test_validate_raises_config_error_with_file_line_and_key(tmp_path):
    config = tmp_path / "typo.yaml"
    text = (EXPERIMENTS / "quickstart.yaml").read_text().replace("  window: 8", "  windw: 8")
    config.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "windw" in l)
    with pytest.raises(latsim.ConfigError) as caught:
        latsim.validate(config)
    error = caught.value
    assert error.file == str(config) and error.line == line and error.key == "model.windw"
    assert "window" in error.problem and error.given == "windw" and error.allowed
    with pytest.raises(latsim.ConfigError):
        latsim.run(config)


def test_bad_override_names_the_option():
    with pytest.raises(latsim.ConfigError) as caught:
        latsim.run(EXPERIMENTS / "quickstart.yaml", set={"model.clients": "many"})
    assert "model.clients" in str(caught.value)


def test_validate_returns_what_would_run():
    info = latsim.validate(EXPERIMENTS / "quickstart.yaml", grid={"model.window": [1, 2, 4]})
    assert info["points"] == 3 and info["designs"] == ["sync", "async"] and info["units"] == 60
    assert info["config"]["model"]["kind"] == "call-pattern"


def test_check_returns_one_row_per_selected_claim():
    claims = EXPERIMENTS / "claims" / "call-pattern.yaml"
    report = latsim.check(claims, names="async-*")
    assert len(report) >= 1 and report["claim"].str.startswith("async-").all()
    assert {"verdict", "passed", "measured_mean"} <= set(report.columns)
    assert report["measured_mean"].dtype == "float64"


def test_to_polars_keeps_the_types(latency_sweep):
    import polars as pl
    frames = latency_sweep.to_polars()
    assert frames.aggregate.schema["mean"] == pl.Float64
    assert frames.aggregate.schema["model.link.latency.median"] == pl.Utf8
    assert frames.aggregate.schema["model.link.latency.median_ns"] == pl.Int64
    assert frames.summary.height == len(latency_sweep.summary)


def test_console_script_runs_the_bundled_binary():
    script = Path(sys.executable).parent / "latsim"
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert version == latsim.__version__
    listing = json.loads(subprocess.run([str(script), "list", "--json"], capture_output=True, text=True, check=True).stdout)
    assert "call-pattern" in [kind["name"] for kind in listing["kinds"]]
