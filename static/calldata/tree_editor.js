/* Decision tree editor, enhanced: the outline works as a plain form (each button posts the
   outline to the URL of its action and the page comes back with the result); with this script
   the same posts are sent in the background and only the outline and its diagram are replaced,
   focus is kept, and each question shows only the field its test needs. */
(function () {
  "use strict";
  var form = document.getElementById("tree-editor");
  var body = document.getElementById("tree-editor-body");
  if (!form || !body || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("tree-editor-status");
  var sequence = 0;

  function showTestFields(fieldset) {
    var select = fieldset.querySelector('select[name$="-test"]');
    if (!select) { return; }
    fieldset.querySelectorAll("[data-for-test]").forEach(function (box) {
      box.hidden = box.dataset.forTest.split(" ").indexOf(select.value) === -1;
    });
  }

  function enhance() {
    body.querySelectorAll(".tree-node fieldset").forEach(showTestFields);
  }

  // Fields keep their id across a redraw; the editing buttons have none, so a button is
  // found again by its name and value (the change it makes at its place in the tree).
  function whereFocusIs() {
    var active = document.activeElement;
    if (!active || !body.contains(active)) { return null; }
    if (active.id) { return { id: active.id }; }
    if (active.tagName === "BUTTON" && active.name) { return { name: active.name, value: active.value }; }
    return null;
  }

  function findAgain(where) {
    if (!where) { return null; }
    if (where.id) { return document.getElementById(where.id); }
    var found = null;
    body.querySelectorAll("button[name]").forEach(function (button) {
      if (!found && button.name === where.name && button.value === where.value) { found = button; }
    });
    return found;
  }

  function focusAfter(where) {
    var marker = body.querySelector("[data-focus]");
    var target = null;
    if (marker && marker.dataset.focus) {
      var node = body.querySelector('.tree-node[data-path="' + marker.dataset.focus + '"]');
      target = node && (node.querySelector('input[name$="-question"]') || node.querySelector("select"));
    } else {
      target = findAgain(where);
    }
    if (target) { target.focus(); }
  }

  // button: the editing button pressed, or null to redraw the outline (the form's own action).
  function send(button) {
    var data = new FormData(form);
    if (button && button.name) { data.set(button.name, button.value); }
    var redraw = !button || button.dataset.treeEdit === "redraw";
    var mine = ++sequence;
    form.setAttribute("aria-busy", "true");
    return fetch(button ? button.formAction : form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Tree-Editor": "partial", "Accept": "text/html" }
    }).then(function (response) {
      return response.text().then(function (html) {
        if (mine !== sequence) { return; }  // a later change is on its way
        // What the person is typing into right now survives the replacement.
        var active = document.activeElement;
        var activeId = active && active.id;
        var where = whereFocusIs();
        var typing = active && active.tagName === "INPUT" && body.contains(active) &&
          (active.type === "text" || active.type === "number") ? active : null;
        var typed = typing && { value: typing.value, start: typing.selectionStart, end: typing.selectionEnd };
        body.innerHTML = html;
        enhance();
        focusAfter(where);
        var marker = body.querySelector("[data-focus]");
        if (typed && activeId && !(marker && marker.dataset.focus)) {
          var again = document.getElementById(activeId);
          if (again) {
            again.value = typed.value;
            try { again.setSelectionRange(typed.start, typed.end); } catch (e) { /* number inputs */ }
          }
        }
        if (status) { status.textContent = redraw ? "Diagram updated." : "Tree changed; diagram updated."; }
        form.removeAttribute("aria-busy");
      });
    }).catch(function () {
      form.removeAttribute("aria-busy");
      form.requestSubmit(form.querySelector('button[data-tree-edit="redraw"]'));
    });
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-tree-edit]");
    if (!button) { return; }
    event.preventDefault();
    send(button);
  });
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name && /-test$/.test(target.name)) {
      showTestFields(target.closest("fieldset"));
    }
    if (target.name && target.name !== "name" && target.name !== "note") { send(null); }
  });
  // Enter in a text field updates the diagram instead of saving.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target.type === "text") {
      event.preventDefault();
      send(null);
    }
  });
  enhance();
})();
