// daihoi: the dashboard's chart of the share of cells held by day, drawn
// with Chart.js from the JSON the page carries (no inline script: the CSP
// allows scripts from this site only).
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
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
