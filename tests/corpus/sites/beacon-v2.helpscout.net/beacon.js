/* fake Help Scout Beacon 2 (https://beacon-v2.helpscout.net) */
(function () {
  var w = window, d = document;
  var q = (w.Beacon && w.Beacon.readyQueue) || [];
  function Beacon(method, options, data) { Beacon.readyQueue.push({method: method, options: options, data: data}); }
  Beacon.readyQueue = q;
  w.Beacon = Beacon;
  var c = d.createElement('div'); c.id = 'beacon-container';
  c.innerHTML = '<div class="Beacon"><iframe class="BeaconFabButtonFrame" title="Help Scout Beacon" src="about:blank"></iframe></div>';
  d.body.appendChild(c);
  var init = q.filter(function (x) { return x.method === 'init'; })[0];
  fetch('https://beaconapi.helpscout.net/v1/' + (init ? init.options : '') + '/config').catch(function () {});
})();
