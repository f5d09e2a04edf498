# SPDX-License-Identifier: GPL-3.0-or-later
# Figures when gnuplot is missing or fails (SOMA_GNUPLOT names the program).
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

# missing: data and scripts are written, exit 0, and the way to the figures is told
set(ENV{SOMA_GNUPLOT} "${WORK}/no-such-gnuplot")
soma_run(ARGS run "${EI}" -o "${WORK}/missing" --duration 20ms EXPECT 0)
expect_match("${ERR}" "apt-get install gnuplot-nox" "missing gnuplot: how to install it")
expect_match("${ERR}" "gnuplot \\*\\.gp" "missing gnuplot: how to draw the figures")
foreach(f summary.json spikes.csv rates.csv E.V.csv raster_E.gp raster_I.gp E.V.gp)
  expect_file("${WORK}/missing/${f}")
endforeach()
expect_no_glob("${WORK}/missing" "*.png" "*.svg" "*.part")

# failing: exit 1 with a message naming the script
set(ENV{SOMA_GNUPLOT} "false")
soma_run(ARGS run "${EI}" -o "${WORK}/failing" --duration 20ms EXPECT 1)
expect_match("${ERR}" "gnuplot failed on [^\n]*\\.gp" "failing gnuplot")
expect_file("${WORK}/failing/summary.json")
