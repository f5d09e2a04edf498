/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The unit parser (units.h): conversions, wrong dimensions, unknown units,
 * garbage and dimensionless values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "soma/status.h"
#include "soma/units.h"

struct conv {
	const char *text;
	const char *unit; /* internal unit */
	double want;      /* in the internal unit */
};

/* Every unit of units.h, with the µ/μ and Ω spellings. */
static const struct conv convs[] = {
	/* time */
	{ "1.5 ms", "ms", 1.5 },
	{ "2 s", "ms", 2000.0 },
	{ "250 us", "ms", 0.25 },
	{ "250 µs", "ms", 0.25 },   /* U+00B5 micro sign */
	{ "250 μs", "ms", 0.25 },   /* U+03BC Greek mu */
	/* voltage */
	{ "-52 mV", "mV", -52.0 },
	{ "-0.07 V", "mV", -70.0 },
	{ "500 uV", "mV", 0.5 },
	{ "500 µV", "mV", 0.5 },
	/* current */
	{ "3 pA", "pA", 3.0 },
	{ "0.5 nA", "pA", 500.0 },
	{ "2 uA", "pA", 2e6 },
	{ "2 μA", "pA", 2e6 },
	{ "1 mA", "pA", 1e9 },
	{ "1e-12 A", "pA", 1.0 },
	/* conductance */
	{ "10 nS", "nS", 10.0 },
	{ "2.1e-3 uS", "nS", 2.1 },
	{ "2.1e-3 µS", "nS", 2.1 },
	{ "0.001 mS", "nS", 1000.0 },
	{ "1e-9 S", "nS", 1.0 },
	{ "500 pS", "nS", 0.5 },
	/* capacitance */
	{ "200 pF", "pF", 200.0 },
	{ "0.2 nF", "pF", 200.0 },
	{ "1 uF", "pF", 1e6 },
	{ "1 μF", "pF", 1e6 },
	{ "1e-12 F", "pF", 1.0 },
	/* resistance */
	{ "1 GOhm", "GOhm", 1.0 },
	{ "100 MOhm", "GOhm", 0.1 },
	{ "1000 kOhm", "GOhm", 1e-3 },
	{ "1e9 Ohm", "GOhm", 1.0 },
	{ "2 GΩ", "GOhm", 2.0 },    /* U+03A9 Greek omega */
	{ "100 MΩ", "GOhm", 0.1 },
	{ "100 kΩ", "GOhm", 1e-4 },
	{ "1e9 Ω", "GOhm", 1.0 },
	{ "1e9 Ω", "GOhm", 1.0 },   /* U+2126 ohm sign */
	/* frequency */
	{ "2400 Hz", "Hz", 2400.0 },
	{ "1.5 kHz", "Hz", 1500.0 },
	/* spacing and bare numbers */
	{ "10ms", "ms", 10.0 },
	{ "  10 \t ms  ", "ms", 10.0 },
	{ "42", "ms", 42.0 },
	{ "-3.5e2", "mV", -350.0 },
	{ "+7 pA", "pA", 7.0 },
	{ ".5 s", "ms", 500.0 },
	{ "0.25", "", 0.25 },
};

static void test_conversions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(convs) / sizeof(convs[0]); i++) {
		char err[256] = "untouched";
		double x = NAN;
		int rc = soma_unit_parse(convs[i].text, convs[i].unit, &x, err,
					 sizeof(err));

		if (rc != SOMA_OK)
			fail_msg("'%s' in %s: status %d (%s)", convs[i].text,
				 convs[i].unit, rc, err);
		if (fabs(x - convs[i].want) > 1e-12 * fabs(convs[i].want))
			fail_msg("'%s' in %s: got %.17g, expected %.17g",
				 convs[i].text, convs[i].unit, x, convs[i].want);
		assert_string_equal(err, "");
	}
}

static void test_infinity(void **state)
{
	double x = 0;

	(void)state;
	assert_int_equal(soma_unit_parse("inf ms", "ms", &x, NULL, 0), SOMA_OK);
	assert_true(isinf(x) && x > 0);
	assert_int_equal(soma_unit_parse("-inf", "mV", &x, NULL, 0), SOMA_OK);
	assert_true(isinf(x) && x < 0);
}

static void expect_error(const char *text, const char *unit, int status,
			 const char *msg)
{
	char err[256] = "";
	double x = 123.0;
	int rc = soma_unit_parse(text, unit, &x, err, sizeof(err));

	if (rc != status)
		fail_msg("'%s' in '%s': status %d, expected %d (%s)", text,
			 unit, rc, status, err);
	assert_true(x == 123.0); /* untouched on failure */
	if (msg && !strstr(err, msg))
		fail_msg("'%s' in '%s': message '%s' lacks '%s'", text, unit,
			 err, msg);
	assert_true(err[0] != '\0');
}

static void test_wrong_dimension(void **state)
{
	char err[256];
	double x;

	(void)state;
	assert_int_equal(soma_unit_parse("10 ms", "mV", &x, err, sizeof(err)),
			 SOMA_EUNIT);
	assert_string_equal(err, "unit 'ms' is a time, expected a voltage (mV)");
	expect_error("10 mV", "ms", SOMA_EUNIT,
		     "unit 'mV' is a voltage, expected a time (ms)");
	expect_error("1 nS", "pA", SOMA_EUNIT,
		     "unit 'nS' is a conductance, expected a current (pA)");
	expect_error("1 pA", "nS", SOMA_EUNIT, "is a current, expected a conductance");
	expect_error("1 pF", "GOhm", SOMA_EUNIT, "is a capacitance, expected a resistance");
	expect_error("1 Ω", "pF", SOMA_EUNIT,
		     "unit 'Ω' is a resistance, expected a capacitance (pF)");
	expect_error("1 Hz", "ms", SOMA_EUNIT, "is a frequency, expected a time");
	expect_error("1 s", "Hz", SOMA_EUNIT, "is a time, expected a frequency (Hz)");
	/* case matters: mS is a conductance, not a time */
	expect_error("2 mS", "ms", SOMA_EUNIT, "is a conductance, expected a time");
}

static void test_unknown_unit(void **state)
{
	(void)state;
	expect_error("10 msec", "ms", SOMA_EUNIT,
		     "unknown unit 'msec': a time takes ms, s, us");
	expect_error("-52 mv", "mV", SOMA_EUNIT,
		     "unknown unit 'mv': a voltage takes mV, V, uV");
	expect_error("1 ohm", "GOhm", SOMA_EUNIT, "GOhm, MOhm, kOhm, Ohm");
	expect_error("1 kA", "pA", SOMA_EUNIT, "pA, nA, uA, mA, A");
	expect_error("1 fS", "nS", SOMA_EUNIT, "nS, uS, mS, S, pS");
	expect_error("1 mF", "pF", SOMA_EUNIT, "pF, nF, uF, F");
	expect_error("1 MHz", "Hz", SOMA_EUNIT, "Hz, kHz");
	expect_error("1 ms2", "ms", SOMA_EUNIT, "unknown unit 'ms2'");
}

static void test_garbage(void **state)
{
	(void)state;
	expect_error("abc", "ms", SOMA_EPARSE, "'abc' is not a number");
	expect_error("", "ms", SOMA_EPARSE, NULL);
	expect_error("   ", "mV", SOMA_EPARSE, NULL);
	expect_error("ms", "ms", SOMA_EPARSE, NULL);
	expect_error("1 2 ms", "ms", SOMA_EPARSE, NULL);
	expect_error("10 m s", "ms", SOMA_EPARSE, NULL);
	expect_error("nan", "mV", SOMA_EPARSE, NULL);
	expect_error("0x10 ms", "ms", SOMA_EPARSE, NULL);
	expect_error("1e999 ms", "ms", SOMA_EPARSE, "too large");
	expect_error("- 3 mV", "mV", SOMA_EPARSE, NULL);
}

static void test_dimensionless(void **state)
{
	double x = 0;

	(void)state;
	assert_int_equal(soma_unit_parse("0.1", "", &x, NULL, 0), SOMA_OK);
	assert_true(x == 0.1);
	expect_error("0.1 ms", "", SOMA_EUNIT,
		     "unit 'ms' is a time, expected a dimensionless number");
	expect_error("0.1 Hz", "", SOMA_EUNIT, "expected a dimensionless number");
	expect_error("0.1 foo", "", SOMA_EUNIT, "unknown unit 'foo'");
	expect_error("x", "", SOMA_EPARSE, NULL);
}

static void test_bad_arguments(void **state)
{
	char err[8];
	double x;

	(void)state;
	/* an internal unit that is none */
	expect_error("1", "furlong", SOMA_EINVAL, "furlong");
	assert_int_equal(soma_unit_parse(NULL, "ms", &x, NULL, 0), SOMA_EINVAL);
	assert_int_equal(soma_unit_parse("1", NULL, &x, NULL, 0), SOMA_EINVAL);
	assert_int_equal(soma_unit_parse("1", "ms", NULL, NULL, 0), SOMA_EINVAL);
	/* a short buffer is truncated, never overrun */
	assert_int_equal(soma_unit_parse("10 mV", "ms", &x, err, sizeof(err)),
			 SOMA_EUNIT);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

static void test_dimension_names(void **state)
{
	(void)state;
	assert_string_equal(soma_unit_dimension("ms"), "time");
	assert_string_equal(soma_unit_dimension("mV"), "voltage");
	assert_string_equal(soma_unit_dimension("pA"), "current");
	assert_string_equal(soma_unit_dimension("nS"), "conductance");
	assert_string_equal(soma_unit_dimension("pF"), "capacitance");
	assert_string_equal(soma_unit_dimension("GOhm"), "resistance");
	assert_string_equal(soma_unit_dimension("Hz"), "frequency");
	assert_string_equal(soma_unit_dimension(""), "dimensionless");
	/* only internal units have a dimension here */
	assert_null(soma_unit_dimension("s"));
	assert_null(soma_unit_dimension("furlong"));
	assert_null(soma_unit_dimension(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_infinity),
		cmocka_unit_test(test_wrong_dimension),
		cmocka_unit_test(test_unknown_unit),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_dimensionless),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_dimension_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
