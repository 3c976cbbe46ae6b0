// daihoi: a refusal stays in view at the top of the page until the next
// page; its × closes it, once read. The button shows only where this
// script runs. No inline script: the CSP allows scripts from this site only.
(function () {
  "use strict";
  function show(root) {
    root.querySelectorAll("[data-dismiss][hidden]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { show(document); });
  document.addEventListener("htmx:afterSettle", function () { show(document); });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-dismiss]");
    if (b && b.parentNode) {
      b.parentNode.remove();
    }
  });
})();
