# `pftoken report` with a bad input: exit code 2, an error naming the problem, and no output file.
# Inputs: REPORT, SOURCE_DIR, WORK_DIR.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(
  COMMAND "${REPORT}" report "${SOURCE_DIR}/data/examples/solar.yaml" --paths 50 --pool "${WORK_DIR}/missing.yaml"
    --out "${WORK_DIR}"
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
foreach(bad 0 -1)
  execute_process(COMMAND "${REPORT}" report "${SOURCE_DIR}/data/examples/solar.yaml" --paths ${bad} --out "${WORK_DIR}"
    RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 60)
  string(FIND "${err}" "--paths: must be a whole number in [1, 10000000], got '${bad}'" at)
  if(NOT rc EQUAL 2 OR at EQUAL -1)
    message(FATAL_ERROR "expected '--paths: must be a whole number in [1, 10000000], got '${bad}'' and exit 2, got ${rc}:\n${err}")
  endif()
endforeach()
file(GLOB left "${WORK_DIR}/*" "${WORK_DIR}/.*")
if(left)
  message(FATAL_ERROR "output left behind: ${left}")
endif()
