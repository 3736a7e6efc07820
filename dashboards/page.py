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
figure.chart { margin: 18px 0 26px; }
h3.figtitle { font-size: 1.02rem; margin: 0 0 4px; overflow-wrap: anywhere; }
ul.legend { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap;
            gap: 4px 18px; font-size: 0.88rem; }
ul.legend li { display: flex; align-items: center; gap: 6px; overflow-wrap: anywhere; }
.sw { flex: none; display: inline-block; width: 16px; height: 10px; background: var(--c); }
.sw-line { height: 3px; }
.glyph { flex: none; color: var(--c); width: 16px; text-align: center; }
.caption { margin: 4px 0; }
p.csv { margin: 2px 0; }
button.csvlink { font: inherit; font-size: 0.85rem; color: #0072B2; background: none;
                 border: 1px solid #0072B2; border-radius: 4px; padding: 2px 8px; cursor: pointer; }
.nm { color: #555; }
details > summary { cursor: pointer; color: #0072B2; margin: 6px 0; }
.alert { border-left: 4px solid #D55E00; padding: 6px 12px; background: #fff4ec; }
.tablewrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.88rem; margin: 8px 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #555; font-size: 0.9rem; }
.sim { color: #D55E00; font-weight: 700; }
code, .payload { font-family: ui-monospace, monospace; font-size: 0.82rem; word-break: break-all; }
@media (max-width: 600px) { h1 { font-size: 1.3rem; } .plot { min-height: 320px; }
                            table { font-size: 0.8rem; } }
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
  // A phone gets fewer, unrotated ticks, smaller text and no toolbar (it covered the titles).
  var narrow = window.matchMedia("(max-width: 600px)").matches;
  var nodes = document.querySelectorAll("div.plot[data-figure]");
  for (var i = 0; i < nodes.length; i++) {
    var spec = JSON.parse(document.getElementById(nodes[i].dataset.figure).textContent);
    if (narrow) {
      spec.layout.font = Object.assign({}, spec.layout.font, {size: 11});
      ["xaxis", "yaxis"].forEach(function (axis) {
        var a = spec.layout[axis] = spec.layout[axis] || {};
        if (a.type === "date" || a.nticks) { a.nticks = 4; }
        a.tickfont = Object.assign({}, a.tickfont, {size: 10});
      });
    }
    await Plotly.newPlot(nodes[i], spec.data, spec.layout,
                         {responsive: true, displaylogo: false,
                          displayModeBar: narrow ? false : "hover"});
  }
  document.body.dataset.chartsDrawn = String(nodes.length);
})();
// Every chart's data as a CSV file, made in the browser from the page itself (works offline).
document.querySelectorAll("button.csvlink").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = JSON.parse(document.getElementById(button.dataset.csv).textContent);
    var url = URL.createObjectURL(new Blob([text], {type: "text/csv;charset=utf-8"}));
    var link = document.createElement("a");
    link.href = url;
    link.download = button.dataset.name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
});
</script>
</body>
</html>
"""
)

METHODS = Template(
    """
<h2 id="methods">Methods, in plain words</h2>
<ul>
<li><b>Daily counts.</b> Each posting is counted once (duplicates across feeds and re-polls are
merged) on its own posting date in UTC; the moving average is the mean of the last 84 complete
days (12 weeks), which smooths the weekly rhythm of posting.</li>
<li><b>The study's statistic (ma_endpoints).</b> The 84-day moving average now against its
value on the event date, as the published Upwork analysis did. It has no error bar and no
control for season or for the whole market growing or shrinking: read it as a description, not
a cause. It is shown beside the honest estimate, labelled as the study's.</li>
<li><b>Window.</b> Mean daily postings in a window after the event against a window before,
with a 95% block-bootstrap interval.</li>
<li><b>Share.</b> The same comparison for the subject's share of all postings that day, so a
platform-wide rise or fall cancels out.</li>
<li><b>Difference-in-differences (did).</b> The subject's change minus the change of its
control, with a 95% interval from weekly fits whose errors may persist or drift. On this page
the control is: <b>$controls</b> (by default the typical donor categories: of all categories
but the subject, Other (where AI work with no category of its own lands) and the most exposed
third, the half whose own change was nearest the median category's, each weighted equally;
all other postings when fewer than three qualify; <code>[analytics] controls</code> names
categories to use instead, ones you believe unaffected). A did number is relative to its
control: if the control moved, so does every did. <code>did_external</code> uses an imported
economy-wide index instead.</li>
<li><b>Interrupted time series (its).</b> A trend-and-season model fitted before the event,
projected forward; the delta is the gap between what happened and the projection.</li>
<li><b>Honest estimate.</b> The headline and the diamonds use, per subject, the first
meaningful method with an interval in the order did, its, window, share; each row of the
tables and each legend names the method used.</li>
<li><b>n/m (not meaningful).</b> A method whose before-window base has fewer postings than the
floor (<code>[analytics] base_floor</code>) gives no percentage: the chart says
"n/m" with the count instead of drawing a bar.</li>
<li><b>Week on week.</b> Postings in the last 7 days against the 7 before; the 95% interval
treats both weeks' counts as Poisson (exp(log ratio &plusmn; 1.96 &radic;(1/a + 1/b))), which
is too narrow when postings arrive in bursts.</li>
<li><b>Pay.</b> Median hourly rate in USD, only from postings that state an hourly rate (fixed
budgets are never turned into hourly); the interval on the change is a 95% bootstrap. The
mix-fixed median holds the before-window mix of sub-categories fixed.</li>
<li><b>Caveats.</b> Feeds show a sample of postings, not all of them; a feed that breaks or
changes shows up as a drop. Check the data-quality section before trusting a change. Simulated
postings, when present, are synthetic test data and are flagged wherever they appear.</li>
</ul>
"""
)
