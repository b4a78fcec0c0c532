#!/usr/bin/env bash
# Measures every mask of a small plain network with the built-in trainer and writes a table oracle file
# (mask,accuracy,seed). Usage: tools/make_table.sh NET SITES EPOCHS SEED OUT.csv
# Example (the file shipped in examples/tables): tools/make_table.sh plain6 6 3 0 examples/tables/plain6.csv
set -euo pipefail
net=$1 sites=$2 epochs=$3 seed=$4 out=$5
dt=${DEEPTRAIN:-src/Launcher/bin/Release/net10.0/deeptrain}
echo "mask,accuracy,seed" > "$out.tmp"
for ((m = 0; m < (1 << sites); m++)); do
  mask=""
  for ((i = 0; i < sites; i++)); do mask+=$(( (m >> i) & 1 )); done
  acc=$("$dt" train --net "$net" --norm "mask:$mask" --epochs "$epochs" --seed "$seed" --json --quiet |
        grep -o '"accuracy":[0-9.]*' | cut -d: -f2)
  echo "$mask,$acc,$seed" >> "$out.tmp"
done
mv "$out.tmp" "$out"
