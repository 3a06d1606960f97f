// nettsjekk allowlist as a proxy auto-config file; its header is the HEADER array below.
var HEADER = [
  "nettsjekk allowlist, format pac, generated 2026-11-23",
  "checkpoint: T-7",
  "lists: lists/eksamen.yaml (version test-2026)",
  "deny catalog: version test-1",
  "resources (2): eksamensressurs, ordbok-eksempel",
  "entries: 10 (9 exact hosts, 1 wildcard)",
  "left out: gammel.eksamensressurs.no: doubtful in the vendor file, never exported (Old host from a 2019 list; probably gone.); pulled in by vendor ressurs-forlag for eksamensressurs",
  "left out: cloudfront.net: doubtful in the vendor file, never exported (The vendor's list says cloudfront.net; shared CDN suffix, never exported.); pulled in by vendor ressurs-forlag for eksamensressurs",
  "left out: idp.feide.no: inferred in the vendor file and never seen by a probe; not exported; pulled in by vendor _platform",
  "left out: translate.googleapis.com: denied (translation: Google Translate API), blocked as intended; pulled in by probes of eksamensressurs"
];
// Host-only matching (browsers strip the path of https URLs before calling FindProxyForURL).
// Allowed hosts -> DIRECT; everything else -> PROXY 127.0.0.1:9 (nothing listens there).
var ALLOWED = "DIRECT";
var BLOCKED = "PROXY 127.0.0.1:9";
var EXACT = {
  "d111abc.cloudfront.net": true,
  "d222xyz.cloudfront.net": true,
  "static.eksamensressurs-cdn.no": true,
  "api.eksamensressurs.no": true,
  "www.eksamensressurs.no": true,
  "www.example-ordbok.no": true,
  "cdn.example.co.uk": true,
  "bilder.mangler-i-lista.no": true,
  "pgsa.udir.no": true
};
var SUFFIXES = [
  ".ressurs-media.no"
];

function FindProxyForURL(url, host) {
  host = host.toLowerCase();
  if (host.charAt(host.length - 1) == ".") {
    host = host.substring(0, host.length - 1);
  }
  if (Object.prototype.hasOwnProperty.call(EXACT, host)) {
    return ALLOWED;
  }
  for (var i = 0; i < SUFFIXES.length; i++) {
    if (dnsDomainIs(host, SUFFIXES[i])) {
      return ALLOWED;
    }
  }
  return BLOCKED;
}
