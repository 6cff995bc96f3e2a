# CLI tests of `pftoken value` (run with cmake -P; see tests/core/CMakeLists.txt).
#   MODE=broken: a file with errors -> exit code 2, every message on stderr, no file in OUT_DIR.
#   MODE=bad_option: a valid file with a bad --market-price -> exit code 2, no file in OUT_DIR.
#   MODE=ok: the solar example -> exit code 0, summary on stdout, every output file in OUT_DIR.
# Inputs: PFTOKEN (the executable), INPUT (project YAML), OUT_DIR (scratch folder), MODE.
foreach(var PFTOKEN INPUT OUT_DIR MODE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_value_cli.cmake: ${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${OUT_DIR}")
set(extra_args)
if(MODE STREQUAL "bad_option")
  set(extra_args --market-price NOPE=100)
endif()
execute_process(
  COMMAND "${PFTOKEN}" value "${INPUT}" --out "${OUT_DIR}" ${extra_args}
  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)

file(GLOB_RECURSE written LIST_DIRECTORIES false "${OUT_DIR}/*" "${OUT_DIR}/.*")

if(MODE STREQUAL "broken" OR MODE STREQUAL "bad_option")
  if(NOT code EQUAL 2)
    message(FATAL_ERROR "expected exit code 2, got '${code}'\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  if(written)
    message(FATAL_ERROR "expected no output files, found: ${written}")
  endif()
  if(MODE STREQUAL "broken")
    set(expected
      "pftoken value: error: 3 input errors:"
      "broken.yaml:5:20: timeline.financial_close: not a valid calendar date, got 2025-02-30"
      "broken.yaml:19:17: tranches[1].fixed_rate: must be < 1 (100%), got 1.5"
      "tranches[1].tenor_years: must be > 0, got -3")
  else()
    set(expected "--market-price NOPE: unknown token symbol; tranche tokens are: SUN-A, SUN-B, SUN-C")
  endif()
  foreach(text IN LISTS expected)
    string(FIND "${err}" "${text}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "stderr lacks '${text}':\n${err}")
    endif()
  endforeach()
elseif(MODE STREQUAL "ok")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "expected exit code 0, got '${code}'\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  foreach(name value.txt summary.csv tranches.csv periods.csv events.csv summary.json periods.json events.json)
    if(NOT EXISTS "${OUT_DIR}/${name}")
      message(FATAL_ERROR "missing output ${OUT_DIR}/${name}; found: ${written}")
    endif()
  endforeach()
  list(LENGTH written count)
  if(NOT count EQUAL 8)
    message(FATAL_ERROR "expected exactly 8 files (no temporaries left), found: ${written}")
  endif()
  foreach(text "Sources and uses" "Tranches" "senior" "Coverage ratios" "Event log")
    string(FIND "${out}" "${text}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "stdout lacks '${text}':\n${out}")
    endif()
  endforeach()
  file(STRINGS "${OUT_DIR}/periods.csv" rows)
  list(LENGTH rows row_count)
  # header + 15 construction months + 300 monthly operating periods
  if(NOT row_count EQUAL 316)
    message(FATAL_ERROR "periods.csv has ${row_count} lines, expected 316")
  endif()
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
file(REMOVE_RECURSE "${OUT_DIR}")
