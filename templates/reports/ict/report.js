// Filter and sort the ICT report's overview. Reads data-* attributes only and never writes HTML,
// so nothing a probed page said can run here.
(function () {
  "use strict";
  var controls = document.getElementById("controls");
  var filter = document.getElementById("filter");
  var search = document.getElementById("search");
  var body = document.querySelector("#matrix tbody");
  if (!controls || !filter || !search || !body) { return; }
  controls.hidden = false;
  var filtered = document.querySelectorAll("[data-verdict][data-name]");

  function visible(el) {
    var verdict = el.getAttribute("data-verdict");
    var wanted = filter.value === "all" || (filter.value === "problems" && verdict !== "ok") ||
      (filter.value === "not_ok" && verdict === "not_ok");
    var text = search.value.trim().toLowerCase();
    return wanted && (text === "" || el.getAttribute("data-name").indexOf(text) !== -1);
  }

  function apply() {
    Array.prototype.forEach.call(filtered, function (el) { el.hidden = !visible(el); });
  }

  function sortBy(key) {
    var rows = Array.prototype.slice.call(body.rows);
    var asc = body.getAttribute("data-sorted") !== key + ":asc";
    rows.sort(function (a, b) {
      var x = key === "verdict" ? Number(a.getAttribute("data-rank")) : a.getAttribute("data-name");
      var y = key === "verdict" ? Number(b.getAttribute("data-rank")) : b.getAttribute("data-name");
      var order = x < y ? -1 : (x > y ? 1 : 0);
      if (order === 0 && key === "verdict") { order = a.getAttribute("data-name") < b.getAttribute("data-name") ? -1 : 1; }
      return asc ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    body.setAttribute("data-sorted", key + (asc ? ":asc" : ":desc"));
  }

  filter.addEventListener("change", apply);
  search.addEventListener("input", apply);
  Array.prototype.forEach.call(document.querySelectorAll("button[data-sort]"), function (button) {
    button.addEventListener("click", function () { sortBy(button.getAttribute("data-sort")); });
  });
  apply();
}());
