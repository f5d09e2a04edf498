/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file units.h
 * Values with units, as written in model files ("0.1 ms", "-52 mV",
 * "2.1e-3 uS", "2400 Hz"), converted to soma's internal units:
 * ms, mV, nS, pA, pF, GOhm, Hz (nS*mV = pA, GOhm*pA = mV).
 *
 * Known units, by dimension (internal unit first):
 *   time         ms, s, us
 *   voltage      mV, V, uV
 *   current      pA, nA, uA, mA, A
 *   conductance  nS, uS, mS, S, pS
 *   capacitance  pF, nF, uF, F
 *   resistance   GOhm, MOhm, kOhm, Ohm (also written with "Ω")
 *   frequency    Hz, kHz
 *   rate const.  1/ms, 1/s (rate constants of kinetics; not Hz)
 *   gain         Hz/pA, Hz/nA (slope of a rate unit's input-output
 *                function: firing rate per input current)
 *   coupling     pA/Hz, nA/Hz (input current per firing rate)
 * "u" may be written "µ" or "μ".
 */
#ifndef SOMA_UNITS_H
#define SOMA_UNITS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Parse @p text, a number optionally followed by a unit, into @p out in the
 * internal unit @p unit ("" for dimensionless; then a unit in @p text is an
 * error). A bare number is taken in @p unit.
 * On failure writes a message into @p err (@p errlen bytes, may be NULL/0),
 * e.g. "unit 'ms' is a time, expected a voltage (mV)".
 * @return SOMA_OK, SOMA_EPARSE (not a number), SOMA_EUNIT (unknown unit or
 *         wrong dimension), SOMA_EINVAL (@p unit itself unknown)
 */
int soma_unit_parse(const char *text, const char *unit, double *out,
		    char *err, size_t errlen);

/** Name of the dimension of internal unit @p unit ("time", "voltage", ...), or NULL. */
const char *soma_unit_dimension(const char *unit);

#ifdef __cplusplus
}
#endif
#endif
