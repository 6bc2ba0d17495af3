/* Repairs to markup that Django admin's own widgets build, for WCAG 2.1 AA (4.1.2, 1.3.1).
   Runs whenever the page changes, so it follows the widgets drawn after it. */
(function () {
  "use strict";
  function labelOf(id) {
    const label = id && document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }
  // A tabular inline names its columns in the table head only: "Name, row 2".
  function columnOf(control) {
    const cell = control.closest(".tabular td");
    const table = cell && cell.closest("table");
    const head = table && table.tHead && table.tHead.rows[0];
    const th = head && head.cells[cell.cellIndex];
    const title = th ? th.textContent.trim() : "";
    return title ? title + ", row " + (cell.parentElement.sectionRowIndex + 1) : "";
  }
  function nameOf(control) {
    return (control && (labelOf(control.id) || columnOf(control))) || "";
  }
  function repair() {
    // Split date/time inputs are introduced by the words "Date:" and "Time:", not by labels.
    document.querySelectorAll("p.datetime").forEach(function (p) {
      const row = p.closest(".form-row, .fieldBox");
      const rowLabel = row && row.querySelector("label");
      const field = rowLabel ? rowLabel.textContent.replace(/:\s*$/, "").trim() : "";
      p.querySelectorAll("input").forEach(function (input, index) {
        if (!input.hasAttribute("aria-label") && !labelOf(input.id)) {
          input.setAttribute("aria-label", (field ? field + ", " : "") + (index === 0 ? "date" : "time"));
        }
      });
    });
    // The autocomplete box names itself after the chosen value only: empty, it has no name.
    document.querySelectorAll(".tabular td input:not([type=hidden]), .tabular td select, .tabular td textarea").forEach(function (control) {
      if (!control.hasAttribute("aria-label") && !labelOf(control.id)) {
        const name = columnOf(control);
        if (name) { control.setAttribute("aria-label", name); }
      }
    });
    document.querySelectorAll(".select2").forEach(function (container) {
      const name = nameOf(container.previousElementSibling);
      if (!name) { return; }
      container.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (box) {
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", name); }
      });
    });
    // The magnifier icons of the two-list selector carry aria-label without a role.
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // The delete box of a tabular inline row has no label.
    document.querySelectorAll("td.delete input[type=checkbox]").forEach(function (box) {
      if (!box.hasAttribute("aria-label") && !labelOf(box.id)) { box.setAttribute("aria-label", "Delete this row"); }
    });
    // A list filter over a text field offers the empty value as a link with no text.
    document.querySelectorAll("#changelist-filter a").forEach(function (link) {
      if (!link.textContent.trim()) { link.textContent = "(empty)"; }
    });
  }
  // Widgets draw themselves on ready or on load, and inline rows come and go: repair each time.
  repair();
  window.addEventListener("load", repair);
  new MutationObserver(repair).observe(document.body, { childList: true, subtree: true });
})();
