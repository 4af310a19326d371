#!/usr/bin/env python3
"""Run a latsim sweep on a Dask cluster: one task per shard, gathered and merged on the client.

    python scripts/dask/latsim_dask.py --out out/x experiments/sync-vs-async.yaml            # LocalCluster
    python scripts/dask/latsim_dask.py --scheduler tcp://sched:8786 --out out/x CONFIG -- --grid model.workers=1,2

Each task runs `latsim sweep CONFIG ARGS --shard I/N --out TMP --quiet --jobs J` on a worker,
reads the shard's two files and returns their bytes; the client writes them into OUT/shards
(results first, manifest last, each by rename) and runs `latsim merge OUT/shards --out OUT/merged`
(an output directory is replaced whole, so the merged files get one of their own).
The merged summary.csv, aggregate.csv and comparison.csv are byte-identical to
`latsim sweep CONFIG ARGS --out DIR` on one machine, whatever N and the number of workers.

Resumable: a shard whose manifest is already in OUT/shards is not sent again (merge checks
every results file against its manifest's size and hash, and names any shard to rerun).
Workers need the latsim binary and the config (with its presets) at the same paths as the
client: a shared file system or the same container image. The client needs latsim too (for
--plan and merge).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def run_shard(latsim, config, sweep_args, index, count, jobs, cwd):
    """Runs one shard on this worker; returns {"files": {file name: bytes}, "cpu_seconds": CPU time of latsim}."""
    with tempfile.TemporaryDirectory(prefix="latsim-shard-") as out:
        command = [latsim, "sweep", config, *sweep_args, "--shard", f"{index}/{count}", "--out", out,
                   "--quiet", "--jobs", str(jobs)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        if not os.path.isdir(cwd):
            raise RuntimeError(f"shard {index}/{count}: working directory {cwd} does not exist on this worker")
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise RuntimeError(f"shard {index}/{count} failed (exit {done.returncode}): {' '.join(command)}\n{done.stderr}")
        files = {}
        for name in sorted(os.listdir(out)):
            if not name.startswith("."):
                with open(os.path.join(out, name), "rb") as handle:
                    files[name] = handle.read()
        # Children of this worker process: with one thread per worker, only this shard's latsim.
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {"files": files, "cpu_seconds": cpu}


def check_worker(latsim, cwd, config):
    """What a worker sees: its latsim version, and whether the submitting directory and config exist."""
    try:
        version = subprocess.run([latsim, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except OSError as error:
        version = f"(cannot run {latsim}: {error.strerror})"
    config_path = config if os.path.isabs(config) else os.path.join(cwd, config)
    return {"version": version, "cwd": os.path.isdir(cwd), "config": os.path.isfile(config_path)}


def worker_problems(reports, version, cwd, config):
    """The problems of each worker's check_worker report, as lines (empty when all are fit)."""
    problems = []
    for worker, report in sorted(reports.items()):
        if report["version"] != version:
            problems.append(f"{worker}: latsim version {report['version']!r}, not {version!r} (install the same binary on every node)")
        if not report["cwd"]:
            problems.append(f"{worker}: working directory {cwd} does not exist (use a file system every node mounts at the same path)")
        elif not report["config"]:
            problems.append(f"{worker}: config {config} not found under {cwd}")
    return problems


def shard_stem(index, count):
    """shard-00003-of-00010, as latsim names shard files."""
    width = max(5, len(str(count)))
    return f"shard-{index:0{width}d}-of-{count:0{width}d}"


def write_atomically(directory, name, data):
    temporary = os.path.join(directory, f".{name}.tmp-{os.getpid()}")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, os.path.join(directory, name))


def read_plan(latsim, config, sweep_args):
    """(units, proposed shards, {config hash, seed, version}) from `latsim sweep --plan`."""
    done = subprocess.run([latsim, "sweep", config, *sweep_args, "--plan"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(done.returncode)
    lines = done.stdout.splitlines()
    values = {line.split(":")[0]: int(line.split()[1]) for line in lines if line.startswith(("units:", "shards:"))}
    # plan: FILE: kind K; config 0x...; seed S; version V
    identity = {}
    for part in lines[0].split(";"):
        words = part.split()
        if len(words) >= 2 and words[-2] in ("config", "seed", "version"):
            identity[words[-2]] = words[-1]
    return values["units"], values["shards"], identity


def existing_shard(shards_dir, index, count, identity):
    """True when OUT/shards already holds this shard of this run; an error when it holds one of another run."""
    path = os.path.join(shards_dir, shard_stem(index, count) + ".json")
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    recorded = {"config": manifest.get("configHash"), "seed": manifest.get("seed"), "version": manifest.get("version")}
    for key, value in identity.items():
        if recorded.get(key) != value:
            sys.exit(f"latsim-dask: {path} is a shard of another run (its {key} is {recorded.get(key)}, this run's is {value}); "
                     "remove the old shards or choose another --out")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run a latsim sweep on a Dask cluster and merge it.")
    parser.add_argument("config", help="The experiment config (YAML), at the same path on every worker.")
    parser.add_argument("sweep_args", nargs=argparse.REMAINDER,
                        help="Options passed to every `latsim sweep` (after --), e.g. -- --grid model.workers=1,2 --seed 7.")
    parser.add_argument("--out", required=True, help="The directory for the shards (OUT/shards) and the merged files (OUT/merged).")
    parser.add_argument("--scheduler", help="The address of a running Dask scheduler (default: a LocalCluster).")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2).")
    parser.add_argument("--shards", type=int, help="The number of shards N (default: the one `latsim sweep --plan` proposes).")
    parser.add_argument("--jobs", type=int, default=1, help="Threads per shard task (default 1: one core per worker).")
    parser.add_argument("--latsim", default=os.environ.get("LATSIM", "latsim"), help="The latsim binary (default $LATSIM or latsim).")
    args = parser.parse_args(argv)
    sweep_args = args.sweep_args[1:] if args.sweep_args[:1] == ["--"] else args.sweep_args
    latsim = os.path.abspath(args.latsim) if os.sep in args.latsim else args.latsim

    from dask.distributed import Client, LocalCluster, as_completed

    units, proposed, identity = read_plan(latsim, args.config, sweep_args)
    count = min(args.shards or proposed, units)
    shards_dir = os.path.join(args.out, "shards")
    os.makedirs(shards_dir, exist_ok=True)
    pending = [i for i in range(count) if not existing_shard(shards_dir, i, count, identity)]
    started = time.monotonic()
    cpu_seconds = 0.0
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        client.wait_for_workers(1 if args.scheduler else args.workers)
        workers = len(client.scheduler_info()["workers"])
        ready = time.monotonic()
        print(f"latsim-dask: {units} units in {count} shards ({count - len(pending)} already done) on {workers} workers",
              flush=True)
        # Every worker must run the same latsim version in the same directory, or shards would
        # fail one by one (or, worse, a merge would refuse mixed versions only at the end).
        problems = worker_problems(client.run(check_worker, latsim, os.getcwd(), args.config),
                                   identity.get("version"), os.getcwd(), args.config)
        if problems:
            sys.stderr.write("latsim-dask: workers not fit to run this sweep:\n  " + "\n  ".join(problems) + "\n")
            return 2
        futures = [client.submit(run_shard, latsim, args.config, sweep_args, i, count, args.jobs, os.getcwd(),
                                 key=f"latsim-{shard_stem(i, count)}", pure=False) for i in pending]
        cpu_seconds = 0.0
        failed = []
        for future in as_completed(futures):
            try:
                output = future.result()
            except Exception as error:     # a failed shard: keep gathering the others (they resume)
                failed.append(str(future.key))
                sys.stderr.write(f"latsim-dask: {future.key} failed: {error}\n")
                continue
            files = output["files"]
            cpu_seconds += output["cpu_seconds"]
            names = sorted(files, key=lambda name: name.endswith(".results.json"), reverse=True)   # results, then manifest
            for name in names:
                write_atomically(shards_dir, name, files[name])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    shards_seconds = time.monotonic() - ready
    if failed:
        sys.stderr.write(f"latsim-dask: {len(failed)} of {len(pending)} shards failed ({', '.join(sorted(failed))}); "
                         "the others are in OUT/shards: rerun the same command to run only the missing ones\n")
        return 1
    merge_started = time.monotonic()
    merge = subprocess.run([latsim, "merge", shards_dir, "--out", os.path.join(args.out, "merged"), "--quiet"], capture_output=True, text=True)
    sys.stdout.write(merge.stdout)
    sys.stderr.write(merge.stderr)
    if merge.returncode != 0:
        return merge.returncode
    print(f"latsim-dask: cluster start {ready - started:.2f} s, shards {shards_seconds:.2f} s, "
          f"merge {time.monotonic() - merge_started:.2f} s, total {time.monotonic() - started:.2f} s; "
          f"latsim CPU {cpu_seconds:.2f} s = {cpu_seconds / max(shards_seconds, 1e-9):.2f} cores during the shards", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
