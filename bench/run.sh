#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Time example networks with the release build and print one row per model:
# neurons, synapses and spikes of the run, wall-clock seconds of the
# simulation, and wall-clock seconds per simulated second. All numbers come
# from each run's summary.json. Nothing is asserted: this is a measurement,
# not a test.
#
# Peers: for a model NAME, every bench/peers/*_NAME.py (e.g. brian2_coba.py,
# the same network in Brian2) is run with the seed and duration of soma's run
# when it can be (its simulator installed), and the wall times are compared in
# a second table. SOMA_BENCH_PEERS=0 skips them.
#
# Single neurons: bench/neurons.c, compiled here against the library next to
# SOMA_PROGRAM (its build directory's libsoma.so), times every built-in
# neuron model with every integration method (100,000 unconnected neurons
# under a constant input that makes them fire, 100 ms at dt 0.1 ms; the GSL
# methods rk8pd and msbdf with 1,000) and prints neuron-steps per second.
# SOMA_BENCH_NEURONS=0 skips it; SOMA_BENCH_NEURONS_ARGS passes options to
# it (e.g. "-n 10000 -m lif -M rk4"; see the top of bench/neurons.c).
#
# usage: bench/run.sh [SOMA_PROGRAM [MODEL.yaml ...]]
#   SOMA_PROGRAM  default build/release/tools/soma/soma (`make bench` builds it)
#   MODEL.yaml    default examples/coba.yaml examples/ei_balanced.yaml
# Outputs go to out/bench/NAME/ (plots off). OMP_NUM_THREADS is honoured.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
soma=${1:-$top/build/release/tools/soma/soma}
shift || true
if [ $# -gt 0 ]; then
	models=("$@")
else
	models=("$top/examples/coba.yaml" "$top/examples/ei_balanced.yaml")
fi

if [ ! -x "$soma" ]; then
	echo "bench: no soma program at $soma (run 'make bench', or build first)" >&2
	exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "bench: reading summary.json needs python3: sudo apt-get install python3" >&2
	exit 1
fi

outroot=$top/out/bench
mkdir -p "$outroot"
runs=()
for m in "${models[@]}"; do
	if [ ! -f "$m" ]; then
		echo "bench: skipping $m: no such file" >&2
		continue
	fi
	name=$(basename "$m" .yaml)
	out=$outroot/$name
	echo "bench: running $name ..." >&2
	if ! "$soma" run "$m" --no-plots -o "$out" >"$outroot/$name.log" 2>&1; then
		echo "bench: $name failed; its output:" >&2
		cat "$outroot/$name.log" >&2
		exit 1
	fi
	runs+=("soma $name $out/summary.json")

	[ "${SOMA_BENCH_PEERS:-1}" = 0 ] && continue
	for peer in "$top"/bench/peers/*_"$name".py; do
		[ -f "$peer" ] || continue
		pname=$(basename "$peer" .py)
		read -r seed duration < <(python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
print(s["seed"], s["duration_ms"])' "$out/summary.json")
		echo "bench: running peer $pname ..." >&2
		if "${PEER_PYTHON:-/usr/bin/python3}" "$peer" "$seed" "$duration" >"$outroot/$pname.json" 2>"$outroot/$pname.log"; then
			runs+=("peer $name $outroot/$pname.json")
		else
			echo "bench: peer $pname did not run (see $outroot/$pname.log): $(tail -n 1 "$outroot/$pname.log")" >&2
		fi
	done
done

if [ ${#runs[@]} -eq 0 ]; then
	echo "bench: nothing to run" >&2
	exit 1
fi

echo "$("$soma" --version 2>/dev/null | head -n 1 || true); $(nproc) CPUs; OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset}"
python3 - "${runs[@]}" <<'EOF'
import json
import sys


def each(x):
    return x.values() if isinstance(x, dict) else x


rows = []
soma_wall = {}
peers = []
for arg in sys.argv[1:]:
    who, name, path = arg.split(" ", 2)
    if who == "peer":
        with open(path) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        peers.append((name, json.loads(lines[-1])))
        continue
    with open(path) as f:
        s = json.load(f)
    pops = list(each(s["populations"]))
    projs = list(each(s.get("projections", {})))
    wall = float(s["wall_s"])
    sim_s = float(s["duration_ms"]) / 1000.0
    soma_wall[name] = wall
    rows.append((name,
                 sum(int(p["size"]) for p in pops),
                 sum(int(p["synapses"]) for p in projs),
                 sum(int(p["spikes"]) for p in pops),
                 wall,
                 wall / sim_s if sim_s > 0 else float("nan")))

fmt = "{:<16} {:>9} {:>11} {:>10} {:>9} {:>15}"
print(fmt.format("model", "neurons", "synapses", "spikes", "wall s",
                 "wall s / sim s"))
for r in rows:
    print(fmt.format(r[0], r[1], r[2], r[3], "%.3f" % r[4], "%.3f" % r[5]))

if peers:
    print()
    fmt = "{:<16} {:<20} {:>11} {:>10} {:>9} {:>13}"
    print(fmt.format("model", "peer", "synapses", "spikes", "wall s",
                     "peer / soma"))
    for name, p in peers:
        wall = float(p["wall_s"])
        ratio = wall / soma_wall[name] if soma_wall[name] > 0 else float("nan")
        print(fmt.format(name, p.get("peer", "?"), p.get("synapses", "?"),
                         p.get("spikes", "?"), "%.3f" % wall, "%.1f" % ratio))
EOF

[ "${SOMA_BENCH_NEURONS:-1}" = 0 ] && exit 0

# The build directory of SOMA_PROGRAM (BUILD/tools/soma/soma) holds libsoma.so
# and the generated include/soma/version.h.
build=$(cd "$(dirname "$soma")/../.." && pwd)
if [ ! -f "$build/libsoma.so" ]; then
	echo "bench: no libsoma.so in $build: skipping bench/neurons.c" >&2
	exit 0
fi
echo "bench: building bench/neurons.c ..." >&2
"${CC:-cc}" -O2 -std=gnu11 -Wall -Wextra -I"$top/include" -I"$build/include" \
	"$top/bench/neurons.c" -o "$outroot/neurons" \
	-L"$build" -lsoma -Wl,-rpath,"$build" -lm
echo
# shellcheck disable=SC2086 # the options are meant to split into words
"$outroot/neurons" ${SOMA_BENCH_NEURONS_ARGS:-}
