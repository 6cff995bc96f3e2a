# tools.report.same_as_compare*: `pftoken report --pool P OPTIONS` prints in its DCF-vs-market
# section exactly the table `pftoken compare PROJECT --pool P OPTIONS` writes to compare.txt (the
# same function, options and seed; before, report ran its own default comparison and ignored
# --mc/--seed: a one-year fair-value P5 of 89.8 against compare's 106.7, issue 13 section 5).
# Inputs: PFTOKEN, PROJECT, POOL, OPTIONS (|-separated), WORK_DIR.
foreach(var PFTOKEN PROJECT POOL WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "report_same_as_compare.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
string(REPLACE "|" ";" options "${OPTIONS}")
execute_process(COMMAND "${PFTOKEN}" compare "${PROJECT}" --pool "${POOL}" ${options} --quiet --out "${WORK_DIR}/compare"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 250)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pftoken compare failed (exit ${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND "${PFTOKEN}" report "${PROJECT}" --pool "${POOL}" ${options} --quiet --out "${WORK_DIR}/report"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 250)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pftoken report failed (exit ${rc}):\n${out}\n${err}")
endif()
file(READ "${WORK_DIR}/compare/compare.txt" expected)
file(READ "${WORK_DIR}/report/report.html" page)
string(FIND "${page}" "<h2>DCF vs market</h2>" at)
if(at EQUAL -1)
  message(FATAL_ERROR "report.html has no DCF vs market section")
endif()
string(SUBSTRING "${page}" ${at} -1 page)
string(FIND "${page}" "<pre>" open)
string(FIND "${page}" "</pre>" close)
if(open EQUAL -1 OR close EQUAL -1)
  message(FATAL_ERROR "the DCF vs market section has no <pre> table")
endif()
math(EXPR open "${open} + 5")
math(EXPR len "${close} - ${open}")
string(SUBSTRING "${page}" ${open} ${len} got)
# html_escape (base/table.cpp) in reverse; &amp; last.
foreach(pair "&lt;=<" "&gt;=>" "&quot;=\"" "&#39;='" "&amp;=&")
  string(FIND "${pair}" "=" eq)
  string(SUBSTRING "${pair}" 0 ${eq} from)
  math(EXPR eq "${eq} + 1")
  string(SUBSTRING "${pair}" ${eq} -1 to)
  string(REPLACE "${from}" "${to}" got "${got}")
endforeach()
if(NOT got STREQUAL expected)
  file(WRITE "${WORK_DIR}/report_table.txt" "${got}")
  message(FATAL_ERROR "report's DCF vs market table differs from compare.txt (options: ${OPTIONS}):\n"
                      "diff ${WORK_DIR}/compare/compare.txt ${WORK_DIR}/report_table.txt")
endif()
# Seeds other than the default 42 and --mc make the old report (its own default comparison) fail.
message(STATUS "report's DCF vs market table = compare.txt (${OPTIONS})")
