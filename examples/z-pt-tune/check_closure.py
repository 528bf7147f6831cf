#!/usr/bin/env python3
"""Checks a closure.json written by `gmm-gpu study closure` as a reader outside gmm-gpu would:
its format, every method's summary per held-out sample, coverages in [0, 1]. Exit 1 on a problem."""
import json
import sys


def main(path):
    record = json.load(open(path))
    problems = []
    if record.get("format") != "gmm-gpu-closure" or record.get("format_version") != 1:
        problems.append(f"format {record.get('format')} version {record.get('format_version')}")
    result = record["result"]
    names = [m["name"] for m in result["methods"]]
    if not names or names[0] not in ("model", "ensemble"):
        problems.append(f"methods {names}")
    for method in result["methods"]:
        if len(method["samples"]) != len(result["samples"]):
            problems.append(f"{method['name']}: {len(method['samples'])} summaries for {len(result['samples'])} samples")
        for summary in method["samples"]:
            if summary["fit_count"] < 1:
                problems.append(f"{method['name']}: no fit")
            for p in summary["parameters"]:
                if p is not None and not all(0 <= c <= 1 for c in p["coverage"]):
                    problems.append(f"{method['name']}: coverage {p['coverage']}")
    if problems:
        print("check_closure: " + "; ".join(problems))
        return 1
    print(f"check_closure: {path}: methods {', '.join(names)}; {len(result['samples'])} held-out samples; fits "
          + ", ".join(str(s['fit_count']) for m in result['methods'] for s in m['samples']))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
