// Loads the islands' wasm once the browser is idle and hydrates every <leptos-island>: the
// rest of the page is server-rendered HTML and needs no code. Called with the hashed names.
((js, wasm) => {
  const idle = (f) => ("requestIdleCallback" in window ? requestIdleCallback(f, { timeout: 2000 }) : setTimeout(f, 1));
  idle(async () => {
    const mod = await import(js);
    await mod.default({ module_or_path: wasm });
    mod.hydrate();
    const hydrate = (root) => {
      for (const el of root.querySelectorAll("leptos-island")) {
        if (el.$$hydrated) continue;
        el.$$hydrated = true;
        const island = mod[el.dataset.component];
        if (island) island(el);
        else console.warn(`no code for the island ${el.dataset.component}`);
      }
    };
    // enhance.js calls this for the islands of a page it swapped in
    window.__bylineHydrate = hydrate;
    hydrate(document);
    document.body.dataset.hydrated = "true";
  });
})
