# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers of the command-line tests. Each test is a script run with
# `cmake -P`; tests/cli.cmake passes
#   SOMA  the program under test
#   SRC   the source tree (for examples/)
#   WORK  a scratch directory of its own, emptied here
# A failed check stops the script with FATAL_ERROR, which fails the test.

foreach(v SOMA SRC WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run with -D${v}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(EI "${SRC}/examples/ei_balanced.yaml")

function(fail)
  string(JOIN "" msg ${ARGN})
  message(FATAL_ERROR "${msg}")
endfunction()

# soma_run(ARGS arg... [EXPECT code] [WORKDIR dir])
# Runs the program; sets RC, OUT and ERR in the caller. With EXPECT, fails
# unless the exit code is that.
function(soma_run)
  cmake_parse_arguments(A "" "EXPECT;WORKDIR" "ARGS" ${ARGN})
  if(NOT A_WORKDIR)
    set(A_WORKDIR "${WORK}")
  endif()
  execute_process(COMMAND "${SOMA}" ${A_ARGS}
    WORKING_DIRECTORY "${A_WORKDIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(JOIN "' '" shown ${A_ARGS})
  set(SHOWN "soma '${shown}'" PARENT_SCOPE)
  if(DEFINED A_EXPECT AND NOT "${rc}" STREQUAL "${A_EXPECT}")
    fail("soma '${shown}': exit code ${rc}, expected ${A_EXPECT}\n"
         "--- stdout:\n${out}\n--- stderr:\n${err}")
  endif()
  set(RC "${rc}" PARENT_SCOPE)
  set(OUT "${out}" PARENT_SCOPE)
  set(ERR "${err}" PARENT_SCOPE)
endfunction()

# expect_match(TEXT REGEX WHAT): fail unless TEXT matches REGEX.
function(expect_match text regex what)
  if(NOT "${text}" MATCHES "${regex}")
    fail("${what}: expected to match '${regex}', got:\n${text}")
  endif()
endfunction()

function(expect_file path)
  if(NOT EXISTS "${path}")
    fail("missing file ${path}")
  endif()
  file(SIZE "${path}" size)
  if(size EQUAL 0)
    fail("empty file ${path}")
  endif()
endfunction()

function(expect_no_file path)
  if(EXISTS "${path}")
    fail("file ${path} should not exist")
  endif()
endfunction()

# expect_no_glob(DIR PATTERN...): no file of DIR matches any PATTERN.
function(expect_no_glob dir)
  foreach(p ${ARGN})
    file(GLOB found "${dir}/${p}")
    if(found)
      fail("unexpected files in ${dir}: ${found}")
    endif()
  endforeach()
endfunction()

# json_get(OUT JSON key...): the value at the key path, failing when missing.
function(json_get out json)
  string(JSON value ERROR_VARIABLE err GET "${json}" ${ARGN})
  if(err)
    fail("summary.json: ${err}")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# read_summary(OUT DIR): the text of DIR/summary.json.
function(read_summary out dir)
  expect_file("${dir}/summary.json")
  file(READ "${dir}/summary.json" json)
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# expect_figure(DIR STEM): STEM.gp, and its drawings (expect_drawings).
function(expect_figure dir stem)
  expect_file("${dir}/${stem}.gp")
  expect_drawings("${dir}" "${stem}")
endfunction()

# expect_drawings(DIR STEM): STEM.png (PNG signature) and STEM.svg.
function(expect_drawings dir stem)
  expect_file("${dir}/${stem}.png")
  expect_file("${dir}/${stem}.svg")
  file(READ "${dir}/${stem}.png" sig LIMIT 8 HEX)
  if(NOT sig STREQUAL "89504e470d0a1a0a")
    fail("${dir}/${stem}.png is not a PNG file")
  endif()
  file(READ "${dir}/${stem}.svg" svg LIMIT 2000)
  expect_match("${svg}" "<svg" "${dir}/${stem}.svg")
endfunction()

# make_program(PATH TEXT): write an executable file (a shell script).
function(make_program path text)
  file(WRITE "${path}" "${text}")
  file(CHMOD "${path}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
       GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endfunction()

# soma_interrupt(SIGNAL INT|TERM AFTER SECONDS ARGS arg... [FOREGROUND])
# Runs the program under timeout(1), which sends it SIGNAL after SECONDS:
# to its whole process group (as Ctrl-C on a terminal does), or with
# FOREGROUND to the program only (as `kill PID`). Sets RC (the program's exit
# code; 128 + N when signal N killed it), OUT, ERR and ELAPSED (whole
# seconds) in the caller. (execute_process's own TIMEOUT sends SIGKILL.)
function(soma_interrupt)
  cmake_parse_arguments(A "FOREGROUND" "SIGNAL;AFTER" "ARGS" ${ARGN})
  find_program(TIMEOUT_PROGRAM timeout REQUIRED)
  set(fg)
  if(A_FOREGROUND)
    set(fg --foreground)
  endif()
  string(TIMESTAMP t0 "%s")
  execute_process(COMMAND "${TIMEOUT_PROGRAM}" --preserve-status ${fg}
      -s ${A_SIGNAL} ${A_AFTER} "${SOMA}" ${A_ARGS}
    WORKING_DIRECTORY "${WORK}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(TIMESTAMP t1 "%s")
  math(EXPR elapsed "${t1} - ${t0}")
  set(RC "${rc}" PARENT_SCOPE)
  set(OUT "${out}" PARENT_SCOPE)
  set(ERR "${err}" PARENT_SCOPE)
  set(ELAPSED "${elapsed}" PARENT_SCOPE)
endfunction()

# expect_manifest(DIR NAME...): DIR/.soma-outputs lists exactly NAMEs (any
# order), each a file of DIR.
function(expect_manifest dir)
  expect_file("${dir}/.soma-outputs")
  file(STRINGS "${dir}/.soma-outputs" have)
  list(SORT have)
  set(want ${ARGN})
  list(SORT want)
  if(NOT have STREQUAL want)
    fail("${dir}/.soma-outputs lists '${have}', expected '${want}'")
  endif()
  foreach(f ${want})
    expect_file("${dir}/${f}")
  endforeach()
endfunction()
