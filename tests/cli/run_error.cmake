# SPDX-License-Identifier: GPL-3.0-or-later
# A run that fails: exit 1, a message, no output under a final name and no
# temporary file left. The E/I example is made to diverge: a drive of
# -1e308 pA through R = 10 GOhm gives R I = -inf, so V becomes -inf in the
# first step, which the engine reports (SOMA_ENUMERIC).
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

soma_run(ARGS run "${EI}" -o "${WORK}/out"
         --set "inputs.drive_E.current=-1e308 pA"
         --set "populations.E.params.R=10 GOhm" EXPECT 1)
expect_match("${ERR}" "run failed" "run error message")
foreach(f summary.json spikes.csv rates.csv E.V.csv)
  expect_no_file("${WORK}/out/${f}")
endforeach()
expect_no_glob("${WORK}/out" "*.part" "*.png" "*.svg" "*.gp")
