/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soma_strerror() and soma_status_name(), generated from SOMA_STATUS_MAP. */
#include "soma/status.h"
#include "soma/version.h"

const char *soma_strerror(int status)
{
	switch (status) {
#define X(name, value, text) \
	case value:          \
		return text;
		SOMA_STATUS_MAP(X)
#undef X
	}
	return "unknown status";
}

const char *soma_status_name(int status)
{
	switch (status) {
#define X(name, value, text) \
	case value:          \
		return #name;
		SOMA_STATUS_MAP(X)
#undef X
	}
	return "UNKNOWN";
}

const char *soma_version(void)
{
	return SOMA_VERSION_STRING;
}
