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
    field.setAttribute("aria-expanded", "false");
    field.focus();
  });
})();

// The same field and its list from the keyboard (the field is an ARIA
// combobox): the field says whether its list is open; Down goes from the
// field into the list, Up and Down move in it, Escape closes it and goes
// back to the field; Enter on a unit picks it, as a click does.
(function () {
  "use strict";
  function links(list) { return Array.prototype.slice.call(list.querySelectorAll("a[data-code]")); }
  function fieldOf(list) { return document.getElementById(list.getAttribute("data-pick-for")); }
  function mark(list) {
    var field = fieldOf(list);
    if (field) { field.setAttribute("aria-expanded", links(list).length > 0 ? "true" : "false"); }
  }
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-pick-for]").forEach(mark);
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!t || !t.closest) { return; }
    var list, items, i;
    if (t.getAttribute && t.getAttribute("role") === "combobox") {
      list = document.getElementById(t.getAttribute("aria-controls"));
      if (!list) { return; }
      items = links(list);
      if (e.key === "ArrowDown" && items.length > 0) {
        e.preventDefault();
        mark(list);
        items[0].focus();
      } else if (e.key === "Escape" && items.length > 0) {
        list.textContent = "";
        mark(list);
      }
      return;
    }
    list = t.closest("[data-pick-for]");
    if (!list || !t.matches("a[data-code]")) { return; }
    items = links(list);
    i = items.indexOf(t);
    if (e.key === "ArrowDown" && i < items.length - 1) {
      e.preventDefault();
      items[i + 1].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (i > 0) { items[i - 1].focus(); } else { fieldOf(list).focus(); }
    } else if (e.key === "Escape") {
      e.preventDefault();
      list.textContent = "";
      mark(list);
      fieldOf(list).focus();
    }
  });
})();
