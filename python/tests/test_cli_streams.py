"""The CLI habits of the installed `latsim`: data on stdout, status lines on stderr, one meaning
of -q/--quiet (no progress bar, no table, no status lines) for every command, short flags."""
import subprocess

import pytest

import latsim
from conftest import EXPERIMENTS

SHORT = ["--set", "horizon=300ms", "--set", "warm_up=50ms"]
CLAIM = ["check", str(EXPERIMENTS / "claims" / "ordered-delivery.yaml"), "--claim", "fifo-prevents-the-reordering-jitter-causes"]


def latsim_cli(*arguments, stdin=None):
    process = subprocess.run([str(latsim.binary_path()), *arguments], input=stdin, capture_output=True, text=True)
    assert process.returncode == 0, (arguments, process.stderr)
    return process


def commands(tmp_path):
    """Every command that prints, with its output directory (or None): (name, arguments)."""
    config = str(EXPERIMENTS / "quickstart.yaml")
    grid = ["--grid", "model.window=1,8"]
    return [
        ("run", ["run", config, *SHORT, "-r", "2", "-s", "7", "-j", "1", "-o", str(tmp_path / "run")]),
        ("sweep", ["sweep", config, *SHORT, *grid, "-r", "1", "-o", str(tmp_path / "sweep")]),
        ("shard 0/2", ["sweep", config, *SHORT, *grid, "-r", "1", "--shard", "0/2", "-o", str(tmp_path / "shards")]),
        ("shard 1/2", ["sweep", config, *SHORT, *grid, "-r", "1", "--shard", "1/2", "-o", str(tmp_path / "shards")]),
        ("merge", ["merge", str(tmp_path / "shards"), "-o", str(tmp_path / "merged")]),
        ("validate", ["validate", config]),
        ("check", CLAIM + ["-j", "1"]),
    ]


def test_status_lines_go_to_stderr_and_data_to_stdout(tmp_path):
    seen = {}
    for name, arguments in commands(tmp_path):
        process = latsim_cli(*arguments)
        seen[name] = process
        assert "wrote " not in process.stdout and "merged " not in process.stdout, (name, process.stdout)
    assert seen["run"].stdout.startswith("point") and "wrote " in seen["run"].stderr
    assert "wrote " in seen["shard 0/2"].stderr and seen["shard 0/2"].stdout == ""
    assert seen["merge"].stdout.startswith("point") and "merged " in seen["merge"].stderr
    assert seen["validate"].stdout.startswith("ok: ")


def test_quiet_means_nothing_on_either_stream_for_every_command(tmp_path):
    for name, arguments in commands(tmp_path):
        for flag in ("-q", "--quiet"):
            process = latsim_cli(*arguments, flag)
            assert (process.stdout, process.stderr) == ("", ""), (name, flag)
    # The quiet runs still wrote their files.
    assert (tmp_path / "merged" / "aggregate.csv").read_text() == (tmp_path / "sweep" / "aggregate.csv").read_text()


@pytest.mark.parametrize("form", ["table", "csv", "json", "markdown"])
def test_format_and_metrics_choose_what_run_prints(tmp_path, form):
    process = latsim_cli("run", str(EXPERIMENTS / "quickstart.yaml"), *SHORT, "-r", "2", "--format", form,
                         "--metrics", "request_latency_p99")
    assert "request_latency_p99" in process.stdout and "throughput_per_s" not in process.stdout, form
    if form == "json":
        import json
        assert {row["metric"] for row in json.loads(process.stdout)["aggregates"]} == {"request_latency_p99"}
    if form == "csv":
        assert process.stdout.splitlines()[0].startswith("point,design,metric,unit,n,mean")
    if form == "markdown":
        assert process.stdout.splitlines()[0].startswith("| point")
