// daihoi: typing a day dd/mm/yyyy on a phone's number pad, which may have
// no "/": the slashes come by themselves after the day and the month, and a
// "/" typed after one of them is not doubled. A "." "-" or space typed as
// a separator stands for "/" (08.04.2020 reads 08/04/2020). A year typed
// first (2020-04-08: "20/20" is no day and month) is left as typed. The
// server reads 25/03/2020, 25032020 and 2020-03-25 alike, so nothing
// depends on this script.
(function () {
  "use strict";
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!el || !el.hasAttribute || !el.hasAttribute("data-day")) {
      return;
    }
    if (el.value === "") {
      delete el.dataset.yearFirst;
    }
    if (e.inputType !== "insertText" || el.dataset.yearFirst) {
      return;
    }
    var v = el.value;
    if (/^[.\-\s\/]$/.test(e.data || "")) {
      v = v.replace(/[.\-\s]/g, "/").replace(/\/{2,}/g, "/");
    }
    var m = /^(\d{2})\/(\d{2})$/.exec(v);
    if (m && Number(m[2]) > 12) { // a year's first digits, not a day and a month
      el.dataset.yearFirst = "1";
      el.value = m[1] + m[2];
      return;
    }
    if (/^\d{2}$/.test(v) || /^\d{1,2}\/\d{2}$/.test(v)) {
      v += "/";
    }
    if (v !== el.value) {
      el.value = v;
    }
  });
})();

// The bulk form: typing a cell's attendance ticks the cell, so that a figure
// typed is not left on a row that is not sent (the server refuses such a
// form rather than drop the figure).
(function () {
  "use strict";
  document.addEventListener("input", function (e) {
    var el = e.target;
    var row = el && el.name && el.name.indexOf("present:") === 0 && el.closest && el.closest(".hold-row");
    var pick = row && row.querySelector("input[name=pick]");
    if (pick && el.value.trim() !== "") {
      pick.checked = true;
    }
  });
})();

// A card of My units replaced after its form was sent (htmx) takes the
// focus with it, which falls back to the page: a keyboard or screen-reader
// user would start again from the top. The focus goes to the first field
// the server refused in the new card, else to the card's title.
(function () {
  "use strict";
  var card = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    var t = e.detail && e.detail.target;
    card = t && t.id && t.classList && t.classList.contains("card") && t.contains(document.activeElement) ? t.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!card) {
      return;
    }
    var el = document.getElementById(card);
    card = null;
    // Only a focus that was lost is moved: one the user has already put
    // somewhere (typing in a field) stays there.
    var now = document.activeElement;
    if (!el || (now && now !== document.body && now !== document.documentElement)) {
      return;
    }
    var to = el.querySelector("[aria-invalid=true]") || el.querySelector("h2");
    if (to) {
      if (!to.matches("input, select, textarea, button, a[href]")) {
        to.setAttribute("tabindex", "-1");
      }
      to.focus();
    }
  });
})();
