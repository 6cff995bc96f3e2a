# Browser test of the HTML report: build it with the report driver, open a test copy in headless
# Chromium with a probe script, dump the DOM and check the probe's verdict; save a screenshot.
# Inputs: REPORT, CHROMIUM, SOURCE_DIR, WORK_DIR.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/profile")
set(html "${WORK_DIR}/report.html")
execute_process(
  COMMAND "${REPORT}" report "${SOURCE_DIR}/data/examples/solar.yaml" --paths 400
    --pool "${SOURCE_DIR}/data/pools/solar_senior_v3.yaml" --range-opt "${SOURCE_DIR}/data/range_opt/solar_senior_v3.yaml"
    --out "${WORK_DIR}" --quiet
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 200)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pftoken report failed (exit ${rc}):\n${out}\n${err}")
endif()

file(READ "${html}" page)
foreach(needle "<title>pftoken report" "http://" "https://")
  string(FIND "${page}" "${needle}" at)
  if(needle STREQUAL "<title>pftoken report")
    if(at EQUAL -1)
      message(FATAL_ERROR "report has no <title>")
    endif()
  else()
    # Only the SVG namespace URIs may mention http (they are not fetched).
    string(REGEX REPLACE "xmlns(:xlink)?=\"http://www.w3.org/[0-9]+/(svg|xlink)\"" "" stripped "${page}")
    string(FIND "${stripped}" "src=\"${needle}" fetch)
    string(FIND "${stripped}" "href=\"${needle}" link)
    if(NOT fetch EQUAL -1 OR NOT link EQUAL -1)
      message(FATAL_ERROR "report references the network (${needle})")
    endif()
  endif()
endforeach()

# Probe: records errors from the start, then measures every chart after load.
set(probe [=[<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
console.error = function () { window.__errors.push(Array.prototype.join.call(arguments, ' ')); };
window.addEventListener('load', function () {
  var charts = document.querySelectorAll('figure.chart svg');
  var bad = [];
  charts.forEach(function (c) { var r = c.getBoundingClientRect(); if (!(r.width > 0 && r.height > 0)) bad.push(c.parentNode.id); });
  var verdict = document.createElement('div');
  verdict.id = 'probe-result';
  verdict.setAttribute('data-title', document.title);
  verdict.setAttribute('data-charts', String(charts.length));
  verdict.setAttribute('data-zero-size', bad.join(','));
  verdict.setAttribute('data-errors', window.__errors.join(' | '));
  document.body.appendChild(verdict);
});
</script>]=])
string(REPLACE "<head>" "<head>${probe}" probed "${page}")
file(WRITE "${WORK_DIR}/probed.html" "${probed}")

set(flags --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --disable-dev-shm-usage "--user-data-dir=${WORK_DIR}/profile"
  --window-size=1280,4000 --virtual-time-budget=5000)
execute_process(COMMAND "${CHROMIUM}" ${flags} --dump-dom "file://${WORK_DIR}/probed.html"
  RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "chromium --dump-dom failed (exit ${rc}):\n${err}")
endif()
string(REGEX MATCH "<div id=\"probe-result\"[^>]*>" result "${dom}")
if(result STREQUAL "")
  message(FATAL_ERROR "the page did not finish loading in chromium (no probe result in the DOM):\n${err}")
endif()
string(REGEX MATCH "data-title=\"([^\"]*)\"" _ "${result}")
set(title "${CMAKE_MATCH_1}")
string(REGEX MATCH "data-charts=\"([0-9]+)\"" _ "${result}")
set(charts "${CMAKE_MATCH_1}")
string(REGEX MATCH "data-zero-size=\"([^\"]*)\"" _ "${result}")
set(zero "${CMAKE_MATCH_1}")
string(REGEX MATCH "data-errors=\"([^\"]*)\"" _ "${result}")
set(errors "${CMAKE_MATCH_1}")
string(REGEX MATCHALL "<figure class=\"chart\"" figures "${page}")
list(LENGTH figures expected)
message(STATUS "chromium: title '${title}', ${charts} of ${expected} charts rendered, zero-size: '${zero}', errors: '${errors}'")
if(NOT title MATCHES "^pftoken report")
  message(FATAL_ERROR "page title missing or wrong: '${title}'")
endif()
if(expected LESS 9 OR NOT charts EQUAL expected)
  message(FATAL_ERROR "expected ${expected} (>= 9) charts in the DOM, chromium saw ${charts}")
endif()
if(NOT zero STREQUAL "")
  message(FATAL_ERROR "charts with zero size in chromium: ${zero}")
endif()
if(NOT errors STREQUAL "")
  message(FATAL_ERROR "console / script errors in chromium: ${errors}")
endif()

execute_process(COMMAND "${CHROMIUM}" ${flags} "--screenshot=${WORK_DIR}/report.png" "file://${html}"
  RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0 OR NOT EXISTS "${WORK_DIR}/report.png")
  message(FATAL_ERROR "chromium --screenshot failed (exit ${rc}):\n${err}")
endif()
