#!/usr/bin/env python3
"""The Pythia 8 tuning workflow end to end: generate, train, report, closure.

    python3 examples/z-pt-tune/workflow.py                 # the full workflow (see README.md for its size and time)
    python3 examples/z-pt-tune/workflow.py --quick         # a few minutes: every step on small samples (CI runs it)
    python3 examples/z-pt-tune/workflow.py --plan alphas   # αs alone on 11 points: the one-parameter closure of docs/BENCHMARKS.md

Steps, each skipped when its output exists from an earlier run with the same settings:
1. Events (generate.py): a grid of training points in (αs, kT), a weighted sample at the grid's
   centre (off-peak masses enhanced), and held-out samples at θ values off the grid.
2. `gmm-gpu train` on the grid and the weighted sample.
3. `gmm-gpu report` against the held-out events.
4. `gmm-gpu study closure` on the held-out samples: coverage, bias and pulls of the model's
   intervals, beside a binned template fit of p_T^μμ and the θ-permuted null test.
Everything goes into --output (default z-pt-tune-output/); the closure tables are printed last.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

PLANS = {
    # 7 × 5 training points, 28,000 generated events each (about 10,000 pass the selection).
    "full": {
        "alphas": [0.110, 0.115, 0.120, 0.125, 0.130, 0.135, 0.140],
        "kt": [1.0, 1.4, 1.8, 2.2, 2.6],
        "events_per_point": 28_000,
        "weighted_events": 28_000,
        "heldout": [[0.1225, 1.6], [0.1325, 2.2]],
        "heldout_events": 110_000,
        "subset_events": 1000,
        "max_subsets": 40,
        "train_args": [],
        "closure_args": [],
    },
    # The one-parameter closure of docs/BENCHMARKS.md ("Closure on generator data"): αs alone,
    # 11 points 0.110, 0.113, …, 0.140 at kT = 1.8 GeV, 55,000 generated events each (about
    # 19,600 pass), no weighted sample; held out at 0.1235 and 0.1325 (150,000 generated, about
    # 54,000 pass), fitted in 80 subsets of 500 events.
    "alphas": {
        "alphas": [round(0.110 + 0.003 * i, 3) for i in range(11)],
        "kt": [1.8],
        "parameters": "parameters: {names: [alphas], reference: [0.125]}",
        "events_per_point": 55_000,
        "grid_seeds": [1000 + i for i in range(11)],
        "weighted_events": 0,
        "heldout": [[0.1235, 1.8], [0.1325, 1.8]],
        "heldout_events": 150_000,
        "heldout_seeds": [2035, 2025],
        "subset_events": 500,
        "max_subsets": 80,
        "train_args": [],
        "closure_args": [],
    },
    "quick": {
        "alphas": [0.115, 0.125, 0.135],
        "kt": [1.4, 1.8, 2.2],
        "events_per_point": 2_500,
        "weighted_events": 3_000,
        "heldout": [[0.1225, 1.8]],
        "heldout_events": 6_000,
        "subset_events": 400,
        "max_subsets": 4,
        "train_args": ["--max-epochs", "2"],
        "closure_args": ["--no-minos", "--null-time-limit", "60"],
    },
}


def run(command, log=None, quiet=False):
    """Runs a command, printing it; its output goes to `log` (and the terminal unless quiet)."""
    print("$ " + " ".join(command), flush=True)
    start = time.time()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        with open(log, "w") if log else open(os.devnull, "w") as sink:
            for line in process.stdout:
                sink.write(line)
                if not quiet:
                    print("  " + line, end="", flush=True)
    if process.returncode != 0:
        sys.exit(f"workflow: '{command[0]} {command[1] if len(command) > 1 else ''}' failed (exit {process.returncode}); see {log or 'above'}")
    return time.time() - start


def point_name(theta):
    return f"alphas{theta[0]:.4f}_kt{theta[1]:.3f}"


def generate_events(plan, directory, workers):
    """The training grid, the weighted sample and the held-out samples; returns their files."""
    import generate

    os.makedirs(directory, exist_ok=True)
    manifest_path = os.path.join(directory, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}

    def make(name, theta, events, seed, mass_biased=False):
        path = os.path.join(directory, name + ".npz")
        key = {"theta": theta, "events": events, "seed": seed, "mass_biased": mass_biased}
        if os.path.exists(path) and manifest.get(name) == key:
            return path
        start = time.time()
        x, w = generate.generate(theta, events, seed, workers=workers, mass_biased=mass_biased)
        generate.save(path, x, theta, w if mass_biased else None)
        manifest[name] = key
        with open(manifest_path + ".tmp", "w") as f:
            json.dump(manifest, f, indent=1)
        os.replace(manifest_path + ".tmp", manifest_path)
        print(f"  {name}: {len(x)} events in {time.time() - start:.1f} s", flush=True)
        return path

    grid = []
    for i, a in enumerate(plan["alphas"]):
        for k, kt in enumerate(plan["kt"]):
            seed = plan["grid_seeds"][i * len(plan["kt"]) + k] if "grid_seeds" in plan else 100 + 10 * i + k
            grid.append(make("train_" + point_name([a, kt]), [a, kt], plan["events_per_point"], seed))
    centre = [plan["alphas"][len(plan["alphas"]) // 2], plan["kt"][len(plan["kt"]) // 2]]
    weighted = None
    if plan["weighted_events"] > 0:
        weighted = make("train_" + point_name(centre) + "_weighted", centre, plan["weighted_events"], 90, mass_biased=True)
    seeds = plan.get("heldout_seeds", [200 + n for n in range(len(plan["heldout"]))])
    heldout = [make("heldout_" + point_name(theta), theta, plan["heldout_events"], seed) for theta, seed in zip(plan["heldout"], seeds)]
    return grid, weighted, heldout, centre


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small samples and a short training: the plumbing in a few minutes")
    parser.add_argument("--plan", choices=["full", "alphas"], default="full",
                        help="full: the 7 × 5 (αs, kT) grid; alphas: αs alone on 11 points (the one-parameter closure of docs/BENCHMARKS.md)")
    parser.add_argument("--output", default=None, help="output directory (default: z-pt-tune-output, or z-pt-tune-quick with --quick)")
    parser.add_argument("--gmm-gpu", default=None, help="the gmm-gpu executable (default: .build/release/gmm-gpu of this repository)")
    parser.add_argument("--device", default="cpu", help="gmm-gpu's --device")
    parser.add_argument("--workers", type=int, default=None, help="generator processes (default: every core)")
    parser.add_argument("--no-null", action="store_true", help="skip the null test (it trains a second model)")
    args = parser.parse_args(argv)
    name = "quick" if args.quick else args.plan
    plan = PLANS[name]
    output = args.output or {"quick": "z-pt-tune-quick", "full": "z-pt-tune-output"}.get(name, f"z-pt-tune-{name}")
    tool = args.gmm_gpu or os.path.join(HERE, "..", "..", ".build", "release", "gmm-gpu")
    if not os.access(tool, os.X_OK):
        sys.exit(f"workflow: no gmm-gpu executable at {tool}; build it (swift build -c release) or give --gmm-gpu")
    try:
        import pythia8mc  # noqa: F401
    except ImportError:
        sys.exit("workflow: Pythia 8's Python module is missing: pip install pythia8mc==8.317.2")
    os.makedirs(output, exist_ok=True)
    times = {}
    start = time.time()
    print(f"[1/4] events ({name} plan) into {output}/events", flush=True)
    grid, weighted, heldout, centre = generate_events(plan, os.path.join(output, "events"), args.workers)
    times["events"] = time.time() - start

    config = os.path.join(output, "config.yaml")
    text = open(os.path.join(HERE, "config.yaml")).read()
    if "parameters" in plan:
        text = "\n".join(plan["parameters"] if line.startswith("parameters:") else line for line in text.split("\n"))
    with open(config + ".tmp", "w") as f:
        f.write(text)
    os.replace(config + ".tmp", config)
    model = os.path.join(output, "model")
    training = grid + ([weighted] if weighted else [])
    print("[2/4] training", flush=True)
    if not os.path.exists(os.path.join(model, "model.json")):
        times["train"] = run([tool, "train", "--config", config, *sum((["--data", f] for f in training), []), "--output", model,
                              "--device", args.device, *plan["train_args"]], log=os.path.join(output, "train.log"))
    print("[3/4] validation report", flush=True)
    times["report"] = run([tool, "report", model, *sum((["--data", f] for f in heldout), []), "--output", os.path.join(output, "report"),
                           "--device", args.device, "--quiet"])
    print("[4/4] closure on the held-out samples", flush=True)
    closure = [tool, "study", "closure", model, *sum((["--data", f] for f in heldout), []), "--events", str(plan["subset_events"]),
               "--max-subsets", str(plan["max_subsets"]), "--binned", "pt_ll", *sum((["--training-data", f] for f in grid), []),
               "--output", os.path.join(output, "closure"), "--device", args.device, *plan["closure_args"]]
    if not args.no_null:
        closure.append("--null")
    times["closure"] = run(closure, log=os.path.join(output, "closure.log"), quiet=True)
    print(open(os.path.join(output, "closure", "summary.txt")).read())
    total = time.time() - start
    print("times: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()) + f"; total {total:.0f} s")
    print(f"report: {output}/report/report.html; closure: {output}/closure/closure.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
