//! The browser half: only the islands (the interactive parts of a page) are hydrated; every
//! other part of a page is server-rendered HTML, and `enhance.js` swaps pages in place.
//! `app/src/shell/loader.js` calls `hydrate`, then each island's export.
// the islands are exported from `app`: link it, though nothing here names an item of it
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
