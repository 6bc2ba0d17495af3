// The week grid: Enter moves to the next day's hours, Ctrl+Enter saves, and a live note warns
// when the week's 1:1 coaching goes above the weekly commitment (a warning, never a refusal).
(function () {
  "use strict";
  const form = document.getElementById("week-grid");
  if (!form) return;
  const durations = Array.from(form.querySelectorAll("input.duration"));
  const ceiling = Number(form.dataset.ceilingMinutes || 240);
  const alreadyLogged = Number(form.dataset.loggedOneOnOne || 0);
  const live = document.getElementById("live-ceiling");

  function minutes(text) {
    const value = (text || "").trim().toLowerCase().replace(",", ".");
    if (!value) return 0;
    let m = value.match(/^(\d{1,2}):([0-5]\d)$/);
    if (m) return Number(m[1]) * 60 + Number(m[2]);
    m = value.match(/^(\d{1,4})\s*m(in)?$/);
    if (m) return Number(m[1]);
    const hours = Number(value.replace(/h$/, ""));
    return Number.isFinite(hours) ? Math.round(hours * 60) : 0;
  }

  function update() {
    let planned = 0;
    form.querySelectorAll("tbody tr").forEach((row) => {
      const kind = row.querySelector("select.kind");
      const duration = row.querySelector("input.duration");
      if (kind && duration && kind.value === "one_on_one") planned += minutes(duration.value);
    });
    const total = alreadyLogged + planned;
    if (planned > 0 && total > ceiling) {
      live.textContent = `With these rows, 1:1 coaching this week is ${total / 60} hours: above the ${ceiling / 60}-hour weekly commitment. You can still save.`;
      live.classList.remove("d-none");
    } else {
      live.classList.add("d-none");
    }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.target.tagName === "BUTTON") return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    const index = durations.indexOf(event.target);
    if (index >= 0) {
      event.preventDefault();
      const next = durations[index + 1];
      if (next) next.focus();
    }
  });
  // A refused week: the reader starts at the list of what to fix (each item links its field);
  // otherwise at the first day still empty.
  const summary = document.getElementById("error-summary");
  const firstEmpty = durations.find((input) => !input.value);
  if (summary) summary.focus();
  else if (firstEmpty) firstEmpty.focus();
  update();
})();
