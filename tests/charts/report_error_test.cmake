# `pftoken report` with a bad input: exit code 2, an error naming the problem, and no output file.
# Inputs: REPORT, SOURCE_DIR, WORK_DIR.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(
  COMMAND "${REPORT}" report "${SOURCE_DIR}/data/examples/solar.yaml" --mc 50 --pool "${WORK_DIR}/missing.yaml"
    -o "${WORK_DIR}/report.html"
  RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "expected exit code 2 for a missing pool file, got ${rc}:\n${err}")
endif()
if(NOT err MATCHES "missing.yaml")
  message(FATAL_ERROR "the error does not name the missing file:\n${err}")
endif()
file(GLOB left "${WORK_DIR}/*.html" "${WORK_DIR}/.report.html*")
if(left)
  message(FATAL_ERROR "partial output left behind: ${left}")
endif()
execute_process(COMMAND "${REPORT}" report "${SOURCE_DIR}/data/examples/solar.yaml" --mc 0 -o "${WORK_DIR}/report.html"
  RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 2 OR NOT err MATCHES "--mc: must be > 0, got 0")
  message(FATAL_ERROR "expected '--mc: must be > 0, got 0' and exit 2, got ${rc}:\n${err}")
endif()
