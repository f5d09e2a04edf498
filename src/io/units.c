/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Values with units ("0.1 ms", "-52 mV", "2.1e-3 uS"), converted to soma's
 * internal units: ms, mV, nS, pA, pF, GOhm, Hz, and 1/ms for the rate
 * constants of kinetic models (kept apart from Hz, the unit of firing rates),
 * Hz/pA for the gain of a rate unit's input-output function and pA/Hz for the
 * coupling of a rate to a current (the Wong-Wang decision model).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soma/status.h"
#include "soma/units.h"

/* Dimensions, in the order of the table in units.h. */
enum dim { TIME, VOLTAGE, CURRENT, CONDUCTANCE, CAPACITANCE, RESISTANCE,
	   FREQUENCY, RATE, GAIN, COUPLING, N_DIMS };

static const char *const dim_name[N_DIMS] = {
	"time", "voltage", "current", "conductance", "capacitance",
	"resistance", "frequency", "rate constant", "gain", "coupling",
};

/* Internal unit of each dimension. */
static const char *const dim_unit[N_DIMS] = {
	"ms", "mV", "pA", "nS", "pF", "GOhm", "Hz", "1/ms", "Hz/pA", "pA/Hz",
};

/* What each dimension accepts, for messages (the spellings of units.h). */
static const char *const dim_list[N_DIMS] = {
	"ms, s, us",
	"mV, V, uV",
	"pA, nA, uA, mA, A",
	"nS, uS, mS, S, pS",
	"pF, nF, uF, F",
	"GOhm, MOhm, kOhm, Ohm",
	"Hz, kHz",
	"1/ms, 1/s",
	"Hz/pA, Hz/nA",
	"pA/Hz, nA/Hz",
};

struct unit {
	const char *name;
	enum dim dim;
	double factor; /* value in the internal unit of one of this unit */
};

/*
 * Every spelling. "u" also matches "µ" (U+00B5) and "μ" (U+03BC), and "Ohm"
 * also matches "Ω" (U+03A9) and the ohm sign "Ω" (U+2126): see normalise().
 */
static const struct unit units[] = {
	{ "ms", TIME, 1.0 },
	{ "s", TIME, 1e3 },
	{ "us", TIME, 1e-3 },
	{ "mV", VOLTAGE, 1.0 },
	{ "V", VOLTAGE, 1e3 },
	{ "uV", VOLTAGE, 1e-3 },
	{ "pA", CURRENT, 1.0 },
	{ "nA", CURRENT, 1e3 },
	{ "uA", CURRENT, 1e6 },
	{ "mA", CURRENT, 1e9 },
	{ "A", CURRENT, 1e12 },
	{ "nS", CONDUCTANCE, 1.0 },
	{ "uS", CONDUCTANCE, 1e3 },
	{ "mS", CONDUCTANCE, 1e6 },
	{ "S", CONDUCTANCE, 1e9 },
	{ "pS", CONDUCTANCE, 1e-3 },
	{ "pF", CAPACITANCE, 1.0 },
	{ "nF", CAPACITANCE, 1e3 },
	{ "uF", CAPACITANCE, 1e6 },
	{ "F", CAPACITANCE, 1e12 },
	{ "GOhm", RESISTANCE, 1.0 },
	{ "MOhm", RESISTANCE, 1e-3 },
	{ "kOhm", RESISTANCE, 1e-6 },
	{ "Ohm", RESISTANCE, 1e-9 },
	{ "Hz", FREQUENCY, 1.0 },
	{ "kHz", FREQUENCY, 1e3 },
	{ "1/ms", RATE, 1.0 },
	{ "1/s", RATE, 1e-3 },
	{ "Hz/pA", GAIN, 1.0 },
	{ "Hz/nA", GAIN, 1e-3 },
	{ "pA/Hz", COUPLING, 1.0 },
	{ "nA/Hz", COUPLING, 1e3 },
};

#define N_UNITS (sizeof(units) / sizeof(units[0]))

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Copy unit spelling @in into @out (@len bytes) with the micro signs
 * written "u" and the ohm signs written "Ohm". Returns 0, or -1 when it does
 * not fit (then it is no known unit anyway).
 */
static int normalise(const char *in, char *out, size_t len)
{
	size_t o = 0;

	while (*in) {
		const char *rep = NULL;
		size_t skip = 1;

		if (!strncmp(in, "\xc2\xb5", 2) || !strncmp(in, "\xce\xbc", 2)) {
			rep = "u";
			skip = 2;
		} else if (!strncmp(in, "\xce\xa9", 2)) {
			rep = "Ohm";
			skip = 2;
		} else if (!strncmp(in, "\xe2\x84\xa6", 3)) {
			rep = "Ohm";
			skip = 3;
		}
		if (rep) {
			size_t n = strlen(rep);

			if (o + n >= len)
				return -1;
			memcpy(out + o, rep, n);
			o += n;
			in += skip;
		} else {
			if (o + 1 >= len)
				return -1;
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
	return 0;
}

static const struct unit *find_unit(const char *name)
{
	char buf[32];
	size_t i;

	if (normalise(name, buf, sizeof(buf)))
		return NULL;
	for (i = 0; i < N_UNITS; i++)
		if (!strcmp(units[i].name, buf))
			return &units[i];
	return NULL;
}

/* Dimension of internal unit @unit, or -1. */
static int internal_dim(const char *unit)
{
	int d;

	for (d = 0; d < N_DIMS; d++)
		if (!strcmp(dim_unit[d], unit))
			return d;
	return -1;
}

const char *soma_unit_dimension(const char *unit)
{
	int d;

	if (!unit)
		return NULL;
	if (!*unit)
		return "dimensionless";
	d = internal_dim(unit);
	return d < 0 ? NULL : dim_name[d];
}

int soma_unit_parse(const char *text, const char *unit, double *out,
		    char *err, size_t errlen)
{
	const struct unit *u;
	const char *p, *end;
	char ubuf[64];
	size_t ulen;
	double v;
	int d = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!text || !unit || !out) {
		seterr(err, errlen, "invalid argument");
		return SOMA_EINVAL;
	}
	if (*unit) {
		d = internal_dim(unit);
		if (d < 0) {
			seterr(err, errlen, "unknown internal unit '%s'", unit);
			return SOMA_EINVAL;
		}
	}

	p = text;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p) {
		seterr(err, errlen, "empty value, expected a number");
		return SOMA_EPARSE;
	}
	/* No hexadecimal numbers: "0x10" is not what a model file means. */
	end = p + (*p == '+' || *p == '-');
	if (end[0] == '0' && (end[1] == 'x' || end[1] == 'X')) {
		seterr(err, errlen, "'%s' is not a number", text);
		return SOMA_EPARSE;
	}
	errno = 0;
	{
		char *e;

		v = strtod(p, &e);
		end = e;
	}
	if (end == p || isnan(v)) {
		seterr(err, errlen, "'%s' is not a number", text);
		return SOMA_EPARSE;
	}
	if (errno == ERANGE && isinf(v)) {
		seterr(err, errlen, "'%s' is too large", text);
		return SOMA_EPARSE;
	}

	/* the unit: the rest, without surrounding white space */
	while (isspace((unsigned char)*end))
		end++;
	ulen = strlen(end);
	while (ulen && isspace((unsigned char)end[ulen - 1]))
		ulen--;
	if (!ulen) {
		*out = v;
		return SOMA_OK;
	}
	if (ulen >= sizeof(ubuf)) {
		seterr(err, errlen, "'%s' is not a number with a unit", text);
		return SOMA_EPARSE;
	}
	memcpy(ubuf, end, ulen);
	ubuf[ulen] = '\0';
	for (size_t i = 0; i < ulen; i++) {
		if (isspace((unsigned char)ubuf[i])) {
			seterr(err, errlen, "'%s' is not a number with a unit",
			       text);
			return SOMA_EPARSE;
		}
	}

	u = find_unit(ubuf);
	if (d < 0) {
		if (u)
			seterr(err, errlen,
			       "unit '%s' is a %s, expected a dimensionless number",
			       ubuf, dim_name[u->dim]);
		else
			seterr(err, errlen,
			       "unknown unit '%s', expected a dimensionless number",
			       ubuf);
		return SOMA_EUNIT;
	}
	if (!u) {
		seterr(err, errlen, "unknown unit '%s': a %s takes %s", ubuf,
		       dim_name[d], dim_list[d]);
		return SOMA_EUNIT;
	}
	if ((int)u->dim != d) {
		seterr(err, errlen, "unit '%s' is a %s, expected a %s (%s)", ubuf,
		       dim_name[u->dim], dim_name[d], dim_unit[d]);
		return SOMA_EUNIT;
	}
	*out = v * u->factor;
	return SOMA_OK;
}
