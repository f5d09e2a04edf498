# SPDX-License-Identifier: GPL-3.0-or-later
# SIGINT and SIGTERM stop a run cleanly: the run polls a flag between chunks
# of work and while gnuplot runs, removes its temporary files, prints
# "interrupted" and exits with 128 + the signal (130, 143).
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

# ---- while running: nothing is left ---------------------------------------------
# The COBA example for 20 s of simulated time runs about 10 s; stopped after
# 2 s: by Ctrl-C (SIGINT to the process group), by `kill` (SIGTERM to soma).
function(interrupt_run sig code)
  set(dir "${WORK}/${sig}")
  soma_interrupt(SIGNAL ${sig} AFTER 2 ${ARGN}
                 ARGS run "${SRC}/examples/coba.yaml" -o "${dir}"
                      --duration 20000ms --no-plots)
  if(RC EQUAL 0)
    fail("SIG${sig}: the run ended before the signal; make it longer")
  endif()
  if(NOT RC EQUAL code)
    fail("SIG${sig}: exit code ${RC}, expected ${code}\n--- stderr:\n${ERR}")
  endif()
  expect_match("${ERR}" "soma: interrupted" "SIG${sig}: message")
  if(ELAPSED GREATER 6)
    fail("SIG${sig}: the run took ${ELAPSED} s to stop")
  endif()
  expect_no_glob("${dir}" "*.part" ".*.part" "*.csv" "*.json" ".soma-outputs")
endfunction()
interrupt_run(INT 130)
interrupt_run(TERM 143 FOREGROUND)

# ---- while drawing: no figure file is left, the data stay --------------------------
# A stand-in for gnuplot writes the start of a PNG where it is told, then
# sends SIGINT to soma, its parent, and waits: soma must stop it and remove
# the file.
make_program("${WORK}/gnuplot-interrupted" [=[#!/bin/sh
png=
if [ "$1" = -e ]; then
	png=$(printf '%s\n' "$2" | sed -n "s/.*png='\([^']*\)'.*/\1/p")
	shift 2
fi
stem=${1%.gp}
printf '\211PNG\r\n\032\n' >"${png:-$stem.png}"
kill -INT $PPID
exec sleep 20
]=])
set(ENV{SOMA_GNUPLOT} "${WORK}/gnuplot-interrupted")
set(dir "${WORK}/drawing")
string(TIMESTAMP t0 "%s")
soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms EXPECT 130)
string(TIMESTAMP t1 "%s")
unset(ENV{SOMA_GNUPLOT})
expect_match("${ERR}" "soma: interrupted while drawing" "drawing: message")
math(EXPR elapsed "${t1} - ${t0}")
if(elapsed GREATER 10)
  fail("drawing: soma took ${elapsed} s to stop; it did not stop gnuplot")
endif()
expect_no_glob("${dir}" "*.png" "*.svg" "*.part" ".*.part")
set(kept summary.json spikes.csv rates.csv E.V.csv raster_E.gp raster_I.gp E.V.gp)
expect_manifest("${dir}" ${kept})

# ---- soma analyze: a long bifurcation sweep stops at once --------------------------
# The FitzHugh-Nagumo diagram with 20000 values and limit cycles takes
# minutes; SIGTERM after 2 s must stop it within a few seconds, leaving no
# data file.
set(dir "${WORK}/analyze")
soma_interrupt(SIGNAL TERM AFTER 2 FOREGROUND
               ARGS analyze bifurcation "${SRC}/examples/analysis/fitzhugh_nagumo_current.yaml"
                    -o "${dir}" --set bifurcation.points=20000 --no-plots)
if(NOT RC EQUAL 143)
  fail("soma analyze, SIGTERM: exit code ${RC}, expected 143\n--- stderr:\n${ERR}")
endif()
expect_match("${ERR}" "soma: interrupted" "soma analyze, SIGTERM: message")
if(ELAPSED GREATER 6)
  fail("soma analyze, SIGTERM: took ${ELAPSED} s to stop")
endif()
expect_no_glob("${dir}" "*.part" "*.csv" "*.json" ".soma-outputs")
