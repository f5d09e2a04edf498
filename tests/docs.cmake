# SPDX-License-Identifier: GPL-3.0-or-later
# The README's generated sections must equal their sources (`make docs`
# regenerates them): the model table is `soma models --markdown`, the usage is
# the program's help, the C example is examples/c/hello_network.c; and the
# README's model file must run.
foreach(section models usage model_file)
  add_test(NAME docs.readme.${section}
    COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/readme.sh check ${section}
            $<TARGET_FILE:soma_cli> ${PROJECT_SOURCE_DIR}/README.md)
endforeach()
add_test(NAME docs.readme.hello_network
  COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/readme.sh check hello_network
          - ${PROJECT_SOURCE_DIR}/README.md)
