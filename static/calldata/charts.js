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
    },
    line: function (id, pairs) {
      var el = document.getElementById(id);
      if (!el || !pairs) { return; }
      Plotly.newPlot(el, [{ type: "scatter", mode: "lines", x: pairs.map(function (p) { return p[0]; }), y: pairs.map(function (p) { return p[1]; }) }], layout(), CONFIG);
    },
    heatmap: function (id, matrix, title) {
      var el = document.getElementById(id);
      if (!el || !matrix) { return; }
      Plotly.newPlot(el, [{ type: "heatmap", z: matrix, x: HOURS, y: DAYS, colorscale: "YlOrRd", hovertemplate: "%{y} %{x}: %{z}<extra></extra>", colorbar: { title: title || "" } }],
        layout({ yaxis: { autorange: "reversed" } }), CONFIG);
    },
    readJSON: function (id) {
      var el = document.getElementById(id);
      return el ? JSON.parse(el.textContent) : null;
    }
  };
})();
