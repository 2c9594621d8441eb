//! The browser entry: hydrate the server-rendered page.

// The app's pages are monomorphised here; release builds (fully typed views) need the room.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
