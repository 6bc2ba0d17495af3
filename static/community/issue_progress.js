// Newsletter progress: redraw from the JSON endpoint every two seconds until the issue is sent.
(function () {
  "use strict";
  var root = document.getElementById("issue-progress");
  if (!root) return;
  var url = root.getAttribute("data-url");

  function draw(p) {
    ["status_label", "total", "sent", "failed", "suppressed", "remaining"].forEach(function (key) {
      var el = root.querySelector('[data-role="' + key + '"]');
      if (el) el.textContent = p[key];
    });
    var settled = p.sent + p.failed + p.suppressed;
    var percent = p.total ? Math.round((100 * settled) / p.total) : (p.done ? 100 : 0);
    var bar = root.querySelector('[data-role="bar"]');
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (p) {
        draw(p);
        if (!p.done) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  draw(JSON.parse(document.getElementById("issue-progress-initial").textContent));
  poll();
})();
