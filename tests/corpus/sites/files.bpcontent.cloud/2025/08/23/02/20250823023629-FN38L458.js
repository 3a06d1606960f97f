window.botpress.init({
  "botId": "7a6a7ae4-5101-4088-84f3-d0c720518c67",
  "configuration": {"botName": "Tutor Sol", "color": "#2563eb", "variant": "solid", "themeMode": "light", "radius": 1},
  "clientId": "ae58d3f8-5e51-49b9-80f5-d9ce62abec6e"
});
