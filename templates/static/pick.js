// daihoi: the list under a form field that takes a unit code (filled by
// htmx as one types, from /search?field=...): choosing a unit puts its code
// in the field instead of opening the unit's page. No inline script: the
// CSP allows scripts from this site only.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-pick-for] a[data-code]");
    if (!link) { return; }
    var list = link.closest("[data-pick-for]");
    var field = document.getElementById(list.getAttribute("data-pick-for"));
    if (!field) { return; }
    e.preventDefault();
    field.value = link.getAttribute("data-code");
    list.textContent = "";
    field.focus();
  });
})();
