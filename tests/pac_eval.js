// Evaluate proxy auto-config files the way a browser's PAC engine would: each file runs in a fresh
// JavaScript context with dnsDomainIs, then FindProxyForURL answers for the hosts given.
// Usage: node pac_eval.js HOSTS_JSON FILE.pac...  Prints one JSON line per file.
"use strict";
const fs = require("fs");
const vm = require("vm");

const hosts = JSON.parse(process.argv[2]);
for (const file of process.argv.slice(3)) {
  const context = vm.createContext({
    dnsDomainIs: (host, domain) => host.length >= domain.length && host.substring(host.length - domain.length) === domain,
  });
  let answer;
  try {
    vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
    const verdicts = {};
    for (const host of hosts) verdicts[host] = context.FindProxyForURL("https://" + host + "/", host);
    answer = { exact: Object.keys(context.EXACT), suffixes: context.SUFFIXES, header: context.HEADER, verdicts,
               allowed: context.ALLOWED, blocked: context.BLOCKED };
  } catch (error) {
    answer = { error: String(error) };
  }
  console.log(JSON.stringify(answer));
}
