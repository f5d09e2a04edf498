# SPDX-License-Identifier: GPL-3.0-or-later
# --no-plots, --duration, --dt, --set, and the default output directory.
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

# expect_steps(DIR STEPS DT): summary.json of DIR has these steps and dt_ms.
function(expect_steps dir steps dt)
  read_summary(js "${dir}")
  json_get(s "${js}" steps)
  json_get(d "${js}" dt_ms)
  if(NOT s EQUAL steps OR NOT d EQUAL dt)
    fail("${dir}/summary.json: steps ${s}, dt_ms ${d}; expected ${steps}, ${dt}")
  endif()
endfunction()

# --duration and --no-plots: data and summary, no script, no figure
soma_run(ARGS run "${EI}" -o "${WORK}/d50" --duration 50ms --no-plots EXPECT 0)
expect_steps("${WORK}/d50" 500 0.1)
foreach(f summary.json spikes.csv rates.csv E.V.csv)
  expect_file("${WORK}/d50/${f}")
endforeach()
expect_no_glob("${WORK}/d50" "*.png" "*.svg" "*.gp" "*.part")

# --set simulation.duration, and --dt
soma_run(ARGS run "${EI}" -o "${WORK}/set20" --set simulation.duration=20ms --no-plots EXPECT 0)
expect_steps("${WORK}/set20" 200 0.1)
soma_run(ARGS run "${EI}" -o "${WORK}/dt" --dt 0.2ms --duration 50ms --no-plots EXPECT 0)
expect_steps("${WORK}/dt" 250 0.2)
# the last of two values wins
soma_run(ARGS run "${EI}" -o "${WORK}/last" --duration 50ms
         --set "simulation.duration=30 ms" --no-plots EXPECT 0)
expect_steps("${WORK}/last" 300 0.1)

# --set with a space in the value, and its effect: with tau 20 ms instead of
# 10 ms a neuron takes 20 ln 11 = 48 ms instead of 24 ms from reset to
# threshold, so E fires at about half the rate (100 ms: about 2.5 instead of
# 4.5 spikes per neuron); I keeps its rate.
soma_run(ARGS run "${EI}" -o "${WORK}/tau10" --duration 100ms --no-plots EXPECT 0)
soma_run(ARGS run "${EI}" -o "${WORK}/tau20" --duration 100ms --no-plots
         --set "populations.E.params.tau=20 ms" EXPECT 0)
read_summary(js10 "${WORK}/tau10")
read_summary(js20 "${WORK}/tau20")
json_get(e10 "${js10}" populations E spikes)
json_get(e20 "${js20}" populations E spikes)
math(EXPR e20_x10 "${e20} * 10")
math(EXPR e10_x8 "${e10} * 8")
if(NOT e20_x10 LESS e10_x8)
  fail("--set populations.E.params.tau=20 ms: E fired ${e20} spikes, "
       "expected fewer than 0.8 x ${e10} (tau 10 ms)")
endif()

# no -o: the file's outputs.dir (out/ei_balanced), relative to the working directory
soma_run(ARGS run "${EI}" --duration 10ms --no-plots EXPECT 0)
expect_file("${WORK}/out/ei_balanced/summary.json")
expect_match("${OUT}" "out/ei_balanced" "stdout names the output directory")
