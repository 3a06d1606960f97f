document.querySelectorAll(".formel").forEach(function (el) { el.setAttribute("data-rendered", "ja"); });
