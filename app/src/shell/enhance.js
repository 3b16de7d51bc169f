// With JavaScript, the site stays one page: a link to another of its pages, and every form
// post, is fetched in the background and its <main> swapped in — no full reload. Without
// JavaScript the same links and forms work as they are (the server renders every answer).
(() => {
  "use strict";
  let current = 0;
  // what only a full load can show: the editors' desk (HTTP auth), files, feeds, the API and
  // the live event streams
  const ours = (url) =>
    url.origin === location.origin &&
    !/^\/(api|pkg|admin)(\/|$)/.test(url.pathname) &&
    !/\.\w+$/.test(url.pathname) &&
    !/\/events$/.test(url.pathname);

  function swap(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const main = doc.querySelector("main");
    const old = document.querySelector("main");
    if (!main || !old) return false;
    // islands of the page that goes away let go of what they hold (event streams)
    window.dispatchEvent(new Event("byline:leave"));
    document.title = doc.title;
    for (const sel of ['meta[name="description"]', 'link[rel="canonical"]']) {
      const next = doc.head.querySelector(sel);
      const prev = document.head.querySelector(sel);
      if (prev && next) prev.replaceWith(document.importNode(next, true));
    }
    const fresh = document.importNode(main, true);
    old.replaceWith(fresh);
    // a cached page carries the reader's form keys after <main>: take the new page's
    const parts = doc.getElementById("reader-parts");
    const had = document.getElementById("reader-parts");
    if (had) had.remove();
    if (parts) document.body.appendChild(document.importNode(parts, true));
    if (window.__bylineHydrate) window.__bylineHydrate(fresh);
    return true;
  }

  function arrive(hash, top, focus) {
    let id = "";
    try {
      id = decodeURIComponent(hash.slice(1));
    } catch (e) {
      id = hash.slice(1);
    }
    const target = id && document.getElementById(id);
    if (target) target.scrollIntoView({ block: "start" });
    else if (top) window.scrollTo(0, 0);
    const el = (focus && document.querySelector(focus)) || (target && target.querySelector("[data-autofocus]"));
    if (el) el.focus({ preventScroll: !!target });
  }

  // GET a page (or POST a form) and show the answer in place.
  async function visit(url, opts = {}) {
    const n = ++current;
    const target = new URL(url, location.href);
    let res;
    try {
      res = await fetch(target.href, {
        method: opts.body ? "POST" : "GET",
        body: opts.body,
        headers: { Accept: "text/html", "Byline-Fetch": "1" },
        credentials: "same-origin",
        // always ask the server (a 304 if nothing changed): a kept page allows shared caches
        // `stale-while-revalidate`, and the browser's own would otherwise show the old page
        cache: "no-cache",
      });
    } catch (e) {
      if (!opts.body) location.assign(target.href);
      return;
    }
    if (n !== current) return;
    // a form post succeeded: the server names the page to show
    const next = res.headers.get("Byline-Location");
    if (next) {
      if (ours(new URL(next, location.href))) await visit(next, { push: true, after: opts.after });
      return;
    }
    if (!(res.headers.get("Content-Type") || "").includes("text/html")) {
      if (!opts.body) location.assign(target.href);
      return;
    }
    const html = await res.text();
    if (n !== current) return;
    if (!swap(html)) {
      if (!opts.body) location.assign(target.href);
      return;
    }
    // a refused form keeps its address: the answer is shown where the reader is
    if (opts.push && !opts.body) history.pushState(null, "", target.href);
    else if (opts.replace && !opts.body) history.replaceState(null, "", target.href);
    arrive(target.hash, opts.push && !opts.body, opts.focus);
    if (opts.after) opts.after();
  }

  document.addEventListener("click", (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = ev.target instanceof Element && ev.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download")) return;
    const url = new URL(a.href, location.href);
    if (!ours(url)) return;
    const samePage = url.pathname === location.pathname && url.search === location.search;
    const refresh = a.hasAttribute("data-refresh");
    // an anchor on this page: the browser scrolls to it
    if (samePage && url.hash && !refresh) return;
    ev.preventDefault();
    const focus = a.dataset.focus;
    // "Load more": the longer page, at the same address
    const more = a.dataset.more && new URL(a.dataset.more, location.href);
    if (more && ours(more)) visit(more.href, { focus, after: () => arrive(url.hash) });
    else if (refresh) visit(location.href, { focus, after: () => arrive(url.hash) });
    else visit(url.href, { push: true, focus });
  });

  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    if (ev.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    // attributes, not properties: an input named "action" or "method" shadows those
    const action = new URL(form.getAttribute("action") || location.href, location.href);
    // a form whose answer is a file to save (data-plain) is left to the browser
    if (action.origin !== location.origin || form.hasAttribute("data-plain")) return;
    ev.preventDefault();
    const data = new FormData(form, ev.submitter);
    const params = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === "string") params.append(k, v);
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      action.search = params.toString();
      visit(action.href, { push: true });
      return;
    }
    form.setAttribute("aria-busy", "true");
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    // said in the form's status line once the thread shows the result
    const done = form.dataset.done;
    // the box around the form (the form has an id of its own: its keys name it)
    const box = form.parentElement && form.parentElement.closest("[id]");
    // the reader's name and email stay filled in for the next comment, as before the post
    const kept = [...form.querySelectorAll('input[autocomplete="name"], input[autocomplete="email"]')].map((i) => [i.name, i.value]);
    const after = () => {
      const here = box && document.getElementById(box.id);
      const again = here && here.querySelector("form[data-done]");
      if (!again) return;
      const status = again.querySelector("[role=status]");
      if (done && status) status.textContent = done;
      for (const [name, value] of kept) {
        const input = again.querySelector(`input[name="${name}"]`);
        if (input && !input.value) input.value = value;
      }
    };
    visit(action.href, { body: params, after }).finally(() => {
      if (form.isConnected) {
        form.removeAttribute("aria-busy");
        for (const b of form.querySelectorAll("button")) b.disabled = false;
      }
    });
  });

  // Escape closes an open panel (its close link says where the focus goes back to)
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape" || !(ev.target instanceof Element)) return;
    const close = ev.target.closest(".feedback-panel")?.querySelector("a.panel-close[href]");
    if (close) close.click();
  });

  // the desk's queue: j / k move between comments, a / s / t approve, spam or trash the one in
  // focus (its own buttons, so the result is the same form post as a click)
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || !(ev.target instanceof Element)) return;
    if (ev.target.closest("input:not([type=checkbox]), textarea, select, [contenteditable]")) return;
    const queue = document.querySelector("form[data-shortcuts]");
    if (!queue) return;
    const entries = [...queue.querySelectorAll("[data-entry]")];
    if (!entries.length) return;
    const at = entries.indexOf(ev.target.closest("[data-entry]"));
    const move = { j: 1, k: -1 }[ev.key];
    if (move) {
      const next = entries[Math.min(Math.max(at + move, 0), entries.length - 1)];
      if (at < 0 && move < 0) return;
      next.focus();
      ev.preventDefault();
      return;
    }
    const action = { a: "approve", s: "spam", t: "trash" }[ev.key];
    if (!action || at < 0) return;
    const button = entries[at].querySelector(`button[data-action="${action}"]`);
    if (button) {
      ev.preventDefault();
      button.click();
    }
  });

  window.addEventListener("popstate", () => visit(location.href, {}));
  window.__bylineVisit = visit;
})();
