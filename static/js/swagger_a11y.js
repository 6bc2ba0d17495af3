/* Swagger UI draws each operation's path as a link inside the button that opens it, and a
   link inside a button is one control nested in another (WCAG 4.1.2). The button alone opens
   the operation, so the inner link loses its href (and with it its focus stop) as it is drawn. */
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  if (!root) { return; }
  function unnest() {
    root.querySelectorAll(".opblock-summary-control a[href]").forEach(function (link) {
      link.removeAttribute("href");
    });
  }
  new MutationObserver(unnest).observe(root, { childList: true, subtree: true });
})();
