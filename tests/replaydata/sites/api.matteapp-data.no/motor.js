document.addEventListener("DOMContentLoaded", () => { document.getElementById("formel").textContent = "x² + y² = r²"; });
