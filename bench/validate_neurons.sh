#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Cross-check soma's single-neuron models against Brian2: hh, adexif, expif,
# izhikevich (RS), quaif and lif, one neuron each under a constant input that
# makes it fire repetitively, 200 ms (izhikevich 300 ms) at dt = 0.01 ms with
# rk4 on both sides. bench/peers/brian2_neurons.py holds the cases (the
# values of examples/neurons/*.yaml), writes soma's model file of each, and
# runs the same equations, transcribed from `soma models NAME`, in Brian2.
# Spike times come from soma's spikes.csv and Brian2's SpikeMonitor (stamped
# with the end of the step, as soma does: see the peer's docstring).
#
# Prints one row per model: spikes of soma and of Brian2, the largest
# |t_soma - t_brian2| over the spikes matched in order, and OK when the counts
# agree (or differ by one spike within the tolerance of the end of the run)
# and that largest difference is within the tolerance, DIFF otherwise. A
# second table runs the literal equations in Brian2 (--raw: without the
# cut-off clamp that soma documents for the four models that blow up; see the
# peer) and is only informative.
#
# usage: bench/validate_neurons.sh [SOMA_PROGRAM]
#   SOMA_PROGRAM  default build/release/tools/soma/soma
# Environment: PEER_PYTHON (default /usr/bin/python3, which must import
# brian2; if it cannot, the check prints "brian2 not installed: skipped" and
# exits 0), SOMA_VALIDATE_DT (ms, default 0.01), SOMA_VALIDATE_TOL_STEPS (the
# tolerance in steps, default 3).
# Exit status: 0 all OK (or skipped), 1 a DIFF or a run failed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
soma=${1:-$top/build/release/tools/soma/soma}
py=${PEER_PYTHON:-/usr/bin/python3}
peer=$top/bench/peers/brian2_neurons.py
dt=${SOMA_VALIDATE_DT:-0.01}
tol_steps=${SOMA_VALIDATE_TOL_STEPS:-3}

if ! "$py" -c 'import brian2' >/dev/null 2>&1; then
	echo "brian2 not installed: skipped"
	exit 0
fi
if [ ! -x "$soma" ]; then
	echo "validate_neurons: no soma program at $soma (run 'make release', or build first)" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/soma-validate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

rows=()
models=$("$py" "$peer" list)
for m in $models; do
	echo "validate_neurons: $m ..." >&2
	"$py" "$peer" yaml "$m" "$dt" >"$tmp/$m.yaml"
	if ! "$soma" run "$tmp/$m.yaml" --no-plots -o "$tmp/soma_$m" >"$tmp/soma_$m.log" 2>&1; then
		echo "validate_neurons: soma failed on $m; its output:" >&2
		cat "$tmp/soma_$m.log" >&2
		exit 1
	fi
	for variant in main raw; do
		flags=()
		if [ "$variant" = raw ]; then
			# the raw equations differ only where soma clamps V
			case $m in expif | adexif | quaif | izhikevich) flags=(--raw) ;; *) continue ;; esac
		fi
		if ! "$py" "$peer" run "$m" "$dt" "${flags[@]}" >"$tmp/b2_${m}_$variant.json" 2>"$tmp/b2_${m}_$variant.log"; then
			echo "validate_neurons: Brian2 failed on $m; the end of its output:" >&2
			tail -n 20 "$tmp/b2_${m}_$variant.log" >&2
			exit 1
		fi
		rows+=("$variant $m $tmp/soma_$m/spikes.csv $tmp/b2_${m}_$variant.json")
	done
done

echo "$("$soma" --version 2>/dev/null | head -n 1 || true); $("$py" -c 'import brian2; print("brian2", brian2.__version__)' 2>/dev/null)"
"$py" - "$dt" "$tol_steps" "${rows[@]}" <<'EOF'
import csv
import json
import sys

dt, tol_steps = float(sys.argv[1]), float(sys.argv[2])
tol = tol_steps * dt
tables = {'main': [], 'raw': []}
for arg in sys.argv[3:]:
    variant, model, spikes_csv, peer_json = arg.split(' ', 3)
    with open(spikes_csv) as f:
        soma = sorted(float(r['t_ms']) for r in csv.DictReader(f)
                      if r['population'] == '0' and r['index'] == '0')
    with open(peer_json) as f:
        p = json.loads([l for l in f.read().splitlines() if l.strip()][-1])
    b2 = sorted(p['spikes_ms'])
    end = float(p['duration_ms'])
    n = min(len(soma), len(b2))
    dmax = max((abs(a - b) for a, b in zip(soma, b2)), default=0.0)
    extra = soma[n:] + b2[n:]
    counts_ok = len(extra) == 0 or (len(extra) == 1 and end - extra[0] <= tol)
    ok = counts_ok and dmax <= tol + 1e-9 and (n > 1)
    first = next((i for i, (a, b) in enumerate(zip(soma, b2))
                  if abs(a - b) > tol + 1e-9), None)
    note = '' if first is None else \
        f'first at spike {first + 1}: {soma[first]:g} vs {b2[first]:g} ms'
    tables[variant].append((model, len(soma), len(b2), dmax,
                            'OK' if ok else 'DIFF', note))

fmt = '{:<12} {:>11} {:>13} {:>16} {:>6}  {}'
print(f'dt {dt:g} ms, method rk4, tolerance {tol_steps:g} dt = {tol:g} ms')
print(fmt.format('model', 'spikes soma', 'spikes Brian2', 'max |Δt| (ms)',
                 'result', '').rstrip())
for r in tables['main']:
    print(fmt.format(r[0], r[1], r[2], f'{r[3]:.4f}', r[4], r[5]).rstrip())
if tables['raw']:
    print()
    print('Brian2 with the literal equations (--raw: no clamp of V at V_th in '
          'the right-hand sides; informative only)')
    print(fmt.format('model', 'spikes soma', 'spikes Brian2', 'max |Δt| (ms)',
                     'result', '').rstrip())
    for r in tables['raw']:
        print(fmt.format(r[0], r[1], r[2], f'{r[3]:.4f}', r[4], r[5]).rstrip())
sys.exit(0 if all(r[4] == 'OK' for r in tables['main']) else 1)
EOF
