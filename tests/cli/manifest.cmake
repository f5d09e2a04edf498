# SPDX-License-Identifier: GPL-3.0-or-later
# The output directory never mixes two runs: DIR/.soma-outputs lists the files
# a run wrote, and the next run into DIR removes them (regular files with a
# plain name only) before writing its own; nothing else is ever removed.
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

set(dir "${WORK}/out")
set(data summary.json spikes.csv rates.csv E.V.csv)
set(figures raster_E.gp raster_E.png raster_E.svg raster_I.gp raster_I.png
    raster_I.svg E.V.gp E.V.png E.V.svg)

# ---- a run lists what it wrote ------------------------------------------------
soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms EXPECT 0)
expect_manifest("${dir}" ${data} ${figures})
expect_no_glob("${dir}" "*.part" ".*.part")
# a file of the user's beside the outputs
file(WRITE "${dir}/notes.txt" "mine\n")

# ---- fewer recordings: the previous run's other files go ----------------------
soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms
         --set "record={spikes: [E]}" EXPECT 0)
expect_manifest("${dir}" summary.json spikes.csv rates.csv
                raster_E.gp raster_E.png raster_E.svg)
foreach(f E.V.csv E.V.gp E.V.png E.V.svg raster_I.gp raster_I.png raster_I.svg)
  expect_no_file("${dir}/${f}")
endforeach()
expect_file("${dir}/notes.txt")

# ---- no plots: no script or figure of the previous run is left -----------------
soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms --no-plots EXPECT 0)
expect_manifest("${dir}" ${data})
expect_no_glob("${dir}" "*.gp" "*.png" "*.svg")

# ---- a bad model file or command line changes nothing ---------------------------
soma_run(ARGS run "${EI}" -o "${dir}" --set "populations.E.params.tau=-3 ms" EXPECT 2)
expect_manifest("${dir}" ${data})

# ---- a failed run: none of the previous run's files is left ---------------------
# (V diverges in the first step: see run_error.cmake)
soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms
         --set "inputs.drive_E.current=-1e308 pA"
         --set "populations.E.params.R=10 GOhm" EXPECT 1)
foreach(f ${data} .soma-outputs)
  expect_no_file("${dir}/${f}")
endforeach()
expect_no_glob("${dir}" "*.part" ".*.part")
expect_file("${dir}/notes.txt")

# ---- only plain names of regular files are removed ------------------------------
set(dir "${WORK}/guarded")
file(MAKE_DIRECTORY "${dir}/sub")
foreach(f outside.txt target.txt)
  file(WRITE "${WORK}/${f}" "keep\n")
endforeach()
foreach(f sub/inner.txt .hidden listed.txt notes.txt notes.txt.part)
  file(WRITE "${dir}/${f}" "x\n")
endforeach()
file(CREATE_LINK "${WORK}/target.txt" "${dir}/link" SYMBOLIC)
file(WRITE "${dir}/.soma-outputs"
  "../outside.txt\n${WORK}/outside.txt\nsub\nsub/inner.txt\n.hidden\nlink\n"
  "notes.txt.part\n\nmissing.txt\nlisted.txt\n")
soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms --no-plots EXPECT 0)
# a listed NAME.part is a file of the previous run (planned manifest)
expect_no_file("${dir}/listed.txt")
expect_no_file("${dir}/notes.txt.part")
foreach(f "${WORK}/outside.txt" "${WORK}/target.txt" "${dir}/sub/inner.txt"
    "${dir}/.hidden" "${dir}/notes.txt" "${dir}/link")
  expect_file("${f}")
endforeach()
if(NOT IS_SYMLINK "${dir}/link")
  fail("${dir}/link is no longer a symbolic link")
endif()
expect_manifest("${dir}" ${data})

# ---- a run killed outright (SIGKILL) leaves nothing the next run misses ---------
# The manifest is written at the start with every name the run may write, so
# a killed run's data .part files, scripts and figures are removed by the
# next run into the directory, even one that records less.
set(dir "${WORK}/killed")
execute_process(COMMAND timeout -s KILL 1.5 "${SOMA}" run "${SRC}/examples/coba.yaml"
                        -o "${dir}" --duration 20000ms
                RESULT_VARIABLE krc OUTPUT_QUIET ERROR_QUIET)
if(NOT krc EQUAL 137 AND NOT krc MATCHES "killed")
  fail("the killed run exited with ${krc}, expected to be killed (137)")
endif()
expect_file("${dir}/.soma-outputs")
file(GLOB left "${dir}/*.part")
if(NOT left)
  fail("the killed run left no .part file: the test does not test anything")
endif()
soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms --no-plots
         --set "record={spikes: [E]}" EXPECT 0)
expect_no_glob("${dir}" "*.part" "E.V.*" "raster_*" "I.*")
expect_manifest("${dir}" spikes.csv rates.csv summary.json)
