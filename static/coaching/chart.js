// Stacked bar chart of hours per week by workstream (data from json_script, Plotly offline).
(function () {
  "use strict";
  const source = document.getElementById("coaching-chart-data");
  const target = document.getElementById("coaching-chart");
  if (!source || !target || typeof Plotly === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.series.length) return;
  const traces = data.series.map((s) => ({
    type: "bar",
    name: s.name,
    x: data.weeks,
    y: s.hours,
    hovertemplate: "%{y} h<extra>" + s.name + "</extra>",
  }));
  Plotly.newPlot(
    target,
    traces,
    {
      barmode: "stack",
      margin: { t: 20, r: 10, b: 50, l: 50 },
      xaxis: { title: "Week starting (Monday)", type: "date" },
      yaxis: { title: "Hours" },
      legend: { orientation: "h", y: -0.25 },
      height: 420,
    },
    { displaylogo: false, responsive: true }
  );
  target.dataset.rendered = "true";
})();
