document.body && document.body.setAttribute("data-app", "1");
