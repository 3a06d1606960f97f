// Runs inside every frame of a probed page and returns what the detectors look at.
// args: {selectors: [css], globals: [path], maxTexts: n, pageTextLimit: n}
(args) => {
  const clip = (s, n) => (s || '').replace(/\s+/g, ' ').trim().slice(0, n);
  const snippet = (el) => clip(el.outerHTML, 300);
  const evidence = (window.__nettsjekkEvidence = window.__nettsjekkEvidence || []);
  const keep = (el) => { evidence.push(el); return evidence.length - 1; };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity || '1') > 0.05;
  };
  const roots = [document];
  const addShadows = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) { roots.push(el.shadowRoot); addShadows(el.shadowRoot); }
    }
  };
  addShadows(document);
  const all = (selector) => roots.flatMap((root) => { try { return [...root.querySelectorAll(selector)]; } catch (e) { return []; } });

  const out = {
    url: location.href, lang: (document.documentElement.lang || '').toLowerCase(),
    scripts: [], iframes: [], forms: [], links: [], texts: [], selectors: {}, globals: {}, pageText: '',
    badSelectors: [],
  };
  for (const el of all('script[src]')) out.scripts.push({src: el.src, snippet: clip(el.outerHTML, 300)});
  for (const el of all('iframe[src], frame[src], embed[src], object[data]')) {
    out.iframes.push({src: el.src || el.data, snippet: snippet(el), ref: keep(el), visible: shown(el)});
  }
  for (const el of all('form')) {
    const action = el.getAttribute('action') ? el.action : location.href;
    out.forms.push({action, method: (el.method || 'get').toLowerCase(), snippet: clip(el.outerHTML, 300), ref: keep(el), visible: shown(el)});
  }
  for (const el of all('a[href], area[href]')) {
    out.links.push({href: el.href, text: clip(el.innerText || el.getAttribute('aria-label') || el.title, 120),
                    snippet: snippet(el), ref: keep(el), visible: shown(el)});
  }
  const interactive = 'button, a, [role=button], [role=link], [role=menuitem], [role=tab], input[type=submit], ' +
    'input[type=button], summary, label, [aria-label], [title], [placeholder], textarea, select option:checked';
  const seenText = new Set();
  for (const el of all(interactive)) {
    if (out.texts.length >= args.maxTexts) break;
    const parts = [el.innerText, el.value && el.type !== 'hidden' && el.type !== 'text' ? el.value : '',
                   el.getAttribute('aria-label'), el.getAttribute('title'), el.getAttribute('placeholder'),
                   el.getAttribute('alt')];
    const text = clip(parts.filter(Boolean).join(' | '), 300);
    if (!text || seenText.has(text)) continue;
    seenText.add(text);
    out.texts.push({text, snippet: snippet(el), ref: keep(el), visible: shown(el)});
  }
  for (const selector of args.selectors) {
    let found;
    try { roots.forEach((r) => r.querySelector(selector)); found = all(selector).slice(0, 3); }
    catch (e) { out.badSelectors.push(selector); continue; }
    if (found.length) out.selectors[selector] = found.map((el) => ({snippet: snippet(el), ref: keep(el), visible: shown(el)}));
  }
  for (const path of args.globals) {
    let value = window;
    try { for (const part of path.split('.')) { value = value == null ? undefined : value[part]; } }
    catch (e) { value = undefined; }
    if (value !== undefined && value !== null) out.globals[path] = typeof value;
  }
  out.pageText = clip(document.body ? document.body.innerText : '', args.pageTextLimit);
  return out;
}
