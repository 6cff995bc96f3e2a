# Shared by the Chromium tests of the charts (browser_test.cmake, yield_browser_test.cmake).
# pftoken_probe_check(RESULT NAME WHAT [PREFIX]): the probe's attribute data-NAME in the DOM
# element RESULT must be empty, else the test fails with "PREFIXWHAT: <its value>".
function(pftoken_probe_check result name what)
  string(REGEX MATCH "data-${name}=\"([^\"]*)\"" _ "${result}")
  if(NOT "${CMAKE_MATCH_1}" STREQUAL "")
    message(FATAL_ERROR "${ARGV3}${what}: ${CMAKE_MATCH_1}")
  endif()
endfunction()
