// daihoi: typing a day dd/mm/yyyy on a phone's number pad, which may have
// no "/": the slashes come by themselves after the day and the month, and a
// "/" typed after one of them is not doubled. The server reads 25/03/2020
// as well as 25032020, so nothing depends on this script.
(function () {
  "use strict";
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!el || !el.hasAttribute || !el.hasAttribute("data-day") || e.inputType !== "insertText") {
      return;
    }
    var v = el.value;
    if (e.data === "/") {
      el.value = v.replace(/\/{2,}/g, "/");
    } else if (/^\d{2}$/.test(v) || /^\d{1,2}\/\d{2}$/.test(v)) {
      el.value = v + "/";
    }
  });
})();
