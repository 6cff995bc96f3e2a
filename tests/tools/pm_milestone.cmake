# The shipped milestone project (data/examples/solar_milestone.yaml) cannot drift from the market
# or from the solar farm it overlays: its stochastic.construction.delay_distribution must be the
# one `pftoken pm implied data/examples/pm/state.json --delay-months 0,3,6,9,12` writes, and the
# file with its "milestone overlay" blocks removed must be data/examples/solar.yaml byte for byte.
# Parameters: PFTOKEN (the binary), SRC (the repository root), WORK_DIR (a scratch folder).
cmake_minimum_required(VERSION 3.20)
foreach(var PFTOKEN SRC WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "pm_milestone.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${PFTOKEN}" pm implied "${SRC}/data/examples/pm/state.json" --delay-months 0,3,6,9,12
                        --quiet --out "${WORK_DIR}/out"
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "pm implied exited ${code}: ${err}")
endif()
file(READ "${WORK_DIR}/out/delay_distribution.yaml" implied)
file(READ "${SRC}/data/examples/solar_milestone.yaml" project)
file(READ "${SRC}/data/examples/solar.yaml" solar)

# The delay distribution: the months and probabilities lines, as pm implied wrote them.
foreach(key months probabilities)
  if(NOT implied MATCHES "\n +${key}: (\\[[^\n]*\\])\n")
    message(FATAL_ERROR "delay_distribution.yaml has no ${key} line:\n${implied}")
  endif()
  set(want "${CMAKE_MATCH_1}")
  if(NOT project MATCHES "\n  construction:\n    delay_distribution:\n[^\n]*\n?[^\n]*\n")
    message(FATAL_ERROR "solar_milestone.yaml has no stochastic.construction.delay_distribution block")
  endif()
  string(FIND "${project}" "\n      ${key}: ${want}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "solar_milestone.yaml: stochastic.construction.delay_distribution.${key} is not "
                        "${want} (what pm implied writes for data/examples/pm/state.json); paste the new one")
  endif()
endforeach()

# Everything else: solar.yaml.
# Each overlay block: from the start of its begin line to the end of its end line.
set(stripped "${project}")
while(TRUE)
  string(FIND "${stripped}" "# --- milestone overlay (begin)" begin)
  if(begin EQUAL -1)
    break()
  endif()
  string(SUBSTRING "${stripped}" 0 ${begin} head)
  string(FIND "${head}" "\n" line_start REVERSE)
  math(EXPR line_start "${line_start} + 1")
  string(SUBSTRING "${head}" 0 ${line_start} head)
  string(FIND "${stripped}" "# --- milestone overlay (end)\n" end)
  if(end LESS begin)
    message(FATAL_ERROR "solar_milestone.yaml: an overlay block has no end line")
  endif()
  math(EXPR tail_start "${end} + 30")
  string(SUBSTRING "${stripped}" ${tail_start} -1 tail)
  set(stripped "${head}${tail}")
endwhile()
if(NOT stripped STREQUAL solar)
  message(FATAL_ERROR "solar_milestone.yaml outside its overlay blocks differs from solar.yaml: copy the change over")
endif()
