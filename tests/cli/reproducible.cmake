# SPDX-License-Identifier: GPL-3.0-or-later
# Reproducibility: the E/I example run again with the same seed writes a
# byte-identical spikes.csv; with --seed 2 a different one. EI_OUT is the
# output directory of run_ei.cmake (the fixture, seed 1).
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")
if(NOT DEFINED EI_OUT)
  fail("run with -DEI_OUT=<output directory of run_ei.cmake>")
endif()
expect_file("${EI_OUT}/spikes.csv")

soma_run(ARGS run "${EI}" -o "${WORK}/seed1" --no-plots EXPECT 0)
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files
  "${EI_OUT}/spikes.csv" "${WORK}/seed1/spikes.csv" RESULT_VARIABLE differ)
if(differ)
  fail("two runs with seed 1 wrote different spikes.csv:\n"
       "  ${EI_OUT}/spikes.csv\n  ${WORK}/seed1/spikes.csv")
endif()
foreach(f rates.csv E.V.csv)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files
    "${EI_OUT}/${f}" "${WORK}/seed1/${f}" RESULT_VARIABLE differ)
  if(differ)
    fail("two runs with seed 1 wrote different ${f}")
  endif()
endforeach()

soma_run(ARGS run "${EI}" -o "${WORK}/seed2" --no-plots --seed 2 EXPECT 0)
read_summary(js "${WORK}/seed2")
json_get(seed "${js}" seed)
if(NOT seed EQUAL 2)
  fail("--seed 2: summary.json seed is ${seed}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files
  "${EI_OUT}/spikes.csv" "${WORK}/seed2/spikes.csv" RESULT_VARIABLE differ)
if(NOT differ)
  fail("seeds 1 and 2 wrote the same spikes.csv")
endif()
