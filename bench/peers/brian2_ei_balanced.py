#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The E/I balanced network of examples/ei_balanced.yaml (BrainModels book
§3.1.1) in Brian2, to compare soma's rates and speed against.

Usage: bench/peers/brian2_ei_balanced.py [SEED] [DURATION_MS] [--numpy]
Runs Brian2's cython target (or numpy with --numpy) with forward Euler, as
soma does. Prints one JSON line: peer, seed, E and I mean rates (Hz), spikes,
synapses, wall seconds of the run (build and code generation excluded).
"""
import json
import sys
import time

from brian2 import (NeuronGroup, Network, SpikeMonitor, Synapses, defaultclock,
                    ms, prefs, seed)

args = [a for a in sys.argv[1:] if not a.startswith('--')]
rng_seed = int(args[0]) if len(args) > 0 else 1
duration = float(args[1]) if len(args) > 1 else 500.0
prefs.codegen.target = 'numpy' if '--numpy' in sys.argv else 'cython'
seed(rng_seed)
defaultclock.dt = 0.1 * ms

# dimensionless as in the seed: V in mV, currents in pA with R = 1 GOhm
eqs = '''
dV/dt = (-(V - V_rest) + 3.0 + s)/tau : 1 (unless refractory)
ds/dt = -s/tau_s : 1
'''
tau, tau_s, V_rest, V_reset, V_th = 10 * ms, 2 * ms, -52.0, -60.0, -50.0
J = 1 / (0.1 * 500) ** 0.5
groups = []
for name in 'EI':
    g = NeuronGroup(500, eqs, threshold='V >= V_th', reset='V = V_reset',
                    refractory=1 * ms, method='euler', name=name)
    g.V = 'V_rest + rand() * (V_th - V_rest)'
    groups.append(g)
E, I = groups
syns = []
for pre, post, w in ((E, E, J), (E, I, J), (I, E, -J), (I, I, -J)):
    S = Synapses(pre, post, on_pre='s += %r' % w)
    S.connect(condition='i != j' if pre is post else None, p=0.1)
    syns.append(S)
me, mi = SpikeMonitor(E), SpikeMonitor(I)
net = Network(E, I, *syns, me, mi)
net.run(1 * ms)  # code generation and compilation, not timed
t0 = time.perf_counter()
net.run(duration * ms - 1 * ms)
wall = time.perf_counter() - t0
T = duration / 1000.0
print(json.dumps({
    'peer': 'brian2 ' + prefs.codegen.target, 'seed': rng_seed,
    'E_rate_hz': me.num_spikes / 500 / T, 'I_rate_hz': mi.num_spikes / 500 / T,
    'spikes': int(me.num_spikes + mi.num_spikes),
    'synapses': int(sum(len(S) for S in syns)), 'wall_s': wall}))
