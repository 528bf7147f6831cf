#!/usr/bin/env python3
"""How much of an MLE's scatter is the training's: two closure runs on the same subsets.

    python3 examples/z-pt-tune/compare_fits.py closure_a/closure.json closure_b/closure.json

Two `gmm-gpu study closure` runs with the same --data, --events and --seed fit the same
subsets; this pairs their fits subset by subset (first method of each file, failed fits left
out) and prints, per held-out sample, each run's MLE scatter, the spread of their difference
(/√2: one model's share if the two are independent) and the correlation. Models that learned
the same physics agree on each subset (correlation near 1); a low correlation means most of
the scatter comes from which model was trained, not from the data.
"""
import json
import statistics
import sys


def fits(path):
    result = json.load(open(path))["result"]
    return [s["label"] for s in result["samples"]], [
        {f["subset"]: f["values"][0] for f in sample["fits"] if f["status"] != "failed"}
        for sample in result["methods"][0]["samples"]
    ]


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.strip().split("\n\n")[1])
    labels, a = fits(argv[1])
    _, b = fits(argv[2])
    for label, fa, fb in zip(labels, a, b):
        common = sorted(set(fa) & set(fb))
        if len(common) < 3:
            print(f"{label}: {len(common)} common subsets, too few")
            continue
        xa, xb = [fa[i] for i in common], [fb[i] for i in common]
        diff = statistics.stdev([x - y for x, y in zip(xa, xb)]) / 2 ** 0.5
        print(f"{label}: {len(common)} subsets; scatter {statistics.stdev(xa):.5f} and {statistics.stdev(xb):.5f}; "
              f"sd(difference)/√2 {diff:.5f}; correlation {statistics.correlation(xa, xb):.2f}")


if __name__ == "__main__":
    main(sys.argv)
