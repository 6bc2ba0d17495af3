/* Polls the import's progress while it runs and reloads the page when it ends. */
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box || box.dataset.active !== "1") { return; }
  var url = box.dataset.progressUrl;
  function text(role, value) {
    var el = box.querySelector('[data-role="' + role + '"]');
    if (el) { el.textContent = value; }
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        text("status", data.status_label);
        text("phase", data.phase);
        text("rows", data.rows_read);
        var bar = box.querySelector('[data-role="bar"]');
        if (bar) { bar.style.width = data.progress + "%"; bar.textContent = data.progress + "%"; bar.parentElement.setAttribute("aria-valuenow", data.progress); }
        if (data.active) { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
