#!/usr/bin/env python3
"""Writes the synthetic sample data files in experiments/data/ (deterministic: fixed seeds,
standard library only). Run from the repository root:  python3 scripts/make_sample_data.py

No public exchange or chain data can be downloaded where this repository is built, so these
files are synthetic, written in the exact layouts of the public exports they imitate
(experiments/data/README.md documents each):

- binance-btcusdt-trades.csv: Binance spot trades (data.binance.vision), no header:
  id, price, qty, quote_qty, time (ms since 1970), is_buyer_maker, is_best_match.
- coinbase-btcusd-trades.csv: Coinbase Exchange trades as CSV with a header:
  trade_id, side (the maker's side), size, price, time (ISO 8601 UTC, microseconds).
  Both follow one efficient BTC-USD price (a GBM at 80% a year, sampled every ms); Coinbase
  trades see it 40 ms late (a lagging venue), each trade at that price +- half a spread.
- eth-blocks.csv: Ethereum-like beacon blocks: number (slot), timestamp (s), tx_count, gas_used;
  12 s slots, 1% missed (gaps in the numbers).
- poisson-blocks.csv: a proof-of-work-like chain: height, timestamp (s), exponential intervals
  with a 13 s mean (for comparing a replayed Poisson file with the Poisson model).
- latency-colocated-buckets.csv: a one-way latency histogram as a monitoring system exports it
  (bucket bounds and counts, lower_us, upper_us, count): 200,000 one-way latencies of a
  colocated path, lognormal (median 100 us, sigma 0.3) with 0.5% retransmits 1-3 ms late.
- latency-remote.hgrm: the same for a remote path in HdrHistogram's percentile text output
  (outputPercentileDistribution, values in us): lognormal (median 5 ms, sigma 0.3) with 1%
  of messages 10-40 ms late (a congested hop).
"""
import math
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "experiments", "data")
START_MS = 1_717_200_000_000          # 2024-06-01T00:00:00Z
SPAN_MS = 600_000                      # ten minutes of trades
HEADER = "# Synthetic sample data written by scripts/make_sample_data.py (seeded; see experiments/data/README.md).\n"


def price_path(rng):
    """The efficient price at every ms of the span (GBM, sigma 0.8 per sqrt(year), from 67,500)."""
    sigma = 0.8 * math.sqrt(0.001 / (365 * 86400))
    p, path = 67_500.0, []
    for _ in range(SPAN_MS + 1):
        path.append(p)
        p *= math.exp(rng.gauss(0, sigma) - sigma * sigma / 2)
    return path


def trade_times(rng, rate_per_s, count):
    t, times = 0.0, []
    while len(times) < count:
        t += rng.expovariate(rate_per_s) * 1000
        if t >= SPAN_MS - 1:
            break
        times.append(t)
    return times


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(20240601)
    path = price_path(rng)

    # Binance: 5 trades/s, no lag, 0.5 bp half-spread; ms timestamps, no header.
    brng = random.Random(1)
    with open(os.path.join(OUT, "binance-btcusdt-trades.csv"), "w", newline="\n") as f:
        f.write(HEADER)
        trade_id = 3_600_000_000
        for t in map(int, trade_times(brng, 5.0, 3000)):
            buy = brng.random() < 0.5
            price = round(path[t] * (1 + (0.5e-4 if buy else -0.5e-4)), 2)
            qty = round(math.exp(brng.gauss(math.log(0.01), 1.2)), 5) or 0.00001
            f.write(f"{trade_id},{price:.2f},{qty:.5f},{price * qty:.8f},{START_MS + t},{'False' if buy else 'True'},True\n")
            trade_id += 1

    # Coinbase: 3.5 trades/s, 40 ms behind, 1 bp half-spread; ISO 8601 us times; side = maker side.
    crng = random.Random(2)
    with open(os.path.join(OUT, "coinbase-btcusd-trades.csv"), "w", newline="\n") as f:
        f.write(HEADER)
        f.write("trade_id,side,size,price,time\n")
        trade_id = 650_000_000
        for tf in trade_times(crng, 3.5, 2100):
            t = int(tf)
            buy = crng.random() < 0.5
            seen = path[max(0, t - 40)]
            price = round(seen * (1 + (1e-4 if buy else -1e-4)), 2)
            size = round(math.exp(crng.gauss(math.log(0.02), 1.0)), 8) or 0.00000001
            us = START_MS * 1000 + int(tf * 1000)
            secs, frac = divmod(us, 1_000_000)
            days, rest = divmod(secs, 86400)
            # 2024-06-01 is day 19875 since 1970-01-01; the span stays within that day.
            assert days == 19875
            stamp = f"2024-06-01T{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}.{frac:06d}Z"
            f.write(f"{trade_id},{'sell' if buy else 'buy'},{size:.8f},{price:.2f},{stamp}\n")
            trade_id += 1

    # Ethereum-like: 12 s slots from slot 9,200,000, 1% missed; tx count and gas used.
    erng = random.Random(3)
    genesis = 1_606_824_023  # beacon chain genesis time (s); slot n at genesis + 12 n
    with open(os.path.join(OUT, "eth-blocks.csv"), "w", newline="\n") as f:
        f.write(HEADER)
        f.write("number,timestamp,tx_count,gas_used\n")
        slot, rows = 9_200_000, 0
        while rows < 3000:
            if erng.random() >= 0.01:
                txs = max(1, int(erng.gauss(160, 45)))
                gas = int(txs * erng.uniform(60_000, 110_000))
                f.write(f"{slot},{genesis + 12 * slot},{txs},{min(gas, 30_000_000)}\n")
                rows += 1
            slot += 1

    # Poisson-like: exponential intervals, mean 13 s, whole seconds as a PoW chain's timestamps are.
    prng = random.Random(4)
    with open(os.path.join(OUT, "poisson-blocks.csv"), "w", newline="\n") as f:
        f.write(HEADER)
        f.write("height,timestamp\n")
        t = 1_717_200_000.0
        for height in range(19_000_000, 19_002_000):
            f.write(f"{height},{int(t)}\n")
            t += prng.expovariate(1 / 13.0)

    write_latency_exports()


def latency_samples(rng, n, median_us, sigma, tail_share, tail_lo_us, tail_hi_us):
    out = []
    for _ in range(n):
        x = median_us * math.exp(rng.gauss(0, sigma))
        if rng.random() < tail_share:
            x += rng.uniform(tail_lo_us, tail_hi_us)
        out.append(x)
    return out


def write_latency_exports():
    # Colocated: log-linear buckets (10 per doubling from 8 us), as a Prometheus-like exporter.
    crng = random.Random(5)
    values = latency_samples(crng, 200_000, 100.0, 0.3, 0.005, 1000.0, 3000.0)
    bounds = [8.0 * 2 ** (k / 10) for k in range(0, 111)]   # 8 us .. ~16 ms
    counts = [0] * (len(bounds) - 1)
    for v in values:
        k = min(len(counts) - 1, max(0, int(math.floor(10 * math.log2(v / 8.0)))))
        counts[k] += 1
    with open(os.path.join(OUT, "latency-colocated-buckets.csv"), "w", newline="\n") as f:
        f.write(HEADER)
        f.write("lower_us,upper_us,count\n")
        for k, c in enumerate(counts):
            if c:
                f.write(f"{bounds[k]:.3f},{bounds[k + 1]:.3f},{c}\n")

    # Remote: HdrHistogram percentile output (values in us, 5 ticks per half distance, as
    # outputPercentileDistribution(out, 5, 1.0) writes), with its footer.
    rrng = random.Random(6)
    values = sorted(latency_samples(rrng, 200_000, 5000.0, 0.3, 0.01, 10_000.0, 40_000.0))
    n = len(values)
    # The tick sequence HdrHistogram prints: 5 steps to 50%, then 5 steps per halving of the rest.
    p = 0.0
    ticks = []
    remaining = 1.0
    while remaining > 1e-5:
        step = remaining / 2 / 5 if ticks else 0.1
        for _ in range(5):
            p = min(1.0, p + step)
            ticks.append(p)
        remaining = 1.0 - p
    ticks = [0.0] + [t for t in ticks if t < 1.0] + [1.0]
    with open(os.path.join(OUT, "latency-remote.hgrm"), "w", newline="\n") as f:
        f.write(HEADER)
        f.write("       Value     Percentile TotalCount 1/(1-Percentile)\n\n")
        last_total = -1
        for t in ticks:
            index = min(n - 1, max(0, math.ceil(t * n) - 1))
            total = index + 1
            if total == last_total:
                continue
            last_total = total
            inv = "inf" if t >= 1.0 else f"{1 / (1 - t):.2f}"
            f.write(f"{values[index]:12.3f} {t:14.12f} {total:10d} {inv:>14}\n")
        mean = sum(values) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / n)
        f.write(f"#[Mean    = {mean:12.3f}, StdDeviation   = {sd:12.3f}]\n")
        f.write(f"#[Max     = {values[-1]:12.3f}, Total count    = {n:12d}]\n")
        f.write("#[Buckets =           22, SubBuckets     =         2048]\n")


if __name__ == "__main__":
    main()
