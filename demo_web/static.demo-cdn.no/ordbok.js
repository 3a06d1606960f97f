document.addEventListener('DOMContentLoaded', () => {
  document.body.dataset.ready = 'yes';
  fetch('https://static.demo-cdn.no/ordliste.json').then((r) => r.json()).catch(() => {});
});
