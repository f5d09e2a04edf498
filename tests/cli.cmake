# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the command-line program: each tests/cli/NAME.cmake is a script run
# with `cmake -P` against the built `soma` (see tests/cli/common.cmake).
set(SOMA_CLI_TESTS ${CMAKE_CURRENT_SOURCE_DIR}/cli)
set(SOMA_CLI_WORK ${CMAKE_CURRENT_BINARY_DIR}/cli)

# soma_cli_test(NAME [ARGS -Dvar=value...]): test cli.NAME runs cli/NAME.cmake
# in the scratch directory ${SOMA_CLI_WORK}/NAME.
function(soma_cli_test name)
  add_test(NAME cli.${name}
    COMMAND ${CMAKE_COMMAND}
      -DSOMA=$<TARGET_FILE:soma_cli>
      -DSRC=${PROJECT_SOURCE_DIR}
      -DWORK=${SOMA_CLI_WORK}/${name}
      ${ARGN}
      -P ${SOMA_CLI_TESTS}/${name}.cmake)
  set_tests_properties(cli.${name} PROPERTIES LABELS cli TIMEOUT 300)
endfunction()

soma_cli_test(usage)
soma_cli_test(run_ei)
soma_cli_test(reproducible -DEI_OUT=${SOMA_CLI_WORK}/run_ei)
soma_cli_test(overrides)
soma_cli_test(plots)
soma_cli_test(run_error)

# reproducible.cmake compares with the output of run_ei.cmake
set_tests_properties(cli.run_ei PROPERTIES FIXTURES_SETUP cli_ei)
set_tests_properties(cli.reproducible PROPERTIES FIXTURES_REQUIRED cli_ei)
soma_cli_test(examples)
soma_cli_test(figures)
soma_cli_test(manifest)
soma_cli_test(interrupt)
soma_cli_test(analyze)
