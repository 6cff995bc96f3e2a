# Browser test of the HTML report: build it with the report driver, open a test copy in headless
# Chromium with a probe script, dump the DOM and check the probe's verdict; save a screenshot of
# the page and of every chart on its own (WORK_DIR/chart-<id>.png).
# The probe also checks what a credit committee reads (issue 13 section 6): no chart text outside
# its chart, no sub/superscripts (gnuplot's enhanced text turns p90_volume into p90 + subscript),
# every stress scenario name printed literally in the stress chart, money with thousands
# separators or m/bn (no raw 84000000, no 4.5x10^6, no -0.0000), no table wider than the page,
# the DCF-vs-market section as tables rather than <pre> text, and the outstanding-principal fan
# titled for what it plots.
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
  // Text outside its chart (a clipped label), and sub/superscripts (tspans shifted by dy).
  var overflow = [], shifted = [];
  charts.forEach(function (c) {
    var r = c.getBoundingClientRect(), id = c.parentNode.id;
    c.querySelectorAll('text').forEach(function (t) {
      var b = t.getBoundingClientRect();
      if (b.width > 0 && (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1))
        overflow.push(id + ':' + t.textContent.trim());
    });
    c.querySelectorAll('tspan[dy]').forEach(function (t) { shifted.push(id + ':' + t.textContent.trim()); });
  });
  // Stress scenario names (first column of the stress table) printed literally in the stress chart.
  var missing = [];
  var stress = document.querySelector('#chart-stress svg');
  var names = stress ? Array.prototype.map.call(stress.querySelectorAll('text'), function (t) { return t.textContent.trim(); }) : [];
  var stressTable = null;
  document.querySelectorAll('h2').forEach(function (h) {
    if (h.textContent === 'Stress scenarios') { var n = h.nextElementSibling; while (n && n.tagName !== 'TABLE') n = n.nextElementSibling; stressTable = n; }
  });
  var scenarios = stressTable ? stressTable.querySelectorAll('tbody tr td:first-child') : [];
  scenarios.forEach(function (td) { if (names.indexOf(td.textContent) < 0) missing.push(td.textContent); });
  // Money: table cells of money/price columns and key-value rows, and the tics and labels of the
  // money charts. The folded compare-fields table shows compare.csv's digits on purpose.
  var raw = [], money = [];
  document.querySelectorAll('td.money, td.real, table.kv td').forEach(function (td) {
    var th = td.parentNode.querySelector('th');  // key-value rows: a tick index is not money
    if (!td.closest('#compare-fields') && !(th && /\(ticks\)/.test(th.textContent))) money.push(td.textContent.trim());
  });
  ['chart-waterfall', 'chart-principal-fan', 'chart-tornado', 'chart-frontier'].forEach(function (id) {
    document.querySelectorAll('#' + id + ' svg text').forEach(function (t) { money.push(t.textContent.trim()); });
  });
  money.forEach(function (text) { if (/(^|[^\d,.])\d{5,}/.test(text)) raw.push(text); });
  // Everywhere but the compare-fields table: no "x10^n" tics and no negative zero.
  var everywhere = [];
  document.querySelectorAll('td, th, p, figcaption, caption, svg text').forEach(function (e) {
    if (!e.closest('#compare-fields')) everywhere.push(e.textContent.trim());
  });
  everywhere.forEach(function (text) {
    if (text.indexOf('\u00d710') >= 0 || /(^|[^\d.])-0(\.0+)?(?![\d.])/.test(text) || /(^|[^\d.])-0\.0+%/.test(text)) raw.push(text);
  });
  // Titles say what is plotted: the fan of outstanding principal was titled "token value".
  var titles = [];
  var principal = document.querySelector('#chart-principal-fan svg');
  if (!principal || !/outstanding principal per token/.test(principal.textContent)) titles.push('chart-principal-fan');
  charts.forEach(function (c) { if (/[A-Z][A-Z0-9-]* token value/.test(c.textContent)) titles.push(c.parentNode.id + ': token value'); });
  var wide = document.documentElement.scrollWidth > window.innerWidth ? String(document.documentElement.scrollWidth) : '';
  var pre = document.querySelectorAll('pre').length;
  var verdict = document.createElement('div');
  verdict.id = 'probe-result';
  verdict.setAttribute('data-overflow', overflow.join(' | '));
  verdict.setAttribute('data-shifted', shifted.join(' | '));
  verdict.setAttribute('data-scenarios', String(scenarios.length));
  verdict.setAttribute('data-missing', missing.join(' | '));
  verdict.setAttribute('data-raw', raw.join(' | '));
  verdict.setAttribute('data-wide', wide);
  verdict.setAttribute('data-titles', titles.join(' | '));
  verdict.setAttribute('data-pre', String(pre));
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
foreach(check overflow shifted scenarios missing raw wide pre titles)
  string(REGEX MATCH "data-${check}=\"([^\"]*)\"" _ "${result}")
  set(${check} "${CMAKE_MATCH_1}")
endforeach()
message(STATUS "chromium: ${scenarios} stress scenarios; overflow '${overflow}', shifted '${shifted}', missing '${missing}', "
               "raw '${raw}', wide '${wide}', pre ${pre}, titles '${titles}'")
# Each check: the probe's list must be empty, or the test fails with the message.
include("${CMAKE_CURRENT_LIST_DIR}/probe_check.cmake")
pftoken_probe_check("${result}" overflow "chart text outside its chart (clipped)")
pftoken_probe_check("${result}" shifted "sub/superscripts in chart text (labels not printed literally)")
pftoken_probe_check("${result}" missing "stress scenario names not printed literally in the stress chart")
pftoken_probe_check("${result}" raw "money not formatted (raw digits, x10^n or negative zero)")
pftoken_probe_check("${result}" wide "the page is wider than the window (px; a table overflows)")
pftoken_probe_check("${result}" titles "chart titles that do not say what is plotted")
if(scenarios LESS 10)
  message(FATAL_ERROR "the stress table has ${scenarios} scenarios, expected the shipped library's (>= 10)")
endif()
if(NOT pre EQUAL 0)
  message(FATAL_ERROR "the report has ${pre} <pre> blocks: tables must be HTML tables")
endif()

execute_process(COMMAND "${CHROMIUM}" ${flags} "--screenshot=${WORK_DIR}/report.png" "file://${html}"
  RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0 OR NOT EXISTS "${WORK_DIR}/report.png")
  message(FATAL_ERROR "chromium --screenshot failed (exit ${rc}):\n${err}")
endif()

# Every chart on its own page, screenshotted (the files are kept for a look: WORK_DIR/chart-*.png).
string(FIND "${page}" "<body>" body_at)
math(EXPR body_at "${body_at} + 6")
string(SUBSTRING "${page}" 0 ${body_at} head)
set(rest "${page}")
set(shots 0)
string(FIND "${rest}" "<figure class=\"chart\" id=\"" at)
while(NOT at EQUAL -1)
  string(SUBSTRING "${rest}" ${at} -1 rest)
  string(FIND "${rest}" "</figure>" end)
  math(EXPR end "${end} + 9")
  string(SUBSTRING "${rest}" 0 ${end} figure)
  string(SUBSTRING "${rest}" ${end} -1 rest)
  string(REGEX MATCH "^<figure class=\"chart\" id=\"([^\"]+)\"" _ "${figure}")
  set(id "${CMAKE_MATCH_1}")
  file(WRITE "${WORK_DIR}/${id}.html" "${head}${figure}</body></html>\n")
  execute_process(COMMAND "${CHROMIUM}" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
      --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage
      "--user-data-dir=${WORK_DIR}/profile" --window-size=1000,640 "--screenshot=${WORK_DIR}/${id}.png" "file://${WORK_DIR}/${id}.html"
    RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 120)
  file(SIZE "${WORK_DIR}/${id}.png" bytes)
  if(NOT rc EQUAL 0 OR bytes LESS 10000)
    message(FATAL_ERROR "chromium --screenshot of ${id} failed (exit ${rc}, ${bytes} bytes):\n${err}")
  endif()
  math(EXPR shots "${shots} + 1")
  string(FIND "${rest}" "<figure class=\"chart\" id=\"" at)
endwhile()
if(NOT shots EQUAL expected)
  message(FATAL_ERROR "screenshotted ${shots} charts, the page has ${expected}")
endif()
message(STATUS "screenshots: ${WORK_DIR}/report.png and ${shots} charts (${WORK_DIR}/chart-*.png)")
