// daihoi: the dashboard's chart of the share of cells held by day, drawn
// with Chart.js from the JSON the page carries (no inline script: the CSP
// allows scripts from this site only). Chart.js (200 KB) is fetched only
// when the chart comes near the screen: a phone that never scrolls to it
// never loads it.
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("cells-data");
    var canvas = document.getElementById("cells-chart");
    if (!data || !canvas || !window.Chart) { return; }
    var d = JSON.parse(data.textContent);
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
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  function load() {
    var canvas = document.getElementById("cells-chart");
    if (!canvas) { return; }
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
