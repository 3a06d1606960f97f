document.documentElement.dataset.formler = "rendered";
