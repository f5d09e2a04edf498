# SPDX-License-Identifier: GPL-3.0-or-later
# Malformed model files: tests/data/bad/NAME.yaml, each rejected by
# `soma run` with exit code 2 and the message of its `# expect:` line
# (lines `# set: KEY=VALUE` become `--set KEY=VALUE`).
# test_modelfile.c checks the same files through soma_sim_load().
file(GLOB SOMA_BAD_MODEL_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/data/bad/*.yaml)
foreach(f ${SOMA_BAD_MODEL_FILES})
  get_filename_component(name ${f} NAME_WE)
  add_test(NAME modelfile.bad.${name}
    COMMAND ${CMAKE_COMMAND}
      -DSOMA=$<TARGET_FILE:soma_cli>
      -DFILE=${f}
      -DOUT=${CMAKE_CURRENT_BINARY_DIR}/modelfile_out/${name}
      -P ${CMAKE_CURRENT_SOURCE_DIR}/check_bad_file.cmake)
endforeach()

# Malformed analysis files: tests/data/bad_analysis/NAME.yaml, each rejected
# by the `soma analyze` command of its `# command:` line, with exit code 2 and
# the message of its `# expect:` line.
file(GLOB SOMA_BAD_ANALYSIS_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/data/bad_analysis/*.yaml)
foreach(f ${SOMA_BAD_ANALYSIS_FILES})
  get_filename_component(name ${f} NAME_WE)
  add_test(NAME analysisfile.bad.${name}
    COMMAND ${CMAKE_COMMAND}
      -DSOMA=$<TARGET_FILE:soma_cli>
      -DFILE=${f}
      -DOUT=${CMAKE_CURRENT_BINARY_DIR}/analysisfile_out/${name}
      -P ${CMAKE_CURRENT_SOURCE_DIR}/check_bad_file.cmake)
endforeach()
