/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Spikes at chosen steps (spike_drive.h). */
#include <math.h>
#include <stdlib.h>

#include "spike_drive.h"

int spike_drive(soma_network *net, int pop, uint32_t neuron, const int *steps,
		int max, double dt)
{
	double *v = malloc((2 * (size_t)max + 1) * sizeof(double));
	double *d = malloc((2 * (size_t)max + 1) * sizeof(double));
	size_t n = 0;
	int last = 0, rc;

	if (!v || !d) {
		free(v);
		free(d);
		return SOMA_ENOMEM;
	}
	for (int q = 0; q < max && steps[q] >= 0; q++) {
		v[n] = 0;
		d[n++] = (steps[q] - last) * dt;
		v[n] = SPIKE_DRIVE_PULSE;
		d[n++] = dt;
		last = steps[q] + 1;
	}
	v[n] = 0;
	d[n++] = INFINITY;
	rc = soma_network_add_current(net, pop, &neuron, 1, v, d, n, NULL);
	free(v);
	free(d);
	return rc;
}
