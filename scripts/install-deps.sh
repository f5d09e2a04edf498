#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Make sure the Debian packages soma needs to build, test and plot are
# installed. Installed already: does nothing. Missing and run as root: installs
# them with apt-get. Missing otherwise: prints the one command to run and fails.
#
# Package names are Debian 12 (bookworm) names.
set -eu

PACKAGES="build-essential cmake pkg-config libfyaml-dev libgsl-dev \
librandom123-dev libcmocka-dev gnuplot-nox python3"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "install-deps: no dpkg-query (not Debian?); not checking packages." >&2
	echo "install-deps: soma needs the equivalents of: $PACKAGES" >&2
	exit 0
fi

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "install-deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	# shellcheck disable=SC2086 # word splitting of the package list is wanted
	apt-get install -y --no-install-recommends $missing
	exit 0
fi

echo "soma needs these Debian packages, which are missing:$missing" >&2
echo "Install them, then run make again:" >&2
echo >&2
echo "    sudo apt-get install$missing" >&2
echo >&2
exit 1
