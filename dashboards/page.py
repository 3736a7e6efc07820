"""The report page's shell: CSS, the plotting bootstrap and the methods text (static HTML).

Filled with string.Template; every $value substituted here is already-escaped HTML.
"""

from __future__ import annotations

from string import Template

PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1a1a1a; background: #fff; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 0 14px 40px; }
h1 { font-size: 1.6rem; margin: 18px 0 6px; }
h2 { margin-top: 34px; border-bottom: 2px solid #0072B2; }
.banner { background: #D55E00; color: #fff; padding: 12px 14px; font-weight: 700; }
.headline li { margin: 6px 0; }
.plot { width: 100%; min-height: 380px; }
.tablewrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.88rem; margin: 8px 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #555; font-size: 0.9rem; }
.sim { color: #D55E00; font-weight: 700; }
code, .payload { font-family: ui-monospace, monospace; font-size: 0.82rem; word-break: break-all; }
@media (max-width: 600px) { h1 { font-size: 1.3rem; } .plot { min-height: 320px; } }
</style>
</head>
<body>
$banner
<main>
<h1>$title</h1>
<p class="muted">$subtitle</p>
$body
</main>
<p id="noplot" class="muted" hidden>Charts need a browser with DecompressionStream
(Chrome 80+, Firefox 113+, Safari 16.4+).</p>
<script type="application/octet-stream" id="plotly-gz">$plotlyjs</script>
<script>
(async function () {
  if (typeof DecompressionStream === "undefined") {
    document.getElementById("noplot").hidden = false;
    return;
  }
  var b64 = document.getElementById("plotly-gz").textContent;
  var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  var code = await new Response(stream).text();
  var tag = document.createElement("script");
  tag.textContent = code;
  document.head.appendChild(tag);
  var nodes = document.querySelectorAll("div.plot[data-figure]");
  for (var i = 0; i < nodes.length; i++) {
    var spec = JSON.parse(document.getElementById(nodes[i].dataset.figure).textContent);
    await Plotly.newPlot(nodes[i], spec.data, spec.layout,
                         {responsive: true, displaylogo: false});
  }
  document.body.dataset.chartsDrawn = String(nodes.length);
})();
</script>
</body>
</html>
"""
)

METHODS_HTML = """
<h2 id="methods">Methods, in plain words</h2>
<ul>
<li><b>Daily counts.</b> Each posting is counted once (duplicates across feeds and re-polls are
merged) on its own posting date in UTC; the moving average is the mean of the last 84 complete
days (12 weeks), which smooths the weekly rhythm of posting.</li>
<li><b>Study-style delta (ma_endpoints).</b> The 84-day moving average now against its value on
the event date, as the published Upwork analysis did. It has no error bar and no control for
season or for the whole market growing or shrinking: read it as a description, not a cause.</li>
<li><b>Window.</b> Mean daily postings in a window after the event against a window before,
with a 95% bootstrap interval.</li>
<li><b>Share.</b> The same comparison for the category's share of all postings that day, so a
platform-wide rise or fall cancels out.</li>
<li><b>Difference-in-differences (did).</b> The category's change minus the change of a control
series (all other postings or an external index); the interval is 95%.</li>
<li><b>Interrupted time series (its).</b> A trend-and-season model fitted before the event,
projected forward; the delta is the gap between what happened and the projection.</li>
<li><b>Honest method.</b> The chart beside the study-style bars uses the first meaningful method
with an interval in the order did, its, window, share, and names it.</li>
<li><b>Pay.</b> Median hourly rate in USD, only from postings that state an hourly rate (fixed
budgets are never turned into hourly); the interval on the change is a 95% bootstrap.</li>
<li><b>Caveats.</b> Feeds show a sample of postings, not all of them; a feed that breaks or
changes shows up as a drop. Check the data-quality section before trusting a change. Simulated
postings, when present, are synthetic test data and are flagged wherever they appear.</li>
</ul>
"""
