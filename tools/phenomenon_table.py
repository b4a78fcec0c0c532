#!/usr/bin/env python3
"""Formats tools/phenomenon.sh output as the markdown table of docs/TRAINER.md, with the proxy's rank correlation."""
import json, statistics, sys


def spearman(x, y):
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(v):
            j = i
            while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r
    rx, ry = ranks(x), ranks(y)
    mx, my = statistics.mean(rx), statistics.mean(ry)
    num = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    den = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return num / den if den else float("nan")


def main():
    runs, proxy = {}, {}
    for line in open(sys.argv[1]):
        parts = line.split(" ", 2)
        if len(parts) == 3:
            runs.setdefault(parts[0], {})[int(parts[1])] = json.loads(parts[2])
    if len(sys.argv) > 2:
        for line in open(sys.argv[2]):
            parts = line.split(" ", 2)
            if len(parts) == 3:
                proxy.setdefault(parts[0], {})[int(parts[1])] = json.loads(parts[2])["proxy"]
    seeds = sorted({s for r in runs.values() for s in r})
    print("| sites (`--norm`) | active | " + " | ".join(f"seed {s}" for s in seeds) + " | mean ± sd | mean train loss | proxy (mean) |")
    print("|---|---:|" + "---:|" * len(seeds) + "---:|---:|---:|")
    pairs_x, pairs_y = [], []
    for norm, r in runs.items():
        acc = [r[s]["accuracy"] for s in seeds if s in r]
        cells = []
        for s in seeds:
            if s not in r:
                cells.append("")
            else:
                cells.append(f"{r[s]['accuracy']:.1f}" + ("†" if r[s]["diverged"] else ""))
        losses = [r[s]["trainLoss"] for s in r if r[s]["trainLoss"] is not None]
        sd = statistics.stdev(acc) if len(acc) > 1 else 0
        p = [proxy[norm][s] for s in proxy.get(norm, {}) if proxy[norm][s] is not None]
        for s in proxy.get(norm, {}):
            if s in r and proxy[norm][s] is not None:
                pairs_x.append(proxy[norm][s]); pairs_y.append(r[s]["accuracy"])
        active = next(iter(r.values()))["activeSites"]
        print(f"| {norm} | {active} | " + " | ".join(cells) + f" | {statistics.mean(acc):.1f} ± {sd:.1f} | "
              f"{statistics.mean(losses) if losses else float('nan'):.3f} | {statistics.mean(p) if p else float('nan'):.3f} |")
    if pairs_x:
        per_run = spearman(pairs_x, pairs_y)
        means = [(statistics.mean(proxy[n][s] for s in proxy[n]), statistics.mean(runs[n][s]["accuracy"] for s in runs[n]))
                 for n in runs if n in proxy]
        per_mask = spearman([m[0] for m in means], [m[1] for m in means])
        print(f"\nSpearman rank correlation, proxy vs accuracy: {per_run:.2f} over {len(pairs_x)} (mask, seed) runs, "
              f"{per_mask:.2f} over the {len(means)} mask means.")


if __name__ == "__main__":
    main()
