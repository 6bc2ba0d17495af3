(function () {
  "use strict";
  var data = CohortCharts.readJSON("volume-data");
  if (!data) { return; }
  CohortCharts.bar("chart-month", data.per_month);
  CohortCharts.line("chart-day", data.per_day);
  CohortCharts.bar("chart-category", data.by_category, { horizontal: true });
  CohortCharts.bar("chart-type", data.by_call_type, { horizontal: true });
  CohortCharts.heatmap("chart-how", data.hour_of_week, "calls");
  CohortCharts.bar("chart-source", data.by_source);
  CohortCharts.bar("chart-initiated", data.by_initiated);
  CohortCharts.bar("chart-priority", data.by_priority);
  CohortCharts.bar("chart-beat", data.by_beat, { horizontal: true });
  var el = document.getElementById("chart-time");
  if (el && data.time_on_task.length) {
    var names = data.time_on_task.map(function (r) { return r[0]; }).reverse();
    Plotly.newPlot(el, [
      { type: "bar", orientation: "h", name: "median minutes on scene", y: names, x: data.time_on_task.map(function (r) { return r[1]; }).reverse() },
      { type: "bar", orientation: "h", name: "unit-hours", y: names, x: data.time_on_task.map(function (r) { return r[2]; }).reverse(), xaxis: "x2" }
    ], { grid: { rows: 1, columns: 2 }, margin: { t: 30, r: 10, b: 40, l: 260 }, height: Math.max(300, 22 * names.length + 60), legend: { orientation: "h", y: 1.08 } },
    { displaylogo: false, responsive: true });
    CohortCharts.describe(el, "Bar charts by call type; the longest median times on scene: " +
      CohortCharts.largest(data.time_on_task.map(function (r) { return [r[0], r[1]]; }), 3) +
      " minutes; the most unit-hours: " +
      CohortCharts.largest(data.time_on_task.map(function (r) { return [r[0], r[2]]; }), 3) + ".");
  }
})();
