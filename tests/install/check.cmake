# SPDX-License-Identifier: GPL-3.0-or-later
# The README's "build your own program" steps: install the build into a
# fresh prefix, compile examples/c/hello_network.c with the flags pkg-config
# gives for soma, run it. Passed: BUILD (the build tree), SRC, WORK, CC.
file(REMOVE_RECURSE "${WORK}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${WORK}/prefix"
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${err}")
endif()
set(ENV{PKG_CONFIG_PATH} "${WORK}/prefix/lib/pkgconfig")
execute_process(COMMAND pkg-config --cflags --libs soma
                RESULT_VARIABLE rc OUTPUT_VARIABLE flags ERROR_VARIABLE err
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs soma failed: ${err}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
execute_process(COMMAND "${CC}" "${SRC}/examples/c/hello_network.c" ${flags}
                        "-Wl,-rpath,${WORK}/prefix/lib" -o "${WORK}/hello"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling against the installed soma failed: ${err}")
endif()
execute_process(COMMAND "${WORK}/hello" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "after 100 ms: [1-9][0-9]* input spikes")
  message(FATAL_ERROR "the installed program did not run: ${rc} ${out}")
endif()
