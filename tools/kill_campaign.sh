#!/usr/bin/env bash
# Kill campaign (issue 12): single-node `optimize` and `sweep` killed with SIGKILL at random moments and resumed.
# Counts observations lost, oracle calls repeated (same mask and seed started twice) split into calls that were in
# flight at a kill and calls the oracle had completed, oracle processes left alive after a kill, and whether each
# final study / sweep output equals the uninterrupted one. Prints one summary line per campaign; exits 1 if anything
# was lost, mixed or left running.
#
#   tools/kill_campaign.sh [--kills N] [--seed S] [--only optimize|sweep] [--max-delay SECONDS]
#   DEEPTRAIN="dotnet path/to/deeptrain.dll" overrides the launcher (default: the Release build under src/Launcher).
# Long form (docs/RELIABILITY.md): tools/kill_campaign.sh --kills 20
set -euo pipefail
KILLS=3; SEED=1; ONLY=""; MAXDELAY=4.0
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) KILLS=$2; shift 2;; --seed) SEED=$2; shift 2;; --only) ONLY=$2; shift 2;;
    --max-delay) MAXDELAY=$2; shift 2;; *) echo "kill_campaign: unknown argument $1" >&2; exit 2;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
read -r -a DT <<< "${DEEPTRAIN:-dotnet $here/src/Launcher/bin/Release/net10.0/deeptrain.dll}"
work=$(mktemp -d /tmp/dt-kill.XXXXXX)
trap 'rm -rf "$work"' EXIT
RANDOM=$SEED
# A random delay in [0.3, MAXDELAY] seconds, from bash's seeded RANDOM (repeatable).
delay() { awk -v r="$RANDOM" -v m="$MAXDELAY" 'BEGIN { printf "%.2f", 0.3 + (m - 0.3) * r / 32767 }'; }

# --- optimize --------------------------------------------------------------------------------------------------
# The oracle: logs "start MASK SEED PID" and "done MASK SEED", sleeps so kills land mid-call, and prints an accuracy
# that depends only on the mask and seed (masks with the first three sites active are feasible).
cat > "$work/oracle.sh" <<'ORACLE'
#!/bin/sh
m=$1; s=$2; f=$3
echo "start $m $s $$" >> "$f"
sleep 0.4
case $m in 111*) base=9100;; *) base=8500;; esac
ones=$(printf %s "$m" | tr -cd 1 | wc -c)
acc=$((base - ones * 7 - s))
echo "done $m $s" >> "$f"
printf '{"accuracy": %d.%02d}\n' $((acc / 100)) $((acc % 100))
ORACLE

optimize() { # DIR ARGS… — runs optimize with the campaign's study settings (exec: in `… &`, $! is the launcher itself)
  local d=$1; shift
  exec "${DT[@]}" optimize --sites 10 --objective sites --budget 21 --batch 4 --seed 3 --candidates 2000 -q \
    --oracle "command:/bin/sh $work/oracle.sh {mask} {seed} $d/calls" "$@"
}

snapshot() { # LOG → the complete observation lines now in the log (what a kill must not lose)
  [ -f "$1" ] && { python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
for line in data.split(b'\n')[:-1]:
    if b'"observation"' in line: print(line.decode())
PY
  } || true
}

opt_kills=0; opt_trials=0; opt_equal=0; lost=0; orphans=0; rep_inflight=0; rep_completed=0
if [ "$ONLY" != "sweep" ]; then
  ref="$work/ref"; mkdir -p "$ref"
  (optimize "$ref" --out "$ref/study.jsonl" > /dev/null)
  while [ "$opt_kills" -lt "$KILLS" ]; do
    t="$work/opt$opt_trials"; mkdir -p "$t"; opt_trials=$((opt_trials + 1)); : > "$t/calls"; : > "$t/kept"
    finished=0; trial_kills=0
    while [ $finished -eq 0 ]; do
      if [ -f "$t/study.jsonl" ] && python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(0 if b"\n" in d and b"\"type\":\"study\"" in d.split(b"\n")[0] else 1)' "$t/study.jsonl"; then
        args=(--resume "$t/study.jsonl")
      else rm -f "$t/study.jsonl" "$t/study.jsonl.lock"; args=(--out "$t/study.jsonl"); fi
      if [ "$opt_kills" -ge "$KILLS" ] || [ "$trial_kills" -ge 4 ]; then
        (optimize "$t" "${args[@]}" > /dev/null); finished=1; break
      fi
      optimize "$t" "${args[@]}" > /dev/null 2> "$t/err" & pid=$!
      sleep "$(delay)"
      if kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null; then
        wait "$pid" 2> /dev/null || true
        opt_kills=$((opt_kills + 1)); trial_kills=$((trial_kills + 1))
        snapshot "$t/study.jsonl" >> "$t/kept"
        # Oracle processes of calls in flight must die with optimize (PR_SET_PDEATHSIG + process group).
        left=0
        for p in $(awk '$1 == "start" { print $4 }' "$t/calls"); do
          for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2> /dev/null || break; sleep 0.2; done
          if kill -0 "$p" 2> /dev/null; then left=$((left + 1)); kill -9 "$p" 2> /dev/null || true; fi
        done
        orphans=$((orphans + left))
      else
        wait "$pid" || { echo "kill_campaign: optimize failed: $(cat "$t/err")" >&2; exit 1; }
        finished=1
      fi
    done
    read -r l ri rc eq < <(python3 - "$ref/study.jsonl" "$t/study.jsonl" "$t/calls" "$t/kept" <<'PY'
import json, sys
def obs(path):
    out = []
    for line in open(path):
        r = json.loads(line)
        if r["type"] == "observation": out.append((r["round"], r["slot"], r["mask"], r["seed"], r["accuracy"], r["error"]))
    return sorted(out)
ref, final = obs(sys.argv[1]), obs(sys.argv[2])
kept = {tuple(k) for k in (lambda rs: [(r["round"], r["slot"], r["mask"], r["seed"], r["accuracy"], r["error"]) for r in rs])(
    [json.loads(l) for l in open(sys.argv[4]) if l.strip()])}
lost = len(kept - set(final))
started, done = {}, {}
inflight = completed = 0
for line in open(sys.argv[3]):
    w = line.split()
    key = (w[1], w[2])
    if w[0] == "start":
        if key in started:
            if done.get(key, 0) >= started[key]: completed += 1
            else: inflight += 1
        started[key] = started.get(key, 0) + 1
    elif w[0] == "done": done[key] = done.get(key, 0) + 1
print(lost, inflight, completed, int(final == ref))
PY
)
    lost=$((lost + l)); rep_inflight=$((rep_inflight + ri)); rep_completed=$((rep_completed + rc)); opt_equal=$((opt_equal + eq))
  done
  echo "optimize: kills=$opt_kills trials=$opt_trials lost=$lost repeated_in_flight=$rep_inflight repeated_completed=$rep_completed orphans=$orphans equal=$opt_equal/$opt_trials"
fi

# --- sweep -----------------------------------------------------------------------------------------------------
sw_kills=0; sw_trials=0; sw_equal=0
if [ "$ONLY" != "optimize" ]; then
  cat > "$work/sweep.json" <<'SPEC'
{ "networks": ["resnet20", "resnet56", "resnet110", "vgg16"], "archs": ["deeptrain"], "batchSizes": [16, 32, 64, 128],
  "parameters": { "crossbar.rows": { "grid": [64, 128, 256] } }, "sitePolicies": ["all", "none", "every-2", "every-3", "fastest-per-k"] }
SPEC
  sweep() { exec "${DT[@]}" sweep "$work/sweep.json" --workers 1 --chunk 32 --quiet "$@"; }
  (sweep --out "$work/sweep-ref.csv" > /dev/null)
  while [ "$sw_kills" -lt "$KILLS" ]; do
    t="$work/sw$sw_trials"; mkdir -p "$t"; sw_trials=$((sw_trials + 1)); trial_kills=0
    while :; do
      if [ "$sw_kills" -ge "$KILLS" ] || [ "$trial_kills" -ge 4 ]; then (sweep --out "$t/rows.csv" > /dev/null 2>&1); break; fi
      sweep --out "$t/rows.csv" > /dev/null 2>&1 & pid=$!
      sleep "$(delay)"
      if kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null; then
        wait "$pid" 2> /dev/null || true; sw_kills=$((sw_kills + 1)); trial_kills=$((trial_kills + 1))
      else wait "$pid"; break; fi
    done
    same=1
    for f in "" .pareto.csv .top.csv; do cmp -s "$work/sweep-ref.csv$f" "$t/rows.csv$f" || same=0; done
    sw_equal=$((sw_equal + same))
  done
  echo "sweep: kills=$sw_kills trials=$sw_trials equal=$sw_equal/$sw_trials"
fi
if [ "$lost" -ne 0 ] || [ "$orphans" -ne 0 ] || [ "$opt_equal" -ne "$opt_trials" ] || [ "$sw_equal" -ne "$sw_trials" ]; then exit 1; fi
