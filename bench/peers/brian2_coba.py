#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The COBA benchmark (Vogels & Abbott 2005; Brette et al. 2007) in Brian2, set
up as examples/coba.yaml is, to compare soma's rates and speed against.

Usage: bench/peers/brian2_coba.py [SEED] [DURATION_MS] [--numpy]
Runs Brian2's fastest runtime target, cython (compiled once and cached), or
numpy with --numpy. Prints one JSON line: peer, seed, E and I mean rates (Hz),
spikes, synapses, wall seconds of the run (network build and code generation
excluded).
"""
import json
import sys
import time

from brian2 import (NeuronGroup, Network, SpikeMonitor, Synapses, defaultclock,
                    ms, mV, nS, pF, prefs, seed)

args = [a for a in sys.argv[1:] if not a.startswith('--')]
rng_seed = int(args[0]) if len(args) > 0 else 1
duration = float(args[1]) if len(args) > 1 else 1000.0
prefs.codegen.target = 'numpy' if '--numpy' in sys.argv else 'cython'
seed(rng_seed)
defaultclock.dt = 0.1 * ms

Cm, gl = 200 * pF, 10 * nS
El, Vt, Vr = -60 * mV, -50 * mV, -60 * mV
Ee, Ei = 0 * mV, -80 * mV
taue, taui = 5 * ms, 10 * ms
we, wi = 6 * nS, 67 * nS

eqs = '''
dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v))/Cm : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
'''
P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v=Vr', refractory=5 * ms,
                method='euler')
P.v = 'El + rand()*(Vt-El)'
P.ge = '(randn()*1.5 + 4) * 10*nS'
P.gi = '(randn()*12 + 20) * 10*nS'
Pe, Pi = P[:3200], P[3200:]
Ce = Synapses(Pe, P, on_pre='ge += we')
Ci = Synapses(Pi, P, on_pre='gi += wi')
Ce.connect(p=0.02)
Ci.connect(p=0.02)
me, mi = SpikeMonitor(Pe), SpikeMonitor(Pi)
net = Network(P, Ce, Ci, me, mi)
net.run(1 * ms)  # code generation and compilation, not timed
t0 = time.perf_counter()
net.run(duration * ms - 1 * ms)
wall = time.perf_counter() - t0
T = duration / 1000.0
print(json.dumps({
    'peer': 'brian2 ' + prefs.codegen.target, 'seed': rng_seed,
    'E_rate_hz': me.num_spikes / 3200 / T, 'I_rate_hz': mi.num_spikes / 800 / T,
    'spikes': int(me.num_spikes + mi.num_spikes),
    'synapses': int(len(Ce) + len(Ci)), 'wall_s': wall}))
