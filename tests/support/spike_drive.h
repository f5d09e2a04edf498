/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Spikes at chosen steps, for the synapse tests: a one-step current pulse
 * of 10^4 pA makes a default LIF neuron (R 1 GOhm, tau 10 ms, dt 0.1 ms)
 * jump by ~100 mV and spike at the end of that step.
 */
#ifndef SOMA_TESTS_SPIKE_DRIVE_H
#define SOMA_TESTS_SPIKE_DRIVE_H

#include <stdint.h>

#include "soma/soma.h"

#define SPIKE_DRIVE_PULSE 1e4 /* pA for one step */

/* Add to neuron @neuron of population @pop one input of SPIKE_DRIVE_PULSE
 * during each step listed in @steps (ascending), read up to @max entries or
 * the first negative one; @dt is the network's step, ms. Returns the status
 * of soma_network_add_current(). */
int spike_drive(soma_network *net, int pop, uint32_t neuron, const int *steps,
		int max, double dt);

#endif
