/* The scenario builder: every change of the criteria asks the server for fresh results. */
(function () {
  "use strict";
  var form = document.getElementById("scenario-form");
  var box = document.getElementById("scenario-results");
  if (!form || !box) { return; }
  var LABELS = {};
  function set(name, value) {
    var el = box.querySelector('[data-result="' + name + '"]');
    if (el) { el.textContent = value; }
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function render(r) {
    if (!r || r.eligible_calls === undefined) { return; }
    set("error", "");
    set("eligible_calls", fmt(r.eligible_calls));
    set("share", (r.share * 100).toFixed(1) + "%");
    set("per_year", fmt(Math.round(r.per_year)));
    set("projection", r.projected ? "Projected to a year from " + r.days + " days (" +
      (r.days / 7).toFixed(1) + " weeks) of data" + (r.days < 90 ? "; seasonal changes are not seen." : ".") : "");
    set("per_day", r.per_day);
    set("police_hours", fmt(r.unit_hours.police_per_year));
    set("ems_hours", fmt(r.unit_hours.ems_per_year));
    set("hours_note", r.unit_hours.estimated ? "(estimated from the minutes per call below)" : "");
    set("staffing", r.staffing.peak_teams + " team(s) at the busiest hour, " + fmt(r.staffing.team_hours_per_week) +
      " team-hours per week to answer " + Math.round(r.staffing.target_share * 100) + "% within " + r.staffing.within_minutes +
      " minutes (Erlang C, " + r.staffing.minutes_per_call + " min per call: " + r.staffing.minutes_source + ")");
    CohortCharts.heatmap("chart-eligible-how", r.hour_of_week, "calls / week");
    var teams = [];
    for (var d = 0; d < 7; d++) { teams.push(r.staffing.teams_by_hour.slice(d * 24, d * 24 + 24)); }
    CohortCharts.heatmap("chart-teams", teams, "teams");
    var body = box.querySelector('[data-result="top_call_types"]');
    body.textContent = "";
    r.top_call_types.forEach(function (t) {
      var tr = document.createElement("tr");
      [t.call_type, t.category_label || t.category, fmt(t.count), fmt(t.per_year)].forEach(function (v, i) {
        var td = document.createElement("td");
        td.textContent = v;
        if (i > 1) { td.className = "text-end"; }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    box.dataset.loaded = "1";
  }
  var timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(form.dataset.previewUrl, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (resp) { return resp.json().then(function (data) { return { ok: resp.ok, data: data }; }); })
        .then(function (res) {
          if (res.ok) { render(res.data); return; }
          set("error", res.data.error || "Check the criteria: " + Object.keys(res.data.errors || {}).join(", "));
        })
        .catch(function () { set("error", "Could not update the results."); });
    }, 250);
  }
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  var initial = CohortCharts.readJSON("scenario-initial");
  if (initial && initial.eligible_calls !== undefined) { render(initial); } else { refresh(); }
})();
