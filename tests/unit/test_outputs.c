/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Output files (src/io/output.c, contract in monitor.h): spikes.csv order,
 * rates.csv recomputed independently from spikes.csv and from a hand-made
 * pattern, state CSVs against soma_population_state(), the .part/final-name
 * protocol, summary.json (parsed), and reproducibility by seed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "soma/soma.h"

/* ---- cleanup ------------------------------------------------------------ */

/* Networks and directories made by a test, released by cleanup() after it
 * even when an assertion stops the test half-way. */
#define MAX_TRACKED 16
static soma_network *tracked_net[MAX_TRACKED];
static char *tracked_dir[MAX_TRACKED];

static void track(void **slots, void *x)
{
	for (int i = 0; i < MAX_TRACKED; i++)
		if (!slots[i]) {
			slots[i] = x;
			return;
		}
	fail_msg("too many tracked objects");
}

static int untrack(void **slots, void *x)
{
	for (int i = 0; i < MAX_TRACKED; i++)
		if (slots[i] == x) {
			slots[i] = NULL;
			return 1;
		}
	return 0;
}

static soma_network *new_net(double dt, uint64_t seed)
{
	soma_network *net;

	assert_int_equal(soma_network_create(dt, seed, &net), SOMA_OK);
	track((void **)tracked_net, net);
	return net;
}

static void destroy_net(soma_network *net)
{
	untrack((void **)tracked_net, net);
	soma_network_destroy(net);
}

static void rm_rf(char *dir);

static int cleanup(void **state)
{
	(void)state;
	for (int i = 0; i < MAX_TRACKED; i++) {
		if (tracked_net[i])
			destroy_net(tracked_net[i]);
		if (tracked_dir[i])
			rm_rf(tracked_dir[i]);
	}
	return 0;
}

/* ---- files -------------------------------------------------------------- */

static char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (!base || !*base)
		base = "/tmp";
	assert_true(asprintf(&dir, "%s/soma-test-outputs-XXXXXX", base) > 0);
	assert_non_null(mkdtemp(dir));
	track((void **)tracked_dir, dir);
	return dir;
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(char *dir)
{
	untrack((void **)tracked_dir, dir);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static char *path_in(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

/* Names in @dir, sorted, joined by spaces ("" for none), but the lock file
 * .soma.lock, which stays (see test_lock). */
static char *listing(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	size_t len = 1;
	char *s;

	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		len += strlen(ents[i]->d_name) + 1;
	s = calloc(len, 1);
	assert_non_null(s);
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..") &&
		    strcmp(ents[i]->d_name, ".soma.lock")) {
			if (*s)
				strcat(s, " ");
			strcat(s, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	return s;
}

static void expect_listing(const char *dir, const char *want)
{
	char *got = listing(dir);

	if (strcmp(got, want))
		fail_msg("directory holds \"%s\", expected \"%s\"", got, want);
	free(got);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* A CSV file: its header line and its rows as doubles. */
struct csv {
	char *header;
	size_t rows, cols;
	double *v; /* rows * cols */
};

static struct csv read_csv(const char *path)
{
	struct csv c = { 0 };
	char *text = slurp(path, NULL), *line, *save = NULL;
	size_t cap = 0;

	line = strtok_r(text, "\n", &save);
	assert_non_null(line);
	c.header = strdup(line);
	c.cols = 1;
	for (char *p = line; *p; p++)
		c.cols += *p == ',';
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *p = line, *end;
		if (c.rows * c.cols + c.cols > cap) {
			cap = cap ? 2 * cap : 1024 * c.cols;
			c.v = realloc(c.v, cap * sizeof(double));
			assert_non_null(c.v);
		}
		for (size_t k = 0; k < c.cols; k++) {
			double x = strtod(p, &end);
			if (end == p || (k + 1 < c.cols ? *end != ',' : *end != 0))
				fail_msg("%s: row %zu: bad field %zu in \"%s\"", path,
					 c.rows + 1, k, line);
			c.v[c.rows * c.cols + k] = x;
			p = end + 1;
		}
		c.rows++;
	}
	free(text);
	return c;
}

static void free_csv(struct csv *c)
{
	free(c->header);
	free(c->v);
}

static double at(const struct csv *c, size_t row, size_t col)
{
	return c->v[row * c->cols + col];
}

static int close_to(double got, double want, double rel)
{
	return fabs(got - want) <= rel * fabs(want) + 1e-12;
}

/* ---- networks ----------------------------------------------------------- */

static void add_lif_drive(soma_network *net, int pop, double pA)
{
	double v = pA, d = INFINITY;

	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &v, &d, 1, NULL),
			 SOMA_OK);
}

/* P (poisson 30), Q (poisson 20), both at 400 Hz so that both spike in most
 * steps, and L (lif 4, driven, spread initial V). */
static soma_network *mixed(uint64_t seed)
{
	soma_network *net = new_net(0.1, seed);
	soma_dist u = { SOMA_DIST_UNIFORM, -5, 15 };

	assert_int_equal(soma_network_add_population(net, "P", "poisson", 30, NULL), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "Q", "poisson", 20, NULL), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "L", "lif", 4, NULL), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, 0, "rate", 400), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, 1, "rate", 400), SOMA_OK);
	assert_int_equal(soma_population_init_state(net, 2, "V", &u), SOMA_OK);
	add_lif_drive(net, 2, 25);
	return net;
}

/* The spikes of every population, in spikes.csv order, as recorded by the
 * test from soma_population_spikes() after each step. */
struct spike_row {
	uint64_t step;
	int pop;
	uint32_t idx;
};

struct truth {
	struct spike_row *s;
	size_t n, cap;
};

static void note_spikes(const soma_network *net, struct truth *tr)
{
	for (int p = 0; p < soma_network_population_count(net); p++) {
		const uint32_t *idx;
		uint32_t k;
		assert_int_equal(soma_population_spikes(net, p, &idx, &k), SOMA_OK);
		for (uint32_t q = 0; q < k; q++) {
			if (tr->n == tr->cap) {
				tr->cap = tr->cap ? 2 * tr->cap : 1024;
				tr->s = realloc(tr->s, tr->cap * sizeof(*tr->s));
				assert_non_null(tr->s);
			}
			tr->s[tr->n].step = soma_network_steps(net);
			tr->s[tr->n].pop = p;
			tr->s[tr->n].idx = idx[q];
			tr->n++;
		}
	}
}

/* monitor.h's rate of population @pop at every step 0..steps, recomputed
 * from the rows of spikes.csv: spikes per step (a spike at t_{n+1} counts at
 * step n+1), summed over the centred window of 2 floor(width/(2 dt)) + 1
 * steps cut to steps 1..steps, / N / (duration of the cut window) in Hz. */
static double *rates_from_spikes(const struct csv *sp, int pop, uint32_t size,
				 double width, double dt, uint64_t steps)
{
	uint64_t *count = calloc(steps + 1, sizeof(uint64_t));
	double *rate = calloc(steps + 1, sizeof(double));
	long h = (long)floor(width / (2 * dt) + 1e-9);

	assert_true(count && rate);
	for (size_t r = 0; r < sp->rows; r++) {
		double t = at(sp, r, 0);
		long n = lround(t / dt);
		assert_true(fabs(t - n * dt) < 1e-9);
		assert_true(n >= 1 && (uint64_t)n <= steps);
		if ((int)at(sp, r, 1) == pop)
			count[n]++;
	}
	for (long n = 0; n <= (long)steps; n++) {
		uint64_t sum = 0;
		long in = 0;
		for (long q = n - h; q <= n + h; q++)
			if (q >= 1 && q <= (long)steps) {
				sum += count[q];
				in++;
			}
		rate[n] = in ? (double)sum / size * 1000.0 / (in * dt) : 0.0;
	}
	free(count);
	return rate;
}

/* ---- tests -------------------------------------------------------------- */

/* One run of the mixed network, step by step, checking spikes.csv,
 * rates.csv and L.V.csv against what the test saw, and the .part protocol. */
static void test_files(void **state)
{
	const uint64_t steps = 157;
	const uint32_t rec[3] = { 3, 0, 2 };
	const uint32_t every = 3;
	const double dt = 0.1;
	/* window per population: P 5 ms (h 25), Q 0.35 ms (h 1), L 2 ms (h 10) */
	const double width[3] = { 5, 0.35, 2 };
	char *dir = make_tmpdir(), *sub = path_in(dir, "a/b"), *p;
	soma_network *net = mixed(21);
	struct truth tr = { 0 };
	double (*vsnap)[3] = calloc(steps / every + 1, sizeof(*vsnap));
	size_t n_snap = 0;
	const double *V;
	soma_monitor_info info;
	struct csv sp, rt, st;
	int mon_state;

	(void)state;
	assert_non_null(vsnap);
	/* spike monitors declared out of population order on purpose */
	assert_int_equal(soma_network_record_spikes(net, 1, width[1], NULL), SOMA_OK);
	assert_int_equal(soma_network_record_spikes(net, 2, width[2], NULL), SOMA_OK);
	assert_int_equal(soma_network_record_spikes(net, 0, width[0], NULL), SOMA_OK);
	assert_int_equal(soma_network_record_state(net, 2, "V", rec, 3, every, &mon_state),
			 SOMA_OK);
	assert_int_equal(soma_network_open_outputs(net, sub), SOMA_OK);
	expect_listing(sub, "L.V.csv.part rates.csv.part spikes.csv.part");
	/* paths known once open */
	assert_int_equal(soma_network_monitor_info(net, 0, &info), SOMA_OK);
	p = path_in(sub, "spikes.csv");
	assert_string_equal(info.path, p);
	free(p);
	p = path_in(sub, "rates.csv");
	assert_string_equal(soma_network_rates_path(net), p);
	free(p);
	assert_int_equal(soma_network_monitor_info(net, mon_state, &info), SOMA_OK);
	p = path_in(sub, "L.V.csv");
	assert_string_equal(info.path, p);
	free(p);
	/* no more recordings once open */
	assert_int_equal(soma_network_record_spikes(net, 2, 1.0, NULL), SOMA_ESTATE);
	assert_int_equal(soma_network_open_outputs(net, sub), SOMA_ESTATE);

	assert_int_equal(soma_population_state(net, 2, "V", &V), SOMA_OK);
	for (int q = 0; q < 3; q++)
		vsnap[0][q] = V[rec[q]];
	n_snap = 1;
	for (uint64_t s = 1; s <= steps; s++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		note_spikes(net, &tr);
		if (s % every == 0) {
			for (int q = 0; q < 3; q++)
				vsnap[n_snap][q] = V[rec[q]];
			n_snap++;
		}
		if (s == 50)
			expect_listing(sub, "L.V.csv.part rates.csv.part spikes.csv.part");
	}
	assert_int_equal(soma_network_close_outputs(net), SOMA_OK);
	expect_listing(sub, "L.V.csv rates.csv spikes.csv");

	/* spikes.csv: the spikes seen, by time, then population, then index */
	p = path_in(sub, "spikes.csv");
	sp = read_csv(p);
	free(p);
	assert_string_equal(sp.header, "t_ms,population,index");
	assert_int_equal(sp.rows, tr.n);
	for (size_t r = 0; r < sp.rows; r++) {
		assert_true(fabs(at(&sp, r, 0) - tr.s[r].step * dt) < 1e-9);
		assert_int_equal((int)at(&sp, r, 1), tr.s[r].pop);
		assert_int_equal((uint32_t)at(&sp, r, 2), tr.s[r].idx);
		if (r) { /* strictly increasing (t, population, index) */
			double t0 = at(&sp, r - 1, 0), t1 = at(&sp, r, 0);
			int p0 = (int)at(&sp, r - 1, 1), p1 = (int)at(&sp, r, 1);
			assert_true(t0 < t1 || (t0 == t1 && (p0 < p1 ||
				    (p0 == p1 && at(&sp, r - 1, 2) < at(&sp, r, 2)))));
		}
	}
	/* the network really had both populations spiking in the same steps */
	{
		size_t shared = 0;
		for (size_t r = 1; r < tr.n; r++)
			shared += tr.s[r].step == tr.s[r - 1].step &&
				  tr.s[r].pop != tr.s[r - 1].pop;
		assert_true(shared > 20);
	}
	for (int pop = 0; pop < 3; pop++) {
		uint64_t k = 0;
		for (size_t r = 0; r < tr.n; r++)
			k += tr.s[r].pop == pop;
		assert_int_equal(k, soma_population_spike_count(net, pop));
		assert_true(k > 0);
	}

	/* rates.csv: a row per step 0..steps, one column per recorded
	 * population (named in the header), each equal to the definition */
	p = path_in(sub, "rates.csv");
	rt = read_csv(p);
	free(p);
	assert_int_equal(rt.rows, steps + 1);
	assert_int_equal(rt.cols, 4);
	{
		char *h = strdup(rt.header), *save = NULL, *name;
		size_t col = 0;
		assert_string_equal(strtok_r(h, ",", &save), "t_ms");
		while ((name = strtok_r(NULL, ",", &save))) {
			int pop;
			double *want;
			col++;
			assert_int_equal(soma_population_find(net, name, &pop), SOMA_OK);
			want = rates_from_spikes(&sp, pop, soma_population_size(net, pop),
						 width[pop], dt, steps);
			for (size_t r = 0; r <= steps; r++) {
				assert_true(fabs(at(&rt, r, 0) - r * dt) < 1e-9);
				if (!close_to(at(&rt, r, col), want[r], 1e-7))
					fail_msg("rates.csv %s at t = %g: %.10g, expected %.10g",
						 name, r * dt, at(&rt, r, col), want[r]);
			}
			free(want);
		}
		assert_int_equal(col, 3);
		free(h);
	}

	/* L.V.csv: header of the recorded indices in the order given; rows at
	 * t = 0 and every 3 steps, equal to the state then */
	p = path_in(sub, "L.V.csv");
	st = read_csv(p);
	free(p);
	assert_string_equal(st.header, "t_ms,3,0,2");
	assert_int_equal(st.rows, steps / every + 1);
	assert_int_equal(st.rows, n_snap);
	for (size_t r = 0; r < st.rows; r++) {
		assert_true(fabs(at(&st, r, 0) - r * every * dt) < 1e-9);
		for (int q = 0; q < 3; q++)
			if (!close_to(at(&st, r, q + 1), vsnap[r][q], 1e-9))
				fail_msg("L.V.csv row %zu neuron %u: %.12g, expected %.12g",
					 r, rec[q], at(&st, r, q + 1), vsnap[r][q]);
	}
	/* V really changed between rows (the rows are not one snapshot) */
	assert_false(at(&st, 0, 1) == at(&st, 1, 1) && at(&st, 1, 1) == at(&st, 2, 1));

	free_csv(&sp);
	free_csv(&rt);
	free_csv(&st);
	free(tr.s);
	free(vsnap);
	destroy_net(net);
	free(sub);
	rm_rf(dir);
}

/* A hand-made pattern: 10 LIF neurons at rest get 2100 pA for the first
 * step only, so V = dt/tau * R I = 21 mV >= V_th: all spike in step 1
 * (t = 0.1 ms) and never again. With a 5 ms window (h = 25 steps) the rate at
 * steps 0..26 is one spike per neuron over the duration of the part of the
 * window inside the run (steps max(n-h,1)..min(n+h,steps)): 1000/(26 * 0.1) Hz
 * at step 0, 1000/(51 * 0.1) = 196.1 Hz in the middle of a long run; 0 after.
 * With 0.35 ms (h = 1), steps 0..2. A run shorter than the window: every row. */
static void hand_pattern(uint64_t steps, double width, long h, int chunks)
{
	char *dir = make_tmpdir(), *p;
	soma_network *net;
	double v[2] = { 2100, 0 }, d[2] = { 0.1, INFINITY };
	struct csv rt, sp;
	int pop;

	net = new_net(0.1, 1);
	assert_int_equal(soma_network_add_population(net, "E", "lif", 10, &pop), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, v, d, 2, NULL), SOMA_OK);
	assert_int_equal(soma_network_record_spikes(net, pop, width, NULL), SOMA_OK);
	assert_int_equal(soma_network_open_outputs(net, dir), SOMA_OK);
	if (chunks) {
		for (uint64_t s = 0; s < steps; s++)
			assert_int_equal(soma_network_run(net, 1), SOMA_OK);
	} else {
		assert_int_equal(soma_network_run(net, steps), SOMA_OK);
	}
	assert_int_equal(soma_network_close_outputs(net), SOMA_OK);
	assert_int_equal(soma_population_spike_count(net, pop), 10);

	p = path_in(dir, "spikes.csv");
	sp = read_csv(p);
	free(p);
	assert_int_equal(sp.rows, 10);
	for (size_t r = 0; r < 10; r++) {
		assert_true(fabs(at(&sp, r, 0) - 0.1) < 1e-12);
		assert_int_equal((int)at(&sp, r, 2), (int)r);
	}
	p = path_in(dir, "rates.csv");
	rt = read_csv(p);
	free(p);
	assert_string_equal(rt.header, "t_ms,E");
	assert_int_equal(rt.rows, steps + 1);
	for (long n = 0; n <= (long)steps; n++) {
		long lo = n - h > 1 ? n - h : 1;
		long hi = n + h < (long)steps ? n + h : (long)steps;
		double want = labs(n - 1) <= h ? 1000.0 / ((hi - lo + 1) * 0.1) : 0.0;
		if (!close_to(at(&rt, n, 1), want, 1e-7))
			fail_msg("rate at step %ld (window %g ms, %llu steps): %.10g, expected %.10g",
				 n, width, (unsigned long long)steps, at(&rt, n, 1), want);
	}
	free_csv(&rt);
	free_csv(&sp);
	destroy_net(net);
	rm_rf(dir);
}

static void test_rate_hand_pattern(void **state)
{
	(void)state;
	hand_pattern(60, 5, 25, 0);
	hand_pattern(60, 5, 25, 1);
	hand_pattern(10, 5, 25, 0); /* shorter than the window */
	hand_pattern(10, 5, 25, 1);
	hand_pattern(20, 0.35, 1, 1);
	hand_pattern(1, 0.35, 1, 0);
}

/* Destroying a network with open outputs leaves no file under a final name. */
static void test_destroy_without_close(void **state)
{
	char *dir = make_tmpdir();
	soma_network *net = mixed(3);

	(void)state;
	assert_int_equal(soma_network_record_spikes(net, 0, 5, NULL), SOMA_OK);
	assert_int_equal(soma_network_record_state(net, 2, "V", NULL, 0, 1, NULL), SOMA_OK);
	assert_int_equal(soma_network_open_outputs(net, dir), SOMA_OK);
	assert_int_equal(soma_network_run(net, 100), SOMA_OK);
	expect_listing(dir, "L.V.csv.part rates.csv.part spikes.csv.part");
	destroy_net(net);
	{
		char *p = path_in(dir, "spikes.csv");
		assert_int_not_equal(access(p, F_OK), 0);
		free(p);
		p = path_in(dir, "rates.csv");
		assert_int_not_equal(access(p, F_OK), 0);
		free(p);
		p = path_in(dir, "L.V.csv");
		assert_int_not_equal(access(p, F_OK), 0);
		free(p);
	}
	rm_rf(dir);
}

/* Running on after soma_network_close_outputs() must neither crash nor
 * change the closed files. Run in a child process so that a crash is
 * reported as a failure of this test only. */
static void test_run_after_close(void **state)
{
	char *dir = make_tmpdir(), *p = path_in(dir, "L.V.csv");
	soma_network *net = mixed(4);
	char *before, *after;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(soma_network_record_spikes(net, 0, 5, NULL), SOMA_OK);
	assert_int_equal(soma_network_record_state(net, 2, "V", NULL, 0, 1, NULL), SOMA_OK);
	assert_int_equal(soma_network_open_outputs(net, dir), SOMA_OK);
	assert_int_equal(soma_network_run(net, 20), SOMA_OK);
	assert_int_equal(soma_network_close_outputs(net), SOMA_OK);
	before = slurp(p, NULL);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;
		/* die of the signal, not in the test runner's handler */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		rc = soma_network_run(net, 20);
		_exit(rc == SOMA_OK || rc == SOMA_ESTATE ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("soma_network_run after soma_network_close_outputs killed the process (signal %d)",
			 WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	if (WEXITSTATUS(status) == 3)
		fail_msg("soma_network_run after soma_network_close_outputs failed");
	if (WEXITSTATUS(status))
		fail_msg("soma_network_run after soma_network_close_outputs crashed (exit status %d, e.g. a sanitizer report)",
			 WEXITSTATUS(status));
	after = slurp(p, NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(p);
	destroy_net(net);
	rm_rf(dir);
}

/* Closing twice: monitor.h says SOMA_ESTATE when the outputs are not open;
 * the files stay as they were. */
static void test_close_twice(void **state)
{
	char *dir = make_tmpdir(), *p = path_in(dir, "spikes.csv");
	soma_network *net = mixed(5);
	char *before, *after;

	(void)state;
	assert_int_equal(soma_network_close_outputs(net), SOMA_ESTATE);
	assert_int_equal(soma_network_record_spikes(net, 0, 5, NULL), SOMA_OK);
	assert_int_equal(soma_network_open_outputs(net, dir), SOMA_OK);
	assert_int_equal(soma_network_run(net, 20), SOMA_OK);
	assert_int_equal(soma_network_close_outputs(net), SOMA_OK);
	before = slurp(p, NULL);
	assert_int_equal(soma_network_close_outputs(net), SOMA_ESTATE);
	after = slurp(p, NULL);
	assert_string_equal(before, after);
	expect_listing(dir, "rates.csv spikes.csv");
	free(before);
	free(after);
	free(p);
	destroy_net(net);
	rm_rf(dir);
}

/* ---- summary.json ------------------------------------------------------- */

/* A small strict JSON reader: validates the whole text and keeps every
 * scalar under its dotted path ("populations.P.spikes"). */
#define MAX_LEAVES 128

struct leaf {
	char path[256];
	int is_str; /* 1 string, 0 number, 2 literal */
	char str[256];
	double num;
};

struct jp {
	const char *s;
	int bad;
	struct leaf leaves[MAX_LEAVES];
	int n;
};

static void ws(struct jp *j)
{
	while (*j->s == ' ' || *j->s == '\n' || *j->s == '\t' || *j->s == '\r')
		j->s++;
}

static void jstring(struct jp *j, char *out, size_t cap)
{
	size_t n = 0;

	if (*j->s != '"') {
		j->bad = 1;
		return;
	}
	j->s++;
	while (*j->s && *j->s != '"') {
		char c = *j->s++;
		if ((unsigned char)c < 0x20) {
			j->bad = 1;
			return;
		}
		if (c == '\\') {
			char e = *j->s++;
			switch (e) {
			case '"': case '\\': case '/': c = e; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned x;
				if (sscanf(j->s, "%4x", &x) != 1 || x > 0x7f) {
					j->bad = 1;
					return;
				}
				j->s += 4;
				c = (char)x;
				break;
			}
			default:
				j->bad = 1;
				return;
			}
		}
		if (n + 1 < cap)
			out[n++] = c;
	}
	if (*j->s != '"') {
		j->bad = 1;
		return;
	}
	j->s++;
	out[n] = 0;
}

static struct leaf *new_leaf(struct jp *j, const char *path)
{
	struct leaf *l;

	if (j->n == MAX_LEAVES) {
		j->bad = 1;
		return NULL;
	}
	l = &j->leaves[j->n++];
	snprintf(l->path, sizeof(l->path), "%s", path);
	return l;
}

static void jvalue(struct jp *j, const char *path);

static void jobject(struct jp *j, const char *path)
{
	j->s++; /* { */
	ws(j);
	if (*j->s == '}') {
		j->s++;
		return;
	}
	for (;;) {
		char key[128], sub[256];
		ws(j);
		jstring(j, key, sizeof(key));
		if (j->bad)
			return;
		ws(j);
		if (*j->s++ != ':') {
			j->bad = 1;
			return;
		}
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
		jvalue(j, sub);
		if (j->bad)
			return;
		ws(j);
		if (*j->s == ',') {
			j->s++;
			continue;
		}
		if (*j->s == '}') {
			j->s++;
			return;
		}
		j->bad = 1;
		return;
	}
}

static void jvalue(struct jp *j, const char *path)
{
	struct leaf *l;

	ws(j);
	if (*j->s == '{') {
		jobject(j, path);
	} else if (*j->s == '"') {
		l = new_leaf(j, path);
		if (l) {
			l->is_str = 1;
			jstring(j, l->str, sizeof(l->str));
		}
	} else if (!strncmp(j->s, "null", 4) || !strncmp(j->s, "true", 4) ||
		   !strncmp(j->s, "false", 5)) {
		l = new_leaf(j, path);
		if (l) {
			l->is_str = 2;
			snprintf(l->str, sizeof(l->str), "%.*s", *j->s == 'f' ? 5 : 4, j->s);
		}
		j->s += *j->s == 'f' ? 5 : 4;
	} else {
		/* JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
		const char *p = j->s;
		char *end;
		if (*p == '-')
			p++;
		if (*p == '0')
			p++;
		else if (*p >= '1' && *p <= '9')
			while (*p >= '0' && *p <= '9')
				p++;
		else {
			j->bad = 1;
			return;
		}
		if (*p == '.') {
			p++;
			if (!(*p >= '0' && *p <= '9')) {
				j->bad = 1;
				return;
			}
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == 'e' || *p == 'E') {
			p++;
			if (*p == '+' || *p == '-')
				p++;
			if (!(*p >= '0' && *p <= '9')) {
				j->bad = 1;
				return;
			}
			while (*p >= '0' && *p <= '9')
				p++;
		}
		l = new_leaf(j, path);
		if (l) {
			l->num = strtod(j->s, &end);
			if (end != p)
				j->bad = 1;
		}
		j->s = p;
	}
}

static const struct leaf *leaf(const struct jp *j, const char *path)
{
	for (int i = 0; i < j->n; i++)
		if (!strcmp(j->leaves[i].path, path))
			return &j->leaves[i];
	fail_msg("summary.json has no %s", path);
	return NULL;
}

static double num(const struct jp *j, const char *path)
{
	const struct leaf *l = leaf(j, path);

	if (l->is_str)
		fail_msg("summary.json: %s is not a number", path);
	return l->num;
}

static void test_summary(void **state)
{
	const char *model_file = "models/odd \"name\"\\dir\tx.yaml";
	char *dir = make_tmpdir(), *path = path_in(dir, "summary.json"), *text;
	soma_network *net = mixed(8);
	soma_projection_spec s = { 0 };
	struct jp *j = calloc(1, sizeof(*j));
	const double T = 100;
	int proj;

	(void)state;
	assert_non_null(j);
	s.name = "PL";
	s.pre = 0;
	s.post = 2;
	s.synapse = "exponential";
	s.connector.kind = SOMA_CONNECT_FIXED_PROBABILITY;
	s.connector.p = 0.5;
	s.weight = soma_dist_constant(1);
	assert_int_equal(soma_network_add_projection(net, &s, &proj), SOMA_OK);
	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, T)), SOMA_OK);
	assert_int_equal(soma_network_write_summary(net, path, model_file, 1.25), SOMA_OK);
	expect_listing(dir, "summary.json");

	text = slurp(path, NULL);
	j->s = text;
	jvalue(j, "");
	ws(j);
	if (j->bad || *j->s)
		fail_msg("summary.json is not valid JSON near \"%.40s\"", j->s);

	assert_true(leaf(j, "version")->is_str == 1);
	assert_string_equal(leaf(j, "version")->str, soma_version());
	assert_string_equal(leaf(j, "model_file")->str, model_file);
	assert_true(num(j, "seed") == 8);
	assert_true(close_to(num(j, "dt_ms"), 0.1, 1e-15));
	assert_true(close_to(num(j, "duration_ms"), T, 1e-12));
	assert_true(num(j, "steps") == 1000);
	assert_true(close_to(num(j, "wall_s"), 1.25, 1e-12));
	for (int pop = 0; pop < 3; pop++) {
		char key[64];
		const char *name = soma_population_name(net, pop);
		uint32_t n = soma_population_size(net, pop);
		uint64_t k = soma_population_spike_count(net, pop);
		snprintf(key, sizeof(key), "populations.%s.size", name);
		assert_true(num(j, key) == n);
		snprintf(key, sizeof(key), "populations.%s.spikes", name);
		assert_true(num(j, key) == (double)k);
		assert_true(k > 0);
		snprintf(key, sizeof(key), "populations.%s.mean_rate_hz", name);
		if (!close_to(num(j, key), k / (n * T * 1e-3), 1e-7))
			fail_msg("%s = %g, expected %g", key, num(j, key),
				 k / (n * T * 1e-3));
	}
	/* the Poisson rate is what was asked (400 Hz, 30 x 1000 steps, q 0.04) */
	assert_true(fabs(num(j, "populations.P.mean_rate_hz") - 400) < 4 * 400 * sqrt(0.96 / 30000 / 0.04));
	assert_true(num(j, "projections.PL.synapses") ==
		    (double)soma_projection_synapse_count(net, proj));

	/* a second opinion from Python's json module, where there is one */
	if (system("command -v python3 >/dev/null 2>&1") == 0) {
		char *cmd;
		assert_true(asprintf(&cmd, "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
					   "sys.exit(0 if d[\"populations\"][\"P\"][\"spikes\"] == %llu else 1)' '%s'",
				     (unsigned long long)soma_population_spike_count(net, 0),
				     path) > 0);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	free(text);
	free(j);
	free(path);
	destroy_net(net);
	rm_rf(dir);
}

/* ---- reproducibility ---------------------------------------------------- */

/* spikes.csv and rates.csv of a run of the mixed network in @dir. */
static void run_into(const char *dir, uint64_t seed, int chunks)
{
	soma_network *net = mixed(seed);

	assert_int_equal(soma_network_record_spikes(net, 0, 5, NULL), SOMA_OK);
	assert_int_equal(soma_network_record_spikes(net, 1, 1, NULL), SOMA_OK);
	assert_int_equal(soma_network_open_outputs(net, dir), SOMA_OK);
	if (chunks)
		for (int k = 0; k < 10; k++)
			assert_int_equal(soma_network_run(net, 37), SOMA_OK);
	else
		assert_int_equal(soma_network_run(net, 370), SOMA_OK);
	assert_int_equal(soma_network_close_outputs(net), SOMA_OK);
	destroy_net(net);
}

static int same_file(const char *d1, const char *d2, const char *name)
{
	char *p1 = path_in(d1, name), *p2 = path_in(d2, name);
	size_t n1, n2;
	char *a = slurp(p1, &n1), *b = slurp(p2, &n2);
	int same = n1 == n2 && memcmp(a, b, n1) == 0;

	free(a);
	free(b);
	free(p1);
	free(p2);
	return same;
}

/* Same seed: byte-identical files, also when the run is split into chunks;
 * another seed: different spikes. */
static void test_reproducible(void **state)
{
	char *d1 = make_tmpdir(), *d2 = make_tmpdir(), *d3 = make_tmpdir(),
	     *d4 = make_tmpdir();

	(void)state;
	run_into(d1, 99, 0);
	run_into(d2, 99, 0);
	run_into(d3, 99, 1);
	run_into(d4, 100, 0);
	assert_true(same_file(d1, d2, "spikes.csv"));
	assert_true(same_file(d1, d2, "rates.csv"));
	assert_true(same_file(d1, d3, "spikes.csv"));
	assert_true(same_file(d1, d3, "rates.csv"));
	assert_false(same_file(d1, d4, "spikes.csv"));
	rm_rf(d1);
	rm_rf(d2);
	rm_rf(d3);
	rm_rf(d4);
}

/* Opening outputs where a file cannot be made fails with SOMA_EIO and a
 * message naming the path. */
static void test_open_fails(void **state)
{
	char *dir = make_tmpdir(), *file = path_in(dir, "plain");
	soma_network *net = mixed(1);
	FILE *f = fopen(file, "w");

	(void)state;
	assert_non_null(f);
	fclose(f);
	assert_int_equal(soma_network_record_spikes(net, 0, 5, NULL), SOMA_OK);
	/* a directory below a regular file cannot exist */
	{
		char *bad = path_in(file, "out");
		assert_int_equal(soma_network_open_outputs(net, bad), SOMA_EIO);
		if (!strstr(soma_network_errmsg(net), "plain"))
			fail_msg("message \"%s\" does not name the path",
				 soma_network_errmsg(net));
		free(bad);
	}
	/* and the network can still open them elsewhere */
	assert_int_equal(soma_network_open_outputs(net, dir), SOMA_OK);
	assert_int_equal(soma_network_close_outputs(net), SOMA_OK);
	free(file);
	destroy_net(net);
	rm_rf(dir);
}

/* One run at a time per directory: a second network cannot open outputs in
 * a directory whose outputs are open (they would share the .part files),
 * and can once the first is destroyed. */
static void test_lock(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *lock;
	soma_network *a = new_net(0.1, 1), *b = new_net(0.1, 2);
	struct stat st;

	assert_int_equal(soma_network_add_population(a, "P", "poisson", 5, NULL), SOMA_OK);
	assert_int_equal(soma_network_add_population(b, "P", "poisson", 5, NULL), SOMA_OK);
	assert_int_equal(soma_network_record_spikes(a, 0, 5, NULL), SOMA_OK);
	assert_int_equal(soma_network_record_spikes(b, 0, 5, NULL), SOMA_OK);
	assert_int_equal(soma_network_open_outputs(a, dir), SOMA_OK);
	assert_int_equal(soma_network_open_outputs(b, dir), SOMA_EIO);
	assert_non_null(strstr(soma_network_errmsg(b), "in use by another run"));
	assert_int_equal(soma_network_run(a, 10), SOMA_OK);
	assert_int_equal(soma_network_close_outputs(a), SOMA_OK);
	/* still held after close (the program writes summary and figures) */
	assert_int_equal(soma_network_open_outputs(b, dir), SOMA_EIO);
	destroy_net(a);
	assert_int_equal(soma_network_open_outputs(b, dir), SOMA_OK);
	lock = path_in(dir, ".soma.lock");
	assert_int_equal(stat(lock, &st), 0);
	free(lock);
	destroy_net(b);
	rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_files, cleanup),
		cmocka_unit_test_teardown(test_rate_hand_pattern, cleanup),
		cmocka_unit_test_teardown(test_lock, cleanup),
		cmocka_unit_test_teardown(test_destroy_without_close, cleanup),
		cmocka_unit_test_teardown(test_run_after_close, cleanup),
		cmocka_unit_test_teardown(test_close_twice, cleanup),
		cmocka_unit_test_teardown(test_summary, cleanup),
		cmocka_unit_test_teardown(test_reproducible, cleanup),
		cmocka_unit_test_teardown(test_open_fails, cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
