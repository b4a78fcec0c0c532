#!/bin/bash
# Reproduces the phenomenon table of docs/TRAINER.md: plain24 on the default generated data, 5 epochs, several masks
# and seeds, plus the trainability proxy for each (mask, seed). Writes results.txt and proxy.txt in $1 (default .),
# then formats them with tools/phenomenon_table.py. About 40 training runs: 10–30 min on 2 cores.
set -euo pipefail
out=${1:-.}
dt="dotnet src/Launcher/bin/Release/net10.0/deeptrain.dll"
masks="all none first:1 first:8 every:8 every:4 last:8 last:4 last:1 sites:16,20"
for seed in 0 1 2; do for norm in $masks; do
  echo "$norm $seed $($dt train --net plain24 --norm $norm --epochs 5 --seed $seed --threads 2 --json --quiet)" >> "$out/results.txt"
done; done
for seed in 3 4; do for norm in all none every:4 last:8; do
  echo "$norm $seed $($dt train --net plain24 --norm $norm --epochs 5 --seed $seed --threads 2 --json --quiet)" >> "$out/results.txt"
done; done
for norm in $masks; do for seed in 0 1 2; do
  echo "$norm $seed $($dt train --net plain24 --norm $norm --seed $seed --proxy --json --threads 1)" >> "$out/proxy.txt"
done; done
python3 tools/phenomenon_table.py "$out/results.txt" "$out/proxy.txt"
