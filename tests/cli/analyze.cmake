# SPDX-License-Identifier: GPL-3.0-or-later
# soma analyze: every file of examples/analysis runs (phase-plane, or
# bifurcation for the files with a bifurcation section) and prints what the
# seed and the analytic results say; the output directory is handled as for
# soma run (manifest, previous outputs removed); bad command lines exit 2.
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

file(GLOB files "${SRC}/examples/analysis/*.yaml")
list(LENGTH files n_files)
if(n_files LESS 12)
  fail("examples/analysis: ${n_files} files, expected at least 12")
endif()
foreach(f ${files})
  get_filename_component(stem "${f}" NAME_WE)
  file(STRINGS "${f}" bif REGEX "^bifurcation:")
  if(bif)
    set(cmd bifurcation)
  else()
    set(cmd phase-plane)
  endif()
  soma_run(ARGS analyze ${cmd} "${f}" -o "${WORK}/${stem}" --no-plots EXPECT 0)
  set(out_${stem} "${OUT}")
  expect_file("${WORK}/${stem}/.soma-outputs")
endforeach()

# The seed's Wong-Wang phase planes (section 3.2.1): 5, 3, 3 and 1 fixed
# points, printed as the seed prints them.
foreach(case "wong_wang_no_input;5" "wong_wang_coh0;3" "wong_wang_coh51;3"
        "wong_wang_coh100;1")
  list(GET case 0 stem)
  list(GET case 1 want)
  string(REGEX MATCHALL "Fixed point #[0-9]+ at s2=[-0-9.e]+, s1=[-0-9.e]+" fps "${out_${stem}}")
  list(LENGTH fps n)
  if(NOT n EQUAL want)
    fail("${stem}: ${n} fixed points printed, the seed prints ${want}:\n${out_${stem}}")
  endif()
  expect_file("${WORK}/${stem}/fixed_points.csv")
  expect_file("${WORK}/${stem}/fixed_points.json")
  expect_file("${WORK}/${stem}/nullcline_s1.csv")
  expect_file("${WORK}/${stem}/nullcline_s2.csv")
  expect_file("${WORK}/${stem}/vector_field.csv")
  file(READ "${WORK}/${stem}/fixed_points.json" js)
  string(JSON nj LENGTH "${js}" fixed_points)
  if(NOT nj EQUAL want)
    fail("${stem}/fixed_points.json: ${nj} fixed points, expected ${want}")
  endif()
  string(JSON ev GET "${js}" fixed_points 0 eigenvalues 0 re)
  if(ev STREQUAL "")
    fail("${stem}/fixed_points.json: no eigenvalues")
  endif()
endforeach()
expect_match("${out_wong_wang_coh100}" "Fixed point #1 at s2=0.00268659[0-9]*, s1=0.74109856[0-9]*: stable node"
             "wong_wang_coh100")

# Limit cycles: Hindmarsh-Rose with z = 0, FitzHugh-Nagumo at I = 0.5 (period
# 39.47 ms, tests/unit/test_ml_fhn.c), Morris-Lecar at 100 pA (84.98 ms).
expect_match("${out_hindmarsh_rose_plane}" "unstable focus" "hindmarsh_rose_plane")
expect_match("${out_hindmarsh_rose_plane}" "Limit cycle #1" "hindmarsh_rose_plane")
expect_match("${out_fitzhugh_nagumo_plane}" "Limit cycle #1: period 39\\.4" "fitzhugh_nagumo_plane")
expect_match("${out_morris_lecar_plane}" "Limit cycle #1: period 8[45]\\.[0-9]" "morris_lecar_plane")
expect_file("${WORK}/hindmarsh_rose_plane/trajectory_1.csv")
expect_file("${WORK}/hindmarsh_rose_plane/limit_cycle_1.csv")

# The QuaIF phase line at 2 pA: rest and threshold at
# -57.5 -+ sqrt(7.5^2 - 2/0.07) mV.
expect_match("${out_quaif_phase_line}" "Fixed point #1 at V=-62\\.76104[0-9]* mV: stable point" "quaif_phase_line")
expect_match("${out_quaif_phase_line}" "Fixed point #2 at V=-52\\.23895[0-9]* mV: unstable point" "quaif_phase_line")

# Bifurcations: FitzHugh-Nagumo's Hopf points at I = 0.3313 and 1.4187
# (trace zero at V = -+sqrt(1 - b/tau)); the Wong-Wang saddle-node against
# coherence; the Hindmarsh-Rose fast subsystem folds twice.
expect_match("${out_fitzhugh_nagumo_current}" "Hopf point at I=0\\.3312[0-9]*" "fitzhugh_nagumo_current")
expect_match("${out_fitzhugh_nagumo_current}" "Hopf point at I=1\\.4187[0-9]*" "fitzhugh_nagumo_current")
expect_match("${out_fitzhugh_nagumo_current}" "Limit cycles at [0-9]+ values" "fitzhugh_nagumo_current")
expect_match("${out_wong_wang_coherence}" "Saddle-node point at coh=0\\.9" "wong_wang_coherence")
string(REGEX MATCHALL "Saddle-node point at z=" sn "${out_hindmarsh_rose_fast_slow}")
list(LENGTH sn n_sn)
if(NOT n_sn EQUAL 2)
  fail("hindmarsh_rose_fast_slow: ${n_sn} saddle-nodes, expected 2:\n${out_hindmarsh_rose_fast_slow}")
endif()
foreach(f bifurcation.csv bifurcation_branches.csv bifurcation_points.csv
        bifurcation_points.json limit_cycles.csv trajectory_1.csv)
  expect_file("${WORK}/hindmarsh_rose_fast_slow/${f}")
endforeach()

# A second analysis into the same directory removes the first one's files.
set(d "${WORK}/reuse")
soma_run(ARGS analyze phase-plane "${SRC}/examples/analysis/hindmarsh_rose_plane.yaml"
         -o "${d}" --no-plots EXPECT 0)
expect_file("${d}/limit_cycle_1.csv")
soma_run(ARGS analyze phase-plane "${SRC}/examples/analysis/wong_wang_no_input.yaml"
         -o "${d}" --no-plots --set phase_plane.vector_field=false EXPECT 0)
if(EXISTS "${d}/limit_cycle_1.csv" OR EXISTS "${d}/vector_field.csv")
  fail("files of the previous analysis left in ${d}")
endif()
file(READ "${d}/.soma-outputs" manifest)
expect_match("${manifest}" "fixed_points.csv" "manifest")

# --set reaches the file: no input, coherence 0 at mu_0 = 0 via an override.
soma_run(ARGS analyze phase-plane "${SRC}/examples/analysis/wong_wang_coh0.yaml"
         -o "${WORK}/set" --no-plots --set params.mu_0=0Hz
         --set "phase_plane.trajectories=[]" EXPECT 0)
string(REGEX MATCHALL "Fixed point #" fps "${OUT}")
list(LENGTH fps n)
if(NOT n EQUAL 5)
  fail("--set params.mu_0=0Hz: ${n} fixed points, expected 5:\n${OUT}")
endif()

# Bad command lines.
soma_run(ARGS analyze EXPECT 2)
expect_match("${ERR}" "missing analysis" "soma analyze")
soma_run(ARGS analyze flow "${SRC}/examples/analysis/wong_wang_coh0.yaml" EXPECT 2)
expect_match("${ERR}" "unknown analysis 'flow'" "soma analyze flow")
soma_run(ARGS analyze phase-plane EXPECT 2)
expect_match("${ERR}" "missing FILE" "soma analyze phase-plane")
soma_run(ARGS analyze bifurcation "${SRC}/examples/analysis/wong_wang_coh0.yaml"
         -o "${WORK}/nobif" EXPECT 2)
expect_match("${ERR}" "bifurcation" "bifurcation of a file without the section")
soma_run(ARGS analyze --help EXPECT 0)
expect_match("${OUT}" "Usage: soma analyze phase-plane" "soma analyze --help")

# The figures, drawn as soma run draws its own: phase_plane and bifurcation,
# PNG and SVG beside the script, listed in the manifest.
find_program(GNUPLOT gnuplot)
if(GNUPLOT)
  foreach(case "phase-plane;wong_wang_coh51;phase_plane"
          "bifurcation;fitzhugh_nagumo_current;bifurcation"
          "bifurcation;wong_wang_input_coherence;bifurcation"
          "phase-plane;quaif_phase_line;phase_plane")
    list(GET case 0 cmd)
    list(GET case 1 stem)
    list(GET case 2 fig)
    soma_run(ARGS analyze ${cmd} "${SRC}/examples/analysis/${stem}.yaml"
             -o "${WORK}/fig_${stem}" EXPECT 0)
    if(NOT "${ERR}" STREQUAL "")
      fail("${stem}: messages while drawing:\n${ERR}")
    endif()
    foreach(ext gp png svg)
      expect_file("${WORK}/fig_${stem}/${fig}.${ext}")
    endforeach()
    file(READ "${WORK}/fig_${stem}/.soma-outputs" manifest)
    expect_match("${manifest}" "${fig}.png" "${stem}: manifest")
  endforeach()
endif()
