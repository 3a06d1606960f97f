fetch('https://api.worker-host.no/data.json').then(r => r.text());
