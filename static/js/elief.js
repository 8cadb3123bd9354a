// Elief's own script, loaded with `defer` on every page. Behaviour hangs on data-
// attributes through event delegation, never on inline handlers: the Content-Security-
// Policy allows no inline script. Every page works without it where it can.
(function () {
  "use strict";

  // <button type="button" data-print hidden>: a print button, hidden until it can work.
  function showPrintButtons(root) {
    root.querySelectorAll("[data-print][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }
  showPrintButtons(document);
  document.addEventListener("htmx:load", function (event) {
    showPrintButtons(event.target);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // <input data-autosubmit>: submitting the form when the field changes (the form keeps
  // its own submit button for pages without JavaScript).
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) {
      field.form.requestSubmit();
    }
  });

  // <nav data-arrow-keys> with links rel=prev and rel=next: the arrow keys follow them,
  // unless someone is typing in a field.
  document.addEventListener("keyup", function (event) {
    if (event.target.closest("input, select, textarea, [contenteditable]")) return;
    var rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
    var link = rel && document.querySelector("[data-arrow-keys] a[rel=" + rel + "]");
    if (link) link.click();
  });
})();
