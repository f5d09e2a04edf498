#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README holds two generated sections, each between marker lines
# `<!-- NAME:begin -->` and `<!-- NAME:end -->`:
#   models         the table of built-in models, `soma models --markdown`
#   usage          the program's help, `soma --help` and `soma help run`
#   hello_network  examples/c/hello_network.c in a ```c fence
# and one written by hand and checked by running it:
#   model_file     a ```yaml fenced model file: `soma run` must accept it
#
# usage: readme.sh check|update models|usage|hello_network|model_file|all [SOMA_PROGRAM] [README]
#   check   exit 1 (showing a diff) when a section differs from its source
#   update  rewrite the sections in place
# SOMA_PROGRAM (the built `soma`) is needed for models and usage; `-` for none.
set -eu

usage() {
	echo "usage: $0 check|update models|usage|hello_network|model_file|all [SOMA_PROGRAM] [README]" >&2
	exit 2
}

[ $# -ge 2 ] || usage
mode=$1
what=$2
soma=${3:-}
[ "$soma" = - ] && soma=""
top=$(cd "$(dirname "$0")/.." && pwd)
readme=${4:-$top/README.md}

case "$mode" in check | update) ;; *) usage ;; esac
case "$what" in
models | usage | hello_network | model_file) sections=$what ;;
all) sections="models usage hello_network model_file" ;;
*) usage ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

need_soma() {
	if [ -z "$soma" ] || [ ! -x "$soma" ]; then
		echo "readme.sh: section '$1' needs the built soma program (got '$soma')" >&2
		exit 2
	fi
}

# Write the expected content of section $1 to file $2.
generate() {
	case "$1" in
	models)
		need_soma "$1"
		"$soma" models --markdown >"$2"
		;;
	usage)
		need_soma "$1"
		{
			echo '```text'
			echo '$ soma --help'
			"$soma" --help
			echo
			echo '$ soma help run'
			"$soma" help run
			echo '```'
		} >"$2"
		;;
	hello_network)
		{
			echo '```c'
			cat "$top/examples/c/hello_network.c"
			echo '```'
		} >"$2"
		;;
	esac
}

# Print the lines strictly between the markers of section $1 of file $2;
# fail when the markers are missing or not in order.
extract() {
	awk -v b="<!-- $1:begin -->" -v e="<!-- $1:end -->" '
		$0 == b { nb++; inside = 1; next }
		$0 == e { ne++; inside = 0; next }
		inside { print }
		END { if (nb != 1 || ne != 1 || inside) exit 1 }
	' "$2"
}

# Replace the lines between the markers of section $1 of file $2 with file $3.
replace() {
	awk -v b="<!-- $1:begin -->" -v e="<!-- $1:end -->" -v f="$3" '
		$0 == b {
			print
			while ((getline line < f) > 0)
				print line
			inside = 1
			next
		}
		$0 == e { inside = 0 }
		!inside { print }
	' "$2"
}

# Run the model file of section model_file (a short run, no plots).
run_model_file() {
	need_soma model_file
	if ! extract model_file "$readme" | sed '1{/^```yaml$/d};${/^```$/d}' >"$tmp/model.yaml"; then
		echo "readme.sh: $readme: markers of section 'model_file' missing or misplaced" >&2
		exit 1
	fi
	if ! "$soma" run "$tmp/model.yaml" --duration 20ms --no-plots -o "$tmp/out" >"$tmp/run.log" 2>&1; then
		echo "readme.sh: the model file of $readme does not run:" >&2
		cat "$tmp/run.log" >&2
		return 1
	fi
}

status=0
for s in $sections; do
	if [ "$s" = model_file ]; then
		if [ "$mode" = check ]; then
			run_model_file || status=1
		fi
		continue
	fi
	generate "$s" "$tmp/$s.want"
	if ! extract "$s" "$readme" >"$tmp/$s.have"; then
		echo "readme.sh: $readme: markers '<!-- $s:begin -->' and '<!-- $s:end -->' missing or misplaced" >&2
		exit 1
	fi
	if cmp -s "$tmp/$s.want" "$tmp/$s.have"; then
		[ "$mode" = update ] && echo "readme.sh: section '$s' is up to date"
		continue
	fi
	if [ "$mode" = check ]; then
		echo "readme.sh: section '$s' of $readme differs from its source (- README, + source);" >&2
		echo "readme.sh: run 'make docs' to regenerate it." >&2
		diff -u "$tmp/$s.have" "$tmp/$s.want" >&2 || true
		status=1
	else
		replace "$s" "$readme" "$tmp/$s.want" >"$tmp/readme.new"
		cat "$tmp/readme.new" >"$readme"
		echo "readme.sh: section '$s' regenerated"
	fi
done
exit $status
