// Runs inside every frame of a probed page and returns what the detectors look at.
// args: {selectors: [css], globals: [path], maxTexts: n, pageTextLimit: n, widgets: bool}
// Open shadow roots are walked, and closed ones too when closed_shadow.js ran before the page's scripts.
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
  const closed = new Set(window.__nettsjekkClosedRoots || []);
  for (const root of closed) { if (root.host && root.host.isConnected) { roots.push(root); addShadows(root); } }
  const all = (selector) => roots.flatMap((root) => { try { return [...root.querySelectorAll(selector)]; } catch (e) { return []; } });

  const out = {
    url: location.href, lang: (document.documentElement.lang || '').toLowerCase(),
    scripts: [], iframes: [], forms: [], links: [], texts: [], selectors: {}, globals: {}, pageText: '',
    badSelectors: [], widgets: [],
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
  if (args.widgets) out.widgets = widgets();
  out.pageText = clip(document.body ? document.body.innerText : '', args.pageTextLimit);
  return out;

  // First-party widgets: each free-text box with the buttons, choices, heading and form around it;
  // a button outside every such group is a launcher (a widget of its own).
  function widgets() {
    const boxSel = 'textarea, input:not([type]), input[type=text], input[type=search], [contenteditable=""], ' +
      '[contenteditable=true], [role=textbox], [role=searchbox]';
    const btnSel = 'button, [role=button], input[type=submit], input[type=button], a[href^="#"], a[href^="javascript:"]';
    const nameOf = (el) => clip(el.getAttribute('aria-label') || el.innerText || el.value || el.getAttribute('title') || '', 120);
    const boxText = (el) => {
      const labels = el.labels ? [...el.labels].map((l) => l.innerText) : [];
      const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
        .map((id) => (el.getRootNode().getElementById ? el.getRootNode().getElementById(id) : null))
        .filter(Boolean).map((l) => l.innerText);
      return clip([...labels, ...by, el.getAttribute('aria-label'), el.getAttribute('placeholder'),
                   el.getAttribute('title')].filter(Boolean).join(' | '), 200);
    };
    const boxKind = (el) => {
      if (el.tagName === 'TEXTAREA' || el.isContentEditable || el.getAttribute('aria-multiline') === 'true') return 'multiline';
      const key = ((el.getAttribute('name') || '') + ' ' + (el.id || '')).toLowerCase();
      if (el.type === 'search' || el.getAttribute('role') === 'searchbox' || /(^|[\s_-])(q|query|search|sok|søk|s)($|[\s_-])/.test(key)) return 'search';
      return 'single';
    };
    const whereOf = (el) => {
      const root = el.getRootNode();
      if (!(root instanceof ShadowRoot)) return 'document';
      return `${closed.has(root) ? 'closed' : 'open'} shadow root of <${root.host.tagName.toLowerCase()}>`;
    };
    const headingOf = (container) => {
      const inside = container.querySelector('legend, h1, h2, h3, h4, h5, h6, [role=heading]');
      const own = [container.getAttribute('aria-label'), inside ? inside.innerText : ''].filter(Boolean);
      let node = container;
      for (let up = 0; node && up < 4 && own.length < 2; up++, node = node.parentElement) {
        let sib = node.previousElementSibling;
        for (let n = 0; sib && n < 4; sib = sib.previousElementSibling, n++) {
          if (/^H[1-6]$/.test(sib.tagName) || sib.getAttribute('role') === 'heading') { own.push(sib.innerText); break; }
        }
        if (own.length) break;
      }
      return clip(own.join(' | '), 200);
    };
    const groupOf = (el) => {
      const form = el.closest('form');
      if (form) return form;
      let node = el.parentElement;
      for (let up = 0; node && up < 5; up++, node = node.parentElement) {
        if (node.querySelector(btnSel)) return node;
        if (node.tagName === 'BODY') break;
      }
      return el.parentElement || el;
    };
    const groups = new Map();
    for (const el of all(boxSel).slice(0, 60)) {
      if (el.type === 'hidden' || el.getAttribute('aria-hidden') === 'true') continue;
      const container = groupOf(el);
      if (!groups.has(container)) groups.set(container, []);
      groups.get(container).push(el);
    }
    const inGroup = (el) => [...groups.keys()].some((c) => c.contains(el));
    const result = [];
    for (const [container, boxes] of groups) {
      const form = container.tagName === 'FORM' ? container : null;
      const options = [...container.querySelectorAll('select option, [role=option], input[type=radio]')].slice(0, 80)
        .map((o) => clip(o.tagName === 'INPUT' ? (o.labels && o.labels[0] ? o.labels[0].innerText : o.value) : (o.label || o.innerText), 60));
      result.push({
        boxes: boxes.map((b) => ({kind: boxKind(b), text: boxText(b), tag: b.tagName.toLowerCase()})),
        buttons: [...container.querySelectorAll(btnSel)].slice(0, 12).map(nameOf).filter(Boolean),
        options, heading: headingOf(container),
        action: form ? (form.getAttribute('action') ? form.action : location.href) : null,
        method: form ? (form.method || 'get').toLowerCase() : null,
        hidden: form ? [...form.querySelectorAll('input[type=hidden]')].slice(0, 10).map((h) => clip(h.value, 120)) : [],
        where: whereOf(container), snippet: snippet(container), ref: keep(container), visible: shown(container),
      });
    }
    let launchers = 0;
    for (const el of all(btnSel)) {
      if (launchers >= 200) break;
      if (inGroup(el)) continue;
      const label = nameOf(el);
      if (!label) continue;
      launchers++;
      result.push({boxes: [], buttons: [label], options: [], heading: '', action: null, method: null, hidden: [],
                   where: whereOf(el), snippet: snippet(el), ref: keep(el), visible: shown(el), launcher: true});
    }
    return result;
  }
}
