# SPDX-License-Identifier: GPL-3.0-or-later
# No figure is ever left truncated under its final name. gnuplot draws into
# STEM.png.part and STEM.svg.part (soma runs
# `gnuplot -e "png='STEM.png.part'; svg='STEM.svg.part'" STEM.gp`), renamed
# only when gnuplot exited 0 and the file is complete: on a full disk gnuplot
# exits 0 and leaves empty files. Stand-ins for gnuplot (SOMA_GNUPLOT) play
# the full disk and the failure.
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")
find_program(GNUPLOT gnuplot REQUIRED)

# The names the stand-ins write: from -e as soma passes them, else the
# script's defaults (STEM.png, STEM.svg).
set(names [=[
png= svg=
if [ "$1" = -e ]; then
	png=$(printf '%s\n' "$2" | sed -n "s/.*png='\([^']*\)'.*/\1/p")
	svg=$(printf '%s\n' "$2" | sed -n "s/.*svg='\([^']*\)'.*/\1/p")
	shift 2
fi
stem=${1%.gp}
png=${png:-$stem.png}
svg=${svg:-$stem.svg}
]=])
# a full disk: empty files, exit 0
make_program("${WORK}/gnuplot-empty" "#!/bin/sh\n${names}: >\"$png\"\n: >\"$svg\"\n")
# a full disk midway: files cut short, exit 0
string(CONCAT cut "#!/bin/sh\n${names}"
  "printf '\\211PNG\\r\\n\\032\\n\\0\\0\\0\\rIHDR' >\"$png\"\n"
  "printf '<?xml version=\"1.0\"?>\\n<svg width=\"10\"' >\"$svg\"\n")
make_program("${WORK}/gnuplot-cut" "${cut}")
# complete files, then a failure
make_program("${WORK}/gnuplot-exit1" "#!/bin/sh\n\"${GNUPLOT}\" \"$@\"\nexit 1\n")

set(data summary.json spikes.csv rates.csv E.V.csv)
set(scripts raster_E.gp raster_I.gp E.V.gp)
foreach(mode empty cut exit1)
  set(dir "${WORK}/${mode}")
  set(ENV{SOMA_GNUPLOT} "${WORK}/gnuplot-${mode}")
  soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms EXPECT 1)
  if(mode STREQUAL exit1)
    expect_match("${ERR}" "gnuplot failed on [^\n]*raster_E\\.gp" "${mode}: message")
  else()
    expect_match("${ERR}" "gnuplot left an? (empty|incomplete) file for [^\n]*raster_E\\.png"
                 "${mode}: message")
  endif()
  # the data, the summary and the scripts are complete; no figure, no .part
  foreach(f ${data} ${scripts})
    expect_file("${dir}/${f}")
  endforeach()
  expect_no_glob("${dir}" "*.png" "*.svg" "*.part" ".*.part")
  if(OUT MATCHES "\\.png")
    fail("${mode}: stdout lists a figure that was not drawn:\n${OUT}")
  endif()
  expect_manifest("${dir}" ${data} ${scripts})
endforeach()
unset(ENV{SOMA_GNUPLOT})

# With gnuplot: the figures, no .part; the script's output names are
# variables with defaults, so a user re-renders with `gnuplot STEM.gp`.
set(dir "${WORK}/real")
soma_run(ARGS run "${EI}" -o "${dir}" --duration 20ms EXPECT 0)
foreach(stem raster_E raster_I E.V)
  expect_figure("${dir}" "${stem}")
endforeach()
expect_no_glob("${dir}" "*.part" ".*.part")
file(READ "${dir}/raster_E.gp" gp)
expect_match("${gp}" "\nif \\(!exists\\(\"png\"\\)\\) png = 'raster_E\\.png'\n" "raster_E.gp: png")
expect_match("${gp}" "\nif \\(!exists\\(\"svg\"\\)\\) svg = 'raster_E\\.svg'\n" "raster_E.gp: svg")
file(REMOVE "${dir}/raster_E.png" "${dir}/raster_E.svg")
execute_process(COMMAND "${GNUPLOT}" raster_E.gp WORKING_DIRECTORY "${dir}"
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("cd ${dir} && gnuplot raster_E.gp: exit ${rc}\n${err}")
endif()
expect_figure("${dir}" raster_E)
execute_process(COMMAND "${GNUPLOT}" -e "png='other.png'; svg='other.svg'" E.V.gp
  WORKING_DIRECTORY "${dir}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("gnuplot -e \"png='other.png'; svg='other.svg'\" E.V.gp: exit ${rc}\n${err}")
endif()
expect_drawings("${dir}" other)
