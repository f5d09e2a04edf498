/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Recordings streamed to CSV files, and summary.json (monitor.h).
 * Every file is written as NAME.part and renamed when complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/internal.h"

/* ---- recordings --------------------------------------------------------- */

void soma__monitor_free(struct soma__monitor *m)
{
	if (m->f)
		fclose(m->f);
	if (m->tmp)
		remove(m->tmp);
	free(m->neurons);
	free(m->counts);
	free(m->path);
	free(m->tmp);
	memset(m, 0, sizeof(*m));
}

static int add_monitor(soma_network *net, struct soma__monitor *m, int *out_id)
{
	if (soma__grow((void **)&net->mons, net->n_mons, sizeof(*net->mons))) {
		free(m->neurons);
		return soma__seterr(net, SOMA_ENOMEM, "out of memory");
	}
	net->mons[net->n_mons] = *m;
	if (out_id)
		*out_id = net->n_mons;
	net->n_mons++;
	return SOMA_OK;
}

int soma_network_record_spikes(soma_network *net, int pop,
			       double rate_window_ms, int *out_id)
{
	struct soma__monitor m = { 0 };

	if (!net)
		return SOMA_EINVAL;
	if (pop < 0 || pop >= net->n_pops)
		return soma__seterr(net, SOMA_ENOENT, "no population with index %d", pop);
	if (net->out && !net->out->closed)
		return soma__seterr(net, SOMA_ESTATE,
				    "recordings must be declared before the outputs are opened");
	if (net->pops[pop]->model->kind == SOMA_MODEL_NEURON &&
	    !net->pops[pop]->model->ops->spike)
		return soma__seterr(net, SOMA_EINVAL,
				    "population '%s' (%s) is a rate model: it never spikes; record its state instead",
				    net->pops[pop]->name, net->pops[pop]->model->name);
	if (!(rate_window_ms > 0) || !isfinite(rate_window_ms))
		return soma__seterr(net, SOMA_ERANGE,
				    "rate window %g ms is out of range: must be in (0, inf) ms",
				    rate_window_ms);
	/* the window's counts are kept in memory: 2^24 steps at most */
	if (rate_window_ms / net->dt > (double)(1u << 24))
		return soma__seterr(net, SOMA_ERANGE,
				    "rate window %g ms is out of range: it spans more than 2^24 steps of %g ms",
				    rate_window_ms, net->dt);
	for (int k = 0; k < net->n_mons; k++)
		if (net->mons[k].kind == SOMA_MONITOR_SPIKES && net->mons[k].pop == pop)
			return soma__seterr(net, SOMA_EEXIST,
					    "the spikes of '%s' are already recorded",
					    net->pops[pop]->name);
	m.kind = SOMA_MONITOR_SPIKES;
	m.pop = pop;
	m.proj = -1;
	m.var = -1;
	m.window_ms = rate_window_ms;
	return add_monitor(net, &m, out_id);
}

/* State recording of population @pop, or of projection @proj when >= 0. */
/* var of a monitor of a projection's weights ("w", one per synapse) */
#define MON_WEIGHTS (-2)

static int record_state(soma_network *net, int pop, int proj, const char *var,
			const uint32_t *neurons, uint32_t n, uint32_t every,
			int *out_id)
{
	struct soma__monitor m = { 0 };
	const soma_model *model;
	const char *name;
	uint32_t size;
	int k;

	if (!net)
		return SOMA_EINVAL;
	if (proj >= 0) {
		if (proj >= net->n_projs)
			return soma__seterr(net, SOMA_ENOENT, "no projection with index %d", proj);
		model = net->projs[proj]->model;
		name = net->projs[proj]->name;
		pop = net->projs[proj]->post;
		k = soma_model_state_index(model, var);
		if (k < 0 && var && !strcmp(var, "w")) {
			k = MON_WEIGHTS;
			size = net->projs[proj]->nnz > UINT32_MAX
				       ? UINT32_MAX
				       : (uint32_t)net->projs[proj]->nnz;
		} else {
			uint64_t len = k >= 0 ? soma__proj_state_len(net->projs[proj], k) : 0;
			size = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
		}
	} else {
		if (pop < 0 || pop >= net->n_pops)
			return soma__seterr(net, SOMA_ENOENT, "no population with index %d", pop);
		model = net->pops[pop]->model;
		name = net->pops[pop]->name;
		size = net->pops[pop]->n;
	}
	if (net->out && !net->out->closed)
		return soma__seterr(net, SOMA_ESTATE,
				    "recordings must be declared before the outputs are opened");
	if (proj < 0)
		k = soma_model_state_index(model, var);
	if (k < 0 && k != MON_WEIGHTS)
		return soma__seterr(net, SOMA_ENOENT,
				    "%s '%s': model '%s' has no state variable '%s'",
				    proj >= 0 ? "projection" : "population", name,
				    model->name, var ? var : "");
	if (every == 0)
		return soma__seterr(net, SOMA_EINVAL,
				    "recording %s.%s: every must be >= 1 step", name, var);
	{
		char what[600];
		int rc;

		snprintf(what, sizeof(what), "recording %s.%s", name, var);
		rc = soma__check_indices(net, what, neurons, n, size);
		if (rc)
			return rc;
	}
	for (int q = 0; q < net->n_mons; q++)
		if (net->mons[q].kind == SOMA_MONITOR_STATE &&
		    net->mons[q].proj == proj &&
		    (proj >= 0 || net->mons[q].pop == pop) && net->mons[q].var == k)
			return soma__seterr(net, SOMA_EEXIST,
					    "%s.%s is already recorded", name, var);
	m.kind = SOMA_MONITOR_STATE;
	m.pop = pop;
	m.proj = proj;
	m.var = k;
	m.every = every;
	m.n_neurons = n ? n : size;
	m.neurons = malloc(m.n_neurons * sizeof(uint32_t));
	if (!m.neurons)
		return soma__seterr(net, SOMA_ENOMEM, "out of memory");
	for (uint32_t q = 0; q < m.n_neurons; q++)
		m.neurons[q] = n ? neurons[q] : q;
	return add_monitor(net, &m, out_id);
}

int soma_network_record_state(soma_network *net, int pop, const char *var,
			      const uint32_t *neurons, uint32_t n,
			      uint32_t every, int *out_id)
{
	return record_state(net, pop, -1, var, neurons, n, every, out_id);
}

int soma_network_record_projection_state(soma_network *net, int proj,
					 const char *var,
					 const uint32_t *neurons, uint32_t n,
					 uint32_t every, int *out_id)
{
	if (proj < 0)
		return soma__seterr(net, SOMA_ENOENT, "no projection with index %d", proj);
	return record_state(net, -1, proj, var, neurons, n, every, out_id);
}

/* Columns of a per-synapse recording: "pre:post" of each synapse. */
static void put_synapse_header(const struct soma__proj *j,
			       const struct soma__monitor *m)
{
	for (uint32_t q = 0; q < m->n_neurons; q++) {
		uint64_t e = m->neurons[q];
		uint32_t lo = 0, hi = j->n_pre;

		/* the pre neuron: the row whose range holds e */
		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (j->row_ptr[mid] <= e)
				lo = mid;
			else
				hi = mid;
		}
		fprintf(m->f, ",%u:%u", lo, j->post_idx[e]);
	}
}

/* The model, name and values of what state monitor @m records. */
static const soma_model *mon_model(const soma_network *net,
				   const struct soma__monitor *m)
{
	return m->proj >= 0 ? net->projs[m->proj]->model : net->pops[m->pop]->model;
}

static const char *mon_name(const soma_network *net,
			    const struct soma__monitor *m)
{
	return m->proj >= 0 ? net->projs[m->proj]->name : net->pops[m->pop]->name;
}

static const double *mon_values(const soma_network *net,
				const struct soma__monitor *m)
{
	if (m->var == MON_WEIGHTS)
		return net->projs[m->proj]->w;
	return m->proj >= 0 ? net->projs[m->proj]->state[m->var]
			    : net->pops[m->pop]->state[m->var];
}

/* Name and unit of what state monitor @m records. */
static const char *mon_var(const soma_network *net,
			   const struct soma__monitor *m, const char **unit)
{
	const soma_model *model = mon_model(net, m);
	const char *u;

	if (m->var == MON_WEIGHTS) {
		if (unit)
			*unit = soma_projection_weight_unit(net, m->proj);
		return "w";
	}
	u = model->state[m->var].unit;
	if (m->proj >= 0 && !strcmp(u, SOMA_UNIT_WEIGHT))
		u = soma_projection_weight_unit(net, m->proj);
	if (unit)
		*unit = u;
	return model->state[m->var].name;
}

int soma_network_monitor_count(const soma_network *net)
{
	return net ? net->n_mons : 0;
}

int soma_network_monitor_info(const soma_network *net, int id,
			      soma_monitor_info *out)
{
	const struct soma__monitor *m;

	if (!net || id < 0 || id >= net->n_mons || !out)
		return SOMA_ENOENT;
	m = &net->mons[id];
	memset(out, 0, sizeof(*out));
	out->kind = m->kind;
	out->population = m->pop;
	out->projection = m->proj;
	if (m->kind == SOMA_MONITOR_STATE) {
		out->variable = mon_var(net, m, &out->unit);
		out->n_neurons = m->n_neurons;
		out->every = m->every;
	} else {
		out->rate_window_ms = m->window_ms;
	}
	out->path = m->kind == SOMA_MONITOR_SPIKES ?
			    (net->out ? net->out->spikes_path : NULL) :
			    m->path;
	return SOMA_OK;
}

/* ---- files -------------------------------------------------------------- */

static char *join(const char *dir, const char *name, const char *suffix)
{
	size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s/%s%s", dir, name, suffix);
	return s;
}

static int mkdirs(const char *dir)
{
	char *p = soma__strdup(dir), *q;
	int rc = 0;

	if (!p)
		return ENOMEM;
	for (q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			rc = errno;
		*q = '/';
		if (rc)
			break;
	}
	if (!rc && mkdir(p, 0777) && errno != EEXIST)
		rc = errno;
	free(p);
	return rc;
}

/* Open @final's temporary file; both paths are stored through @path and @tmp. */
static FILE *open_part(soma_network *net, const char *dir, const char *name,
		       char **path, char **tmp, int *rc)
{
	FILE *f;

	struct stat st;

	*path = join(dir, name, "");
	*tmp = join(dir, name, ".part");
	if (!*path || !*tmp) {
		*rc = soma__seterr(net, SOMA_ENOMEM, "out of memory");
		return NULL;
	}
	/* fail now rather than at the rename, after the whole run */
	if (stat(*path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*rc = soma__seterr(net, SOMA_EIO,
				   "cannot write '%s': it is a directory", *path);
		return NULL;
	}
	f = fopen(*tmp, "w");
	if (!f)
		*rc = soma__seterr(net, SOMA_EIO, "cannot write '%s': %s", *tmp,
				   strerror(errno));
	return f;
}

static int spike_monitors(const soma_network *net)
{
	int n = 0;

	for (int k = 0; k < net->n_mons; k++)
		n += net->mons[k].kind == SOMA_MONITOR_SPIKES;
	return n;
}

/* Half width h of a rate window: 2h+1 steps, as bp.measure.firing_rate. */
static uint32_t half_window(const soma_network *net, double width)
{
	return (uint32_t)floor(width / 2 / net->dt + 1e-9);
}

static uint32_t max_half_window(const soma_network *net)
{
	uint32_t h = 0;

	for (int k = 0; k < net->n_mons; k++)
		if (net->mons[k].kind == SOMA_MONITOR_SPIKES) {
			uint32_t x = half_window(net, net->mons[k].window_ms);
			h = x > h ? x : h;
		}
	return h;
}

static void write_state_row(soma_network *net, struct soma__monitor *m)
{
	const double *x = mon_values(net, m);

	fprintf(m->f, "%.12g", (double)net->step * net->dt);
	for (uint32_t q = 0; q < m->n_neurons; q++)
		fprintf(m->f, ",%.10g", x[m->neurons[q]]);
	fputc('\n', m->f);
}

int soma__outdir_open(const char *dir, int *lock_fd, char *err, size_t len)
{
	char *lock;
	int e;

	*lock_fd = -1;
	e = mkdirs(dir);
	if (e) {
		snprintf(err, len, "cannot create directory '%s': %s", dir,
			 strerror(e));
		return SOMA_EIO;
	}
	lock = join(dir, ".soma.lock", "");
	if (!lock) {
		snprintf(err, len, "out of memory");
		return SOMA_ENOMEM;
	}
	*lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (*lock_fd < 0 || flock(*lock_fd, LOCK_EX | LOCK_NB)) {
		int busy = *lock_fd >= 0 && errno == EWOULDBLOCK;

		snprintf(err, len,
			 busy ? "output directory '%s' is in use by another run (%s is locked)" :
				"cannot lock output directory '%s' (%s): %s",
			 dir, lock, strerror(errno));
		if (*lock_fd >= 0)
			close(*lock_fd);
		*lock_fd = -1;
		free(lock);
		return SOMA_EIO;
	}
	free(lock);
	return SOMA_OK;
}

int soma_network_open_outputs(soma_network *net, const char *dir)
{
	struct soma__outputs *o;
	uint32_t ring;
	int rc = SOMA_OK;

	if (!net || !dir)
		return SOMA_EINVAL;
	if (net->out && !net->out->closed)
		return soma__seterr(net, SOMA_ESTATE, "outputs are already open");
	soma__outputs_free(net); /* a closed earlier set */
	o = calloc(1, sizeof(*o));
	if (!o)
		return soma__seterr(net, SOMA_ENOMEM, "out of memory");
	net->out = o;
	/* one run at a time per directory: two would share the .part files */
	rc = soma__outdir_open(dir, &o->lock_fd, net->err, sizeof(net->err));
	if (rc)
		goto fail;
	o->start = net->step;
	o->rate_next = net->step;
	o->dir = soma__strdup(dir);
	if (!o->dir) {
		rc = soma__seterr(net, SOMA_ENOMEM, "out of memory");
		goto fail;
	}
	ring = 2 * max_half_window(net) + 1;
	if (spike_monitors(net)) {
		o->spikes = open_part(net, dir, "spikes.csv", &o->spikes_path,
				      &o->spikes_tmp, &rc);
		if (!o->spikes)
			goto fail;
		fputs("t_ms,population,index\n", o->spikes);
		o->rates = open_part(net, dir, "rates.csv", &o->rates_path,
				     &o->rates_tmp, &rc);
		if (!o->rates)
			goto fail;
		fputs("t_ms", o->rates);
		for (int k = 0; k < net->n_mons; k++)
			if (net->mons[k].kind == SOMA_MONITOR_SPIKES)
				fprintf(o->rates, ",%s", net->pops[net->mons[k].pop]->name);
		fputc('\n', o->rates);
	}
	for (int k = 0; k < net->n_mons; k++) {
		struct soma__monitor *m = &net->mons[k];
		if (m->kind == SOMA_MONITOR_SPIKES) {
			m->win = ring;
			m->counts = calloc(ring, sizeof(uint32_t));
			if (!m->counts) {
				rc = soma__seterr(net, SOMA_ENOMEM, "out of memory");
				goto fail;
			}
			continue;
		}
		{
			char name[512];
			snprintf(name, sizeof(name), "%s.%s.csv", mon_name(net, m),
				 mon_var(net, m, NULL));
			m->f = open_part(net, dir, name, &m->path, &m->tmp, &rc);
			if (!m->f)
				goto fail;
			fputs("t_ms", m->f);
			if (m->proj >= 0 &&
			    (m->var == MON_WEIGHTS ||
			     (net->projs[m->proj]->model->ops->state_size &&
			      net->projs[m->proj]->model->ops->state_size[m->var] ==
				      SOMA__PER_SYN)))
				put_synapse_header(net->projs[m->proj], m);
			else
				for (uint32_t q = 0; q < m->n_neurons; q++)
					fprintf(m->f, ",%u", m->neurons[q]);
			fputc('\n', m->f);
			write_state_row(net, m);
		}
	}
	return SOMA_OK;
fail:
	soma__outputs_free(net);
	return rc;
}

const char *soma_network_rates_path(const soma_network *net)
{
	return net && net->out ? net->out->rates_path : NULL;
}

/* Emit the rate row of step m when the counts up to @last are known: the
 * spikes in the centred window of 2h+1 steps, cut to the steps of the run,
 * over N times the duration of that part of the window. */
static void write_rate_row(soma_network *net, uint64_t m, uint64_t last)
{
	struct soma__outputs *o = net->out;

	fprintf(o->rates, "%.12g", (double)m * net->dt);
	for (int k = 0; k < net->n_mons; k++) {
		struct soma__monitor *mon = &net->mons[k];
		uint64_t h, lo, hi, sum = 0;
		double rate = 0;

		if (mon->kind != SOMA_MONITOR_SPIKES)
			continue;
		h = half_window(net, mon->window_ms);
		/* count q holds the spikes of (t_{q-1}, t_q]: steps start+1.. */
		lo = m >= o->start + 1 + h ? m - h : o->start + 1;
		hi = m + h <= last ? m + h : last;
		for (uint64_t q = lo; q <= hi; q++)
			sum += mon->counts[q % mon->win];
		if (hi >= lo)
			rate = (double)sum / net->pops[mon->pop]->n /
			       ((double)(hi - lo + 1) * net->dt) * 1000.0;
		fprintf(o->rates, ",%.8g", rate);
	}
	fputc('\n', o->rates);
}

int soma__outputs_step(soma_network *net)
{
	struct soma__outputs *o = net->out;
	const double t = (double)net->step * net->dt;
	uint64_t h;

	if (!o || o->closed)
		return SOMA_OK;
	if (o->spikes) {
		/* spikes.csv: by time, then population, then index */
		for (int i = 0; i < net->n_pops; i++) {
			const struct soma__pop *p = net->pops[i];
			for (int k = 0; k < net->n_mons; k++) {
				struct soma__monitor *m = &net->mons[k];
				if (m->kind != SOMA_MONITOR_SPIKES || m->pop != i)
					continue;
				m->counts[net->step % m->win] = p->n_spk;
				for (uint32_t s = 0; s < p->n_spk; s++)
					fprintf(o->spikes, "%.12g,%d,%u\n", t, i, p->spk[s]);
			}
		}
		h = max_half_window(net);
		while (o->rate_next + h <= net->step) {
			write_rate_row(net, o->rate_next, net->step);
			o->rate_next++;
		}
		if (ferror(o->spikes) || ferror(o->rates))
			return soma__seterr(net, SOMA_EIO, "writing '%s' failed: %s",
					    ferror(o->spikes) ? o->spikes_tmp : o->rates_tmp,
					    strerror(errno));
	}
	for (int k = 0; k < net->n_mons; k++) {
		struct soma__monitor *m = &net->mons[k];
		if (m->kind != SOMA_MONITOR_STATE ||
		    (net->step - o->start) % m->every != 0)
			continue;
		write_state_row(net, m);
		if (ferror(m->f))
			return soma__seterr(net, SOMA_EIO, "writing '%s' failed: %s",
					    m->tmp, strerror(errno));
	}
	return SOMA_OK;
}

/* Close @f and rename @tmp to @path; 0 or an errno. */
static int finish(FILE **f, char **tmp, const char *path)
{
	int bad = ferror(*f), e = 0;

	if (fclose(*f) != 0)
		e = errno;
	*f = NULL;
	if (bad || e)
		return e ? e : EIO;
	if (rename(*tmp, path))
		return errno;
	free(*tmp);
	*tmp = NULL;
	return 0;
}

int soma_network_close_outputs(soma_network *net)
{
	struct soma__outputs *o;
	int e;

	if (!net)
		return SOMA_EINVAL;
	o = net->out;
	if (!o || o->closed)
		return soma__seterr(net, SOMA_ESTATE, "outputs are not open");
	if (o->spikes) {
		while (o->rate_next <= net->step) {
			write_rate_row(net, o->rate_next, net->step);
			o->rate_next++;
		}
		if ((e = finish(&o->spikes, &o->spikes_tmp, o->spikes_path)) ||
		    (e = finish(&o->rates, &o->rates_tmp, o->rates_path)))
			goto fail;
	}
	for (int k = 0; k < net->n_mons; k++) {
		struct soma__monitor *m = &net->mons[k];
		if (m->f && (e = finish(&m->f, &m->tmp, m->path)))
			goto fail;
	}
	/* keep the final paths for soma_network_monitor_info() */
	o->closed = 1;
	return SOMA_OK;
fail:
	soma__seterr(net, SOMA_EIO, "writing the outputs in '%s' failed: %s",
		     o->dir, strerror(e));
	soma__outputs_free(net);
	return SOMA_EIO;
}

void soma__outputs_free(soma_network *net)
{
	struct soma__outputs *o = net->out;

	if (!o)
		return;
	for (int k = 0; k < net->n_mons; k++) {
		struct soma__monitor *m = &net->mons[k];
		if (m->f)
			fclose(m->f);
		m->f = NULL;
		if (m->tmp)
			remove(m->tmp);
		free(m->tmp);
		free(m->path);
		free(m->counts);
		m->tmp = m->path = NULL;
		m->counts = NULL;
	}
	if (o->spikes)
		fclose(o->spikes);
	if (o->rates)
		fclose(o->rates);
	if (o->spikes_tmp)
		remove(o->spikes_tmp);
	if (o->rates_tmp)
		remove(o->rates_tmp);
	if (o->lock_fd >= 0)
		close(o->lock_fd); /* releases the lock */
	free(o->spikes_tmp);
	free(o->spikes_path);
	free(o->rates_tmp);
	free(o->rates_path);
	free(o->dir);
	free(o);
	net->out = NULL;
}

/* ---- summary.json ------------------------------------------------------- */

/* The shortest of %.15g, %.17g that reads back as @x (0.1, not
 * 0.10000000000000001). */
static void json_num(FILE *f, double x)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.15g", x);
	if (strtod(buf, NULL) != x)
		snprintf(buf, sizeof(buf), "%.17g", x);
	fputs(buf, f);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int soma_network_write_summary(const soma_network *net, const char *path,
			       const char *model_file, double wall_s)
{
	double dur = (double)net->step * net->dt;
	size_t n = strlen(path) + 6;
	char *tmp = malloc(n);
	FILE *f;
	int bad;

	if (!tmp)
		return SOMA_ENOMEM;
	snprintf(tmp, n, "%s.part", path);
	f = fopen(tmp, "w");
	if (!f) {
		soma__seterr((soma_network *)net, SOMA_EIO, "cannot write '%s': %s",
			     tmp, strerror(errno));
		free(tmp);
		return SOMA_EIO;
	}
	fprintf(f, "{\n  \"version\": ");
	json_str(f, soma_version());
	fprintf(f, ",\n  \"model_file\": ");
	if (model_file)
		json_str(f, model_file);
	else
		fputs("null", f);
	fprintf(f, ",\n  \"seed\": %llu,\n  \"dt_ms\": ", (unsigned long long)net->seed);
	json_num(f, net->dt);
	fprintf(f, ",\n  \"duration_ms\": ");
	json_num(f, dur);
	fprintf(f, ",\n  \"steps\": %llu,\n  \"wall_s\": %.6f,\n  \"populations\": {",
		(unsigned long long)net->step, wall_s);
	for (int i = 0; i < net->n_pops; i++) {
		const struct soma__pop *p = net->pops[i];
		double rate = dur > 0 ? p->spike_count / (p->n * dur * 1e-3) : 0;
		fprintf(f, "%s\n    ", i ? "," : "");
		json_str(f, p->name);
		fprintf(f, ": {\"model\": ");
		json_str(f, p->model->name);
		fprintf(f, ", \"size\": %u, \"spikes\": %llu, \"mean_rate_hz\": %.8g}",
			p->n, (unsigned long long)p->spike_count, rate);
	}
	fprintf(f, "%s},\n  \"projections\": {", net->n_pops ? "\n  " : "");
	for (int k = 0; k < net->n_projs; k++) {
		const struct soma__proj *j = net->projs[k];
		fprintf(f, "%s\n    ", k ? "," : "");
		json_str(f, j->name);
		fprintf(f, ": {\"pre\": ");
		json_str(f, net->pops[j->pre]->name);
		fprintf(f, ", \"post\": ");
		json_str(f, net->pops[j->post]->name);
		fprintf(f, ", \"synapse\": ");
		json_str(f, j->model->name);
		fprintf(f, ", \"synapses\": %llu, \"delay_steps\": %u}",
			(unsigned long long)j->nnz, j->D);
	}
	fprintf(f, "%s}\n}\n", net->n_projs ? "\n  " : "");
	bad = ferror(f);
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path)) {
		remove(tmp);
		free(tmp);
		soma__seterr((soma_network *)net, SOMA_EIO, "cannot write '%s'", path);
		return SOMA_EIO;
	}
	free(tmp);
	return SOMA_OK;
}
