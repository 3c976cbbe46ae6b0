// daihoi: an action that takes something away (revoking a role, locking an
// account, cancelling a session...) asks first. Its form, or the button
// pressed, carries the question in data-confirm; answering no sends
// nothing. The listener runs in the capture phase, before htmx's. No inline
// script: the CSP allows scripts from this site only.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var by = e.submitter;
    var ask = (by && by.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);
})();
