/* Small helpers around Plotly (served offline) shared by the call-data pages. */
(function () {
  "use strict";
  var DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var HOURS = [];
  for (var h = 0; h < 24; h++) { HOURS.push(String(h).padStart(2, "0") + ":00"); }
  var CONFIG = { displaylogo: false, responsive: true };
  function layout(extra) {
    return Object.assign({ margin: { t: 10, r: 10, b: 40, l: 50 }, height: 300 }, extra || {});
  }
  // A chart's text alternative (WCAG 1.1.1): its heading and the figures a reader would look
  // for first, in a visually hidden paragraph the chart points to with aria-describedby (a
  // role="img" box would hide Plotly's own controls inside an image).
  function describe(el, summary) {
    var heading = el.previousElementSibling;
    while (heading && !/^H[2-6]$/.test(heading.tagName)) { heading = heading.previousElementSibling; }
    if (!heading) {
      var section = el.closest("section, .card, div[class^='col']");
      heading = section ? section.querySelector("h2, h3, h4, h5, h6") : null;
    }
    var id = el.id + "-summary";
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "visually-hidden";
      el.insertAdjacentElement("afterend", note);
      el.setAttribute("aria-describedby", id);
    }
    note.textContent = (heading ? heading.textContent.trim() + ". " : "") + summary;
  }
  function largest(pairs, n) {
    var top = pairs.filter(function (p) { return Number(p[1]) > 0; })
      .sort(function (a, b) { return b[1] - a[1]; }).slice(0, n);
    return top.length ? top.map(function (p) { return p[0] + ": " + Number(p[1]).toLocaleString("en-US"); }).join("; ") : "none above zero";
  }
  window.CohortCharts = {
    bar: function (id, pairs, opts) {
      var el = document.getElementById(id);
      if (!el || !pairs) { return; }
      opts = opts || {};
      var xs = pairs.map(function (p) { return p[0]; });
      var ys = pairs.map(function (p) { return p[1]; });
      var trace = opts.horizontal
        ? { type: "bar", orientation: "h", x: ys.slice().reverse(), y: xs.slice().reverse() }
        : { type: "bar", x: xs, y: ys };
      var extra = opts.horizontal
        ? { margin: { t: 10, r: 10, b: 40, l: 260 }, height: Math.max(300, 22 * pairs.length + 60), yaxis: { type: "category" } }
        : { xaxis: { type: "category" } };
      Plotly.newPlot(el, [trace], layout(extra), CONFIG);
      describe(el, "Bar chart of " + pairs.length + " values; the largest: " + largest(pairs, 5) + ".");
    },
    line: function (id, pairs) {
      var el = document.getElementById(id);
      if (!el || !pairs) { return; }
      Plotly.newPlot(el, [{ type: "scatter", mode: "lines", x: pairs.map(function (p) { return p[0]; }), y: pairs.map(function (p) { return p[1]; }) }], layout(), CONFIG);
      describe(el, "Line chart from " + (pairs.length ? pairs[0][0] + " to " + pairs[pairs.length - 1][0] : "no data") +
        "; the highest: " + largest(pairs, 3) + ".");
    },
    heatmap: function (id, matrix, title) {
      var el = document.getElementById(id);
      if (!el || !matrix) { return; }
      Plotly.newPlot(el, [{ type: "heatmap", z: matrix, x: HOURS, y: DAYS, colorscale: "YlOrRd", hovertemplate: "%{y} %{x}: %{z}<extra></extra>", colorbar: { title: title || "" } }],
        layout({ yaxis: { autorange: "reversed" } }), CONFIG);
      var cells = [];
      matrix.forEach(function (row, d) { row.forEach(function (v, h) { cells.push([DAYS[d] + " " + HOURS[h], v]); }); });
      describe(el, "Heat map of " + (title || "values") + " by day of the week and hour; the highest: " + largest(cells, 3) + ".");
    },
    describe: describe,
    largest: largest,
    readJSON: function (id) {
      var el = document.getElementById(id);
      return el ? JSON.parse(el.textContent) : null;
    }
  };
})();
