# Golden check of the `pftoken amm replay` CLI: stdout must equal the golden file byte for byte
# (integer amounts as decimal strings: exact is the tolerance), and a malformed scenario must exit
# non-zero with nothing on stdout. PFTOKEN_UPDATE_GOLDEN=1 rewrites the golden file instead.
# Inputs: -DPFTOKEN=<exe> -DSCENARIO=<json> -DEXPECTED=<json> -DBAD=<malformed json>
execute_process(COMMAND ${PFTOKEN} amm replay ${SCENARIO}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pftoken amm replay ${SCENARIO} exited ${rc}: ${err}")
endif()
if("$ENV{PFTOKEN_UPDATE_GOLDEN}" STREQUAL "1")
  file(WRITE ${EXPECTED} "${out}")
  message(STATUS "rewrote ${EXPECTED}; review `git diff tests/golden/` and commit it")
  return()
endif()
file(READ ${EXPECTED} expected)
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "output of ${SCENARIO} differs from ${EXPECTED}:\n${out}")
endif()
execute_process(COMMAND ${PFTOKEN} amm replay ${BAD}
  OUTPUT_VARIABLE bad_out ERROR_VARIABLE bad_err RESULT_VARIABLE bad_rc)
if(bad_rc EQUAL 0 OR NOT bad_out STREQUAL "" OR NOT bad_err MATCHES "ops\\[1\\]\\.op: unknown v3 op")
  message(FATAL_ERROR "malformed scenario: rc=${bad_rc} stdout='${bad_out}' stderr='${bad_err}'")
endif()
