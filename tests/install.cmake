# SPDX-License-Identifier: GPL-3.0-or-later
# Installing libsoma and building a program against it with pkg-config.
# Not under the sanitizers: the installed library would need their runtime.
if(NOT SOMA_SANITIZE)
  add_test(NAME install.pkg_config
    COMMAND ${CMAKE_COMMAND} -DBUILD=${PROJECT_BINARY_DIR} -DSRC=${PROJECT_SOURCE_DIR}
      -DWORK=${CMAKE_CURRENT_BINARY_DIR}/install -DCC=${CMAKE_C_COMPILER}
      -P ${CMAKE_CURRENT_SOURCE_DIR}/install/check.cmake)
endif()
