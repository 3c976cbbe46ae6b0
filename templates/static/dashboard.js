// daihoi: the dashboard's chart of the share of cells held by day, drawn
// with Chart.js from the JSON the page carries (no inline script: the CSP
// allows scripts from this site only). Chart.js (200 KB) is fetched only
// when the chart comes near the screen: a phone that never scrolls to it
// never loads it. The chart's text (aria-label) gives its latest values and
// its data follows it as a table, folded, whether Chart.js loads or not.
(function () {
  "use strict";
  var phone = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;
  function chartData() {
    var data = document.getElementById("cells-data");
    return data ? JSON.parse(data.textContent) : null;
  }
  // box puts the canvas in a box of a fixed height, which Chart.js fills
  // (maintainAspectRatio: false), the legend within it: the section grows
  // with its heading and the legend never runs over what follows.
  function box(canvas) {
    if (canvas.parentNode.className === "chart-box") { return; }
    var b = document.createElement("div");
    b.className = "chart-box";
    b.style.position = "relative";
    b.style.height = phone ? "20rem" : "17rem";
    canvas.parentNode.insertBefore(b, canvas);
    b.appendChild(canvas);
    canvas.style.maxHeight = "none";
    var section = b.parentNode;
    if (section && section.classList.contains("chart")) { section.style.height = "auto"; }
  }
  // table writes the chart's data under it, in a details element.
  function table(canvas, d) {
    if (!d.rows || !d.rows.length || document.getElementById("cells-table")) { return; }
    var det = document.createElement("details");
    det.id = "cells-table";
    var sum = document.createElement("summary");
    sum.textContent = d.caption;
    det.appendChild(sum);
    var t = document.createElement("table");
    var head = t.createTHead().insertRow();
    [d.dayHead, d.shareHead].forEach(function (h) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.appendChild(th);
    });
    var body = t.createTBody();
    d.rows.forEach(function (r) {
      var tr = body.insertRow();
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = r[0];
      tr.appendChild(th);
      tr.insertCell().textContent = r[1];
    });
    det.appendChild(t);
    var after = canvas.parentNode.className === "chart-box" ? canvas.parentNode : canvas;
    after.parentNode.insertBefore(det, after.nextSibling);
  }
  function draw() {
    var canvas = document.getElementById("cells-chart");
    var d = chartData();
    if (!d || !canvas || !window.Chart) { return; }
    var sets = [{ label: d.series, data: d.held, borderColor: "#a4161a", backgroundColor: "#a4161a", pointRadius: 0, borderWidth: 2, spanGaps: false }];
    if (d.pace) {
      sets.push({ label: d.pace, data: d.paceLine, borderColor: "#5b5b60", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, spanGaps: true });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { labels: d.labels, datasets: sets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        layout: { padding: { bottom: 4 } },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } }
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 14, padding: phone ? 8 : 12, font: { size: phone ? 11 : 12 } } } }
      }
    });
  }
  function load() {
    var canvas = document.getElementById("cells-chart");
    if (!canvas) { return; }
    var d = chartData();
    if (d && d.alt) { canvas.setAttribute("aria-label", d.alt); }
    box(canvas);
    if (d) { table(canvas, d); }
    var fetched = false;
    function fetchLib() {
      if (fetched) { return; }
      fetched = true;
      var s = document.createElement("script");
      s.src = canvas.getAttribute("data-lib");
      s.onload = draw;
      document.head.appendChild(s);
    }
    if (!("IntersectionObserver" in window)) { fetchLib(); return; }
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        seen.disconnect();
        fetchLib();
      }
    }, { rootMargin: "300px" });
    seen.observe(canvas);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", load); } else { load(); }
})();
