# SPDX-License-Identifier: GPL-3.0-or-later
# Run `soma run FILE -o OUT --no-plots` on a malformed model file and check
# that it is rejected as it should be: exit code 2 and a message on stderr
# containing the text of the file's first line, `# expect: TEXT`. Lines
# `# set: KEY=VALUE` add `--set KEY=VALUE` to the command line; a line
# `# command: analyze phase-plane` (or bifurcation) checks an analysis file
# with that command instead of `run`.
#
#   cmake -DSOMA=path/to/soma -DFILE=bad.yaml -DOUT=dir -P check_bad_file.cmake
foreach(v SOMA FILE OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_bad_file.cmake: -D${v}=... is required")
  endif()
endforeach()

file(READ "${FILE}" text)
string(REGEX MATCH "^# expect: ([^\n]*)" line "${text}")
if(NOT line)
  message(FATAL_ERROR "${FILE}: the first line must be '# expect: TEXT'")
endif()
set(expect "${CMAKE_MATCH_1}")

set(args)
string(REGEX MATCHALL "(^|\n)# set: [^\n]*" sets "${text}")
foreach(s IN LISTS sets)
  string(REGEX REPLACE "^\n?# set: " "" kv "${s}")
  list(APPEND args --set "${kv}")
endforeach()

set(command run)
string(REGEX MATCH "\n# command: ([^\n]*)" cmdline "${text}")
if(cmdline)
  separate_arguments(command UNIX_COMMAND "${CMAKE_MATCH_1}")
endif()

execute_process(
  COMMAND "${SOMA}" ${command} "${FILE}" -o "${OUT}" --no-plots ${args}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

if(NOT rc EQUAL 2)
  message(FATAL_ERROR "${FILE}: exit code ${rc}, expected 2\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "${expect}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "${FILE}: stderr does not contain the expected text\n"
                      "expected: ${expect}\n"
                      "stderr:   ${err}")
endif()
