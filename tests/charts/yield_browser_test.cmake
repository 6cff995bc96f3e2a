# Browser test of `pftoken yield backtest --plots` (docs/tools/yield.md) on the shipped example:
# every chart is opened on its own page in headless Chromium with a probe, which checks what a
# credit committee reads (issue 13 section 6): no text outside the chart, no sub/superscripts
# (staking_eth_loop printed literally), tic labels from nice_ticks (no raw 1000000, no 4.5x10^6,
# no negative zero), the equity axes in currency (1.000m) and a title on every chart; then each
# page is screenshotted (WORK_DIR/<chart>.png, kept for a look).
# Inputs: PFTOKEN, CHROMIUM, SOURCE_DIR, WORK_DIR.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/profile")
execute_process(
  COMMAND "${PFTOKEN}" yield backtest "${SOURCE_DIR}/data/examples/yield/spec.yaml" --data "${SOURCE_DIR}/data/examples/yield"
    --plots "${WORK_DIR}/plots" --quiet
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pftoken yield backtest failed (exit ${rc}):\n${out}\n${err}")
endif()

set(probe [=[<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
window.addEventListener('load', function () {
  var c = document.querySelector('svg');
  var r = c.getBoundingClientRect();
  var overflow = [], shifted = [], raw = [];
  c.querySelectorAll('text').forEach(function (t) {
    var b = t.getBoundingClientRect(), text = t.textContent.trim();
    if (b.width > 0 && (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1))
      overflow.push(text);
    if (/\d{5,}/.test(text) || text.indexOf('\u00d710') >= 0 || /(^|[^\d.])-0(\.0+)?(?![\d.])/.test(text)) raw.push(text);
  });
  c.querySelectorAll('tspan[dy]').forEach(function (t) { shifted.push(t.textContent.trim()); });
  var texts = Array.prototype.map.call(c.querySelectorAll('text'), function (t) { return t.textContent.trim(); });
  var verdict = document.createElement('div');
  verdict.id = 'probe-result';
  verdict.setAttribute('data-size', r.width > 0 && r.height > 0 ? 'ok' : 'zero');
  verdict.setAttribute('data-overflow', overflow.join(' | '));
  verdict.setAttribute('data-shifted', shifted.join(' | '));
  verdict.setAttribute('data-raw', raw.join(' | '));
  verdict.setAttribute('data-texts', texts.join(' | ').replace(/"/g, "'"));
  verdict.setAttribute('data-errors', window.__errors.join(' | '));
  document.body.appendChild(verdict);
});
</script>]=])

include("${CMAKE_CURRENT_LIST_DIR}/probe_check.cmake")
set(flags --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --disable-dev-shm-usage "--user-data-dir=${WORK_DIR}/profile")
set(expected equity_usdt equity_eth health_factor liquidation_distance exposure attribution)
foreach(name IN LISTS expected)
  set(svg_file "${WORK_DIR}/plots/${name}.svg")
  if(NOT EXISTS "${svg_file}")
    message(FATAL_ERROR "yield backtest --plots wrote no ${name}.svg")
  endif()
  file(READ "${svg_file}" svg)
  string(FIND "${svg}" "<svg" at)
  string(SUBSTRING "${svg}" ${at} -1 svg)
  file(WRITE "${WORK_DIR}/${name}.html" "<!DOCTYPE html><html><head><meta charset=\"utf-8\">${probe}</head><body style=\"margin:0\">${svg}</body></html>\n")
  execute_process(COMMAND "${CHROMIUM}" ${flags} --window-size=920,500 --virtual-time-budget=3000 --dump-dom "file://${WORK_DIR}/${name}.html"
    RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_VARIABLE err TIMEOUT 120)
  string(REGEX MATCH "<div id=\"probe-result\"[^>]*>" result "${dom}")
  if(NOT rc EQUAL 0 OR result STREQUAL "")
    message(FATAL_ERROR "${name}: chromium --dump-dom failed or the page did not load (exit ${rc}):\n${err}")
  endif()
  foreach(check size overflow shifted raw texts errors)
    string(REGEX MATCH "data-${check}=\"([^\"]*)\"" _ "${result}")
    set(${check} "${CMAKE_MATCH_1}")
  endforeach()
  message(STATUS "${name}: overflow '${overflow}', shifted '${shifted}', raw '${raw}', errors '${errors}'")
  if(NOT size STREQUAL "ok")
    message(FATAL_ERROR "${name}: the chart has zero size in chromium")
  endif()
  pftoken_probe_check("${result}" overflow "chart text outside its chart (clipped)" "${name}: ")
  pftoken_probe_check("${result}" shifted "sub/superscripts in chart text (labels not printed literally)" "${name}: ")
  pftoken_probe_check("${result}" raw "numbers not formatted (raw digits, x10^n or negative zero)" "${name}: ")
  pftoken_probe_check("${result}" errors "console / script errors in chromium" "${name}: ")
  # Titles say what is plotted; the equity axes are in currency; strategy names literal.
  set(needles "Days from the start of the backtest")
  if(name STREQUAL "equity_usdt")
    list(APPEND needles "Equity of each strategy in USD (USDT share class)" "Equity (USD)" "1.000m")
  elseif(name STREQUAL "equity_eth")
    list(APPEND needles "Equity of each strategy in ETH (ETH share class)" "Equity (ETH)" "staking_eth_loop")
  elseif(name STREQUAL "health_factor")
    list(APPEND needles "Aave health factor of each strategy with Aave debt (liquidation below 1)")
  elseif(name STREQUAL "liquidation_distance")
    list(APPEND needles "Adverse price move that would liquidate each leveraged strategy" "Adverse move to liquidation (%)")
  elseif(name STREQUAL "exposure")
    list(APPEND needles "Gross exposure of each strategy as a multiple of its equity")
  else()
    # (the & is escaped in the DOM dump and a ';' would split the list)
    set(needles "L of each strategy by source over the backtest (% of initial capital)" "staking_eth_loop")
  endif()
  foreach(needle IN LISTS needles)
    string(FIND "${texts}" "${needle}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "${name}: no text '${needle}' in the chart (texts: ${texts})")
    endif()
  endforeach()
  execute_process(COMMAND "${CHROMIUM}" ${flags} --window-size=920,500 "--screenshot=${WORK_DIR}/${name}.png" "file://${WORK_DIR}/${name}.html"
    RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 120)
  file(SIZE "${WORK_DIR}/${name}.png" bytes)
  if(NOT rc EQUAL 0 OR bytes LESS 10000)
    message(FATAL_ERROR "chromium --screenshot of ${name} failed (exit ${rc}, ${bytes} bytes):\n${err}")
  endif()
endforeach()
message(STATUS "screenshots: ${WORK_DIR}/<chart>.png for ${expected}")
