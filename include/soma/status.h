/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file status.h
 * Status codes returned by every fallible soma function.
 *
 * 0 is success; failures are negative and the list only grows. The enum,
 * soma_strerror() and soma_status_name() are generated from one X-macro list,
 * so they cannot drift apart. The detailed message of a failure (which key,
 * which value, what range) is held by the handle the call was made on:
 * soma_network_errmsg(), soma_sim_errmsg().
 */
#ifndef SOMA_STATUS_H
#define SOMA_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/** X(name, value, short description) */
#define SOMA_STATUS_MAP(X)                                                   \
	X(OK, 0, "success")                                                  \
	X(ENOMEM, -1, "out of memory")                                       \
	X(EINVAL, -2, "invalid argument")                                    \
	X(ERANGE, -3, "value outside its valid range")                       \
	X(ENOENT, -4, "no such name")                                        \
	X(EEXIST, -5, "name already in use")                                 \
	X(ESTATE, -6, "call not allowed in the object's current state")      \
	X(EIO, -7, "input/output error")                                     \
	X(EPARSE, -8, "model file error")                                    \
	X(EUNIT, -9, "unit of the wrong dimension or unknown unit")          \
	X(ENUMERIC, -10, "numerical failure (NaN or infinity in the state)") \
	X(ENOTSUP, -11, "not supported")                                     \
	X(ECANCELED, -12, "interrupted by the caller")

/** Status codes. */
typedef enum soma_status {
#define SOMA__STATUS_ENUM(name, value, text) SOMA_##name = (value),
	SOMA_STATUS_MAP(SOMA__STATUS_ENUM)
#undef SOMA__STATUS_ENUM
} soma_status;

/** One-line description of a status code ("out of memory"); never NULL. */
const char *soma_strerror(int status);

/** The code's name without prefix ("ENOMEM"); "UNKNOWN" for a foreign code. */
const char *soma_status_name(int status);

#ifdef __cplusplus
}
#endif
#endif
