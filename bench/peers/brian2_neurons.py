#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""soma's single-neuron models hh, adexif, expif, izhikevich (RS), quaif and
lif transcribed into Brian2 from `soma models NAME`, to cross-check soma's
spike times (bench/validate_neurons.sh runs both and compares).

Usage: bench/peers/brian2_neurons.py list
       bench/peers/brian2_neurons.py yaml MODEL [DT_MS]
       bench/peers/brian2_neurons.py run MODEL [DT_MS] [--raw] [--cython]

  list  the model names, one a line
  yaml  soma's model file of the case: one neuron, every parameter and state
        variable set explicitly, constant input, method rk4 (needs no Brian2)
  run   the same neuron in Brian2 (numpy target, or cython with --cython);
        prints one JSON line: model, dt_ms, duration_ms, spikes_ms

One table, CASES, holds the values of both sides, in soma's units (mV, ms,
pA, nS, pF, GOhm; a_0 in 1/mV, Izhikevich's a, b in 1/ms, d and u in mV/ms).
They are the examples/neurons/<model>.yaml ones (examples/lif.yaml for lif),
except that Izhikevich's 10 pA is on from t = 0 (no step at 20 ms) and every
run uses rk4 at DT_MS (default 0.01 ms).

Conventions made to agree (both are documented behaviour, not tuning):
- Spike times. soma stamps a spike with the end of the step in which V
  reached the threshold; Brian2 with the clock time at the start of that step
  (its state update comes before the threshold in a time step). The times
  printed here are Brian2's plus one dt, the end of the step.
- Refractory period. soma holds V for round(t_refractory/dt) steps after the
  spike's step; Brian2 is refractory while timestep(t - lastspike) <
  timestep(refractory), i.e. for one step fewer counted from its earlier
  stamp. Brian2's refractory is therefore set to (round(t_refractory/dt) + 1)
  dt. Only V is held (`unless refractory`); adexif's w and izhikevich's u go
  on, as in soma.
- HH has no reset: a spike is an upward crossing of V_th (V(t_n) < V_th <=
  V(t_n+1)), here threshold 'v >= V_th' with refractory 'v >= V_th' (no new
  spike while V stays above V_th).
- The cut-off. expif, adexif, quaif and izhikevich blow up in finite time;
  soma evaluates their right-hand sides at V clamped to [-10^4 mV, V_th]
  (documented under "Numerics" in `soma models NAME`), which is exact for
  every state a step can end in without a spike, and keeps the Runge-Kutta
  stages of the step that crosses V_th finite. The exact model never lets V
  exceed V_th (it resets there), so this is the continuous model's own
  right-hand side, and the equations here use it too: vc = clip(v, -10^4 mV,
  V_th). With --raw they are the literal formulas without the clip; then
  rk4's trial stages in the crossing step can run far above V_th (adexif:
  to ~10^5 mV at dt = 0.01 ms), and a (V - V_rest) in dw/dt adds a spurious
  jump to w that the exact model does not have.
"""
import json
import sys

CASES = {
    'hh': {
        'params': {'E_Na': (50, 'mV'), 'g_Na': (120, 'nS'), 'E_K': (-77, 'mV'),
                   'g_K': (36, 'nS'), 'E_L': (-54.387, 'mV'),
                   'g_L': (0.03, 'nS'), 'C': (1, 'pF'), 'V_th': (20, 'mV')},
        'init': {'V': (-65, 'mV'), 'm': (0.5, ''), 'h': (0.6, ''),
                 'n': (0.32, '')},
        'I_pA': 21, 'duration_ms': 200},
    'adexif': {
        'params': {'V_rest': (-65, 'mV'), 'V_reset': (-65, 'mV'),
                   'V_th': (-30, 'mV'), 'V_T': (-59.9, 'mV'),
                   'delta_T': (3.48, 'mV'), 'a': (1, 'nS'), 'b': (1, 'pA'),
                   'R': (10, 'GOhm'), 'tau': (10, 'ms'), 'tau_w': (30, 'ms'),
                   't_refractory': (5, 'ms')},
        'init': {'V': (-68, 'mV'), 'w': (0, 'pA')},
        'I_pA': 21, 'duration_ms': 200},
    'expif': {
        'params': {'V_rest': (-65, 'mV'), 'V_reset': (-68, 'mV'),
                   'V_th': (-30, 'mV'), 'V_T': (-59.9, 'mV'),
                   'delta_T': (3.48, 'mV'), 'R': (10, 'GOhm'),
                   'tau': (10, 'ms'), 't_refractory': (5, 'ms')},
        'init': {'V': (-65, 'mV')},
        'I_pA': 21, 'duration_ms': 200},
    'izhikevich': {
        'params': {'a': (0.02, ''), 'b': (0.2, ''), 'c': (-65, 'mV'),
                   'd': (8, ''), 'V_th': (30, 'mV'), 'C': (1, 'pF'),
                   't_refractory': (0, 'ms')},
        'init': {'V': (-65, 'mV'), 'u': (-13, '')},
        'I_pA': 10, 'duration_ms': 300},
    'quaif': {
        'params': {'V_rest': (-65, 'mV'), 'V_reset': (-65, 'mV'),
                   'V_th': (-30, 'mV'), 'V_c': (-50, 'mV'), 'a_0': (0.07, ''),
                   'R': (1, 'GOhm'), 'tau': (10, 'ms'),
                   't_refractory': (5, 'ms')},
        'init': {'V': (-68, 'mV')},
        'I_pA': 21, 'duration_ms': 200},
    'lif': {
        'params': {'V_rest': (0, 'mV'), 'V_reset': (-5, 'mV'),
                   'V_th': (20, 'mV'), 'R': (1, 'GOhm'), 'tau': (10, 'ms'),
                   't_refractory': (5, 'ms')},
        'init': {'V': (0, 'mV')},
        'I_pA': 21, 'duration_ms': 200},
}


def soma_value(v):
    x, unit = v
    return f'{x:g} {unit}' if unit else f'{x:g}'


def soma_yaml(name, dt_ms):
    c = CASES[name]
    pars = ', '.join(f'{k}: {soma_value(v)}' for k, v in c['params'].items())
    init = ', '.join(f'{k}: {soma_value(v)}' for k, v in c['init'].items())
    return f'''# bench/peers/brian2_neurons.py yaml {name} {dt_ms:g}
simulation:
  dt: {dt_ms:g} ms
  duration: {c['duration_ms']:g} ms
  seed: 1

populations:
  N:
    model: {name}
    size: 1
    method: rk4
    params: {{{pars}}}
    init: {{{init}}}

inputs:
  drive: {{target: N, current: {c['I_pA']:g} pA}}

record:
  spikes: [N]
'''


def brian2_run(name, dt_ms, cython, raw):
    import brian2 as b2
    from brian2 import (NeuronGroup, Network, SpikeMonitor, Gohm, mV, ms, nS,
                        pA, pF)

    b2.prefs.codegen.target = 'cython' if cython else 'numpy'
    b2.defaultclock.dt = dt_ms * ms
    dt = dt_ms * ms
    c = CASES[name]
    units = {'mV': mV, 'ms': ms, 'nS': nS, 'pA': pA, 'pF': pF, 'GOhm': Gohm,
             '': 1}
    p = {k: x * units[u] for k, (x, u) in c['params'].items()}
    ns = dict(p)
    ns['I'] = c['I_pA'] * pA
    ref = None
    if 't_refractory' in p:
        steps = int(round(float(p['t_refractory'] / dt)))
        ref = (steps + 1) * dt  # see the module's docstring
        del ns['t_refractory']
    # the right-hand sides' V (see the module's docstring)
    vc = 'v' if raw else 'clip(v, -10000*mV, V_th)'

    if name == 'hh':
        # rates per ms, V in mV; alpha_m = y/(e^y - 1) = 1/exprel(y) with
        # y = -(V + 40)/10, alpha_n likewise with y = -(V + 55)/10
        eqs = '''
        dv/dt = (-g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K)
                 - g_L*(v - E_L) + I)/C : volt
        dm/dt = alpha_m*(1 - m) - beta_m*m : 1
        dh/dt = alpha_h*(1 - h) - beta_h*h : 1
        dn/dt = alpha_n*(1 - n) - beta_n*n : 1
        alpha_m = 1/exprel(-(v/mV + 40)/10)/ms : Hz
        beta_m = 4*exp(-(v/mV + 65)/18)/ms : Hz
        alpha_h = 0.07*exp(-(v/mV + 65)/20)/ms : Hz
        beta_h = 1/(1 + exp(-(v/mV + 35)/10))/ms : Hz
        alpha_n = 0.1/exprel(-(v/mV + 55)/10)/ms : Hz
        beta_n = 0.125*exp(-(v/mV + 65)/80)/ms : Hz
        '''
        G = NeuronGroup(1, eqs, threshold='v >= V_th', refractory='v >= V_th',
                        method='rk4', namespace=ns)
        init = {'v': -65 * mV, 'm': 0.5, 'h': 0.6, 'n': 0.32}
    elif name == 'lif':
        eqs = 'dv/dt = (-(v - V_rest) + R*I)/tau : volt (unless refractory)'
        G = NeuronGroup(1, eqs, threshold='v >= V_th', reset='v = V_reset',
                        refractory=ref, method='rk4', namespace=ns)
        init = {'v': c['init']['V'][0] * mV}
    elif name == 'expif':
        eqs = f'''
        dv/dt = (-(vc - V_rest) + delta_T*exp((vc - V_T)/delta_T)
                 + R*I)/tau : volt (unless refractory)
        vc = {vc} : volt
        '''
        G = NeuronGroup(1, eqs, threshold='v >= V_th', reset='v = V_reset',
                        refractory=ref, method='rk4', namespace=ns)
        init = {'v': c['init']['V'][0] * mV}
    elif name == 'adexif':
        eqs = f'''
        dv/dt = (-(vc - V_rest) + delta_T*exp((vc - V_T)/delta_T)
                 - R*w + R*I)/tau : volt (unless refractory)
        dw/dt = (a*(vc - V_rest) - w)/tau_w : amp
        vc = {vc} : volt
        '''
        G = NeuronGroup(1, eqs, threshold='v >= V_th',
                        reset='v = V_reset; w += b', refractory=ref,
                        method='rk4', namespace=ns)
        init = {'v': c['init']['V'][0] * mV, 'w': c['init']['w'][0] * pA}
    elif name == 'quaif':
        # a_0 is per mV
        ns['a_0'] = p['a_0'] / mV
        eqs = f'''
        dv/dt = (a_0*(vc - V_rest)*(vc - V_c) + R*I)/tau
                : volt (unless refractory)
        vc = {vc} : volt
        '''
        G = NeuronGroup(1, eqs, threshold='v >= V_th', reset='v = V_reset',
                        refractory=ref, method='rk4', namespace=ns)
        init = {'v': c['init']['V'][0] * mV}
    elif name == 'izhikevich':
        # Izhikevich's coefficients (0.04 per mV ms, 5 per ms, 140 mV/ms);
        # a, b per ms; u and d in mV/ms; the input enters as I/C (pA/pF =
        # mV/ms)
        ns['a'] = p['a'] / ms
        ns['b'] = p['b'] / ms
        ns['d'] = p['d'] * mV / ms
        eqs = f'''
        dv/dt = 0.04/(mV*ms)*vc**2 + 5/ms*vc + 140*mV/ms - u + I/C
                : volt (unless refractory)
        du/dt = a*(b*vc - u) : volt/second
        vc = {vc} : volt
        '''
        G = NeuronGroup(1, eqs, threshold='v >= V_th',
                        reset='v = c; u += d', refractory=ref, method='rk4',
                        namespace=ns)
        init = {'v': c['init']['V'][0] * mV, 'u': c['init']['u'][0] * mV / ms}
    else:
        raise SystemExit(f'brian2_neurons: no model {name}')
    for k, v in init.items():
        setattr(G, k, v)
    mon = SpikeMonitor(G)
    net = Network(G, mon)
    net.run(c['duration_ms'] * ms)
    times = [float(t / ms) + dt_ms for t in mon.t]  # end of the step
    return {'model': name, 'peer': 'brian2 ' + b2.__version__, 'raw': raw,
            'dt_ms': dt_ms, 'duration_ms': c['duration_ms'],
            'spikes_ms': [round(t, 9) for t in times]}


def main(argv):
    flags = [a for a in argv if a.startswith('--')]
    args = [a for a in argv if not a.startswith('--')]
    if not args or args[0] not in ('list', 'yaml', 'run') or \
            (args[0] != 'list' and len(args) < 2):
        raise SystemExit(__doc__)
    if args[0] == 'list':
        print('\n'.join(CASES))
        return
    name = args[1]
    if name not in CASES:
        raise SystemExit(f'brian2_neurons: no case {name} '
                         f'(one of {", ".join(CASES)})')
    dt_ms = float(args[2]) if len(args) > 2 else 0.01
    if args[0] == 'yaml':
        sys.stdout.write(soma_yaml(name, dt_ms))
    else:
        print(json.dumps(brian2_run(name, dt_ms, '--cython' in flags,
                                    '--raw' in flags)))


if __name__ == '__main__':
    main(sys.argv[1:])
