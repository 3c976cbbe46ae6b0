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
      // The focus was on the × that goes away: it moves to the page's
      // content rather than fall back to the top of the document.
      var main = document.getElementById("main");
      b.parentNode.remove();
      if (main) {
        main.setAttribute("tabindex", "-1");
        main.focus();
      }
    }
  });
})();
