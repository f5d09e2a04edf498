/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 200 Poisson spike trains drive 100 LIF neurons via exponential synapses. */
#include <stdio.h>
#include <soma/soma.h>

int main(void)
{
	soma_network *net = NULL;
	int lif = 0, src = 0, proj = 0, err;
	soma_projection_spec drive = {
		.name = "drive", .synapse = "exponential", .output = SOMA_OUTPUT_CURRENT,
		.connector = { .kind = SOMA_CONNECT_FIXED_PROBABILITY, .p = 0.5 },
		.weight = { .kind = SOMA_DIST_CONSTANT, .a = 2.5 }, /* pA */
		.delay_ms = 1.0,
	};

	err = soma_network_create(0.1, 42, &net); /* dt 0.1 ms, seed 42 */
	if (!err) err = soma_network_add_population(net, "neurons", "lif", 100, &lif);
	if (!err) err = soma_network_add_population(net, "input", "poisson", 200, &src);
	if (!err) err = soma_population_set_param(net, src, "rate", 20.0); /* Hz */
	drive.pre = src;
	drive.post = lif;
	if (!err) err = soma_network_add_projection(net, &drive, &proj);
	if (!err) err = soma_network_run(net, 1000); /* 1000 steps: 100 ms */
	if (err)
		fprintf(stderr, "soma: %s\n", net ? soma_network_errmsg(net) : soma_strerror(err));
	else
		printf("after %g ms: %llu input spikes, %llu LIF spikes\n", soma_network_time(net),
		       (unsigned long long)soma_population_spike_count(net, src),
		       (unsigned long long)soma_population_spike_count(net, lif));
	soma_network_destroy(net);
	return err ? 1 : 0;
}
