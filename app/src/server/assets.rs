//! The browser bundle's files by their content-hashed names. `precompress` (a server binary,
//! run after Trunk) writes `pkg/assets.txt`: one `name hashed-name` per line. A hashed name
//! never changes meaning, so it is served with a year-long immutable cache.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The manifest's file name inside `pkg/`.
pub const MANIFEST: &str = "assets.txt";

type Names = Arc<HashMap<String, String>>;

/// `/pkg/<hashed name>` for `name`, or `/pkg/<name>` when the build wrote no hashed copy.
pub fn url(site_root: &str, name: &str) -> String {
    let names = names(site_root);
    format!("/pkg/{}", names.get(name).map(String::as_str).unwrap_or(name))
}

/// Read once per site root (tests run several servers in one process).
fn names(site_root: &str) -> Names {
    static CACHE: OnceLock<Mutex<HashMap<String, Names>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(site_root.to_string())
        .or_insert_with(|| {
            let path = std::path::Path::new(site_root).join("pkg").join(MANIFEST);
            Arc::new(std::fs::read_to_string(path).map(|t| parse(&t)).unwrap_or_default())
        })
        .clone()
}

pub fn parse(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .collect()
}

/// Whether `file` (a name under `/pkg/`) is a content-hashed name: `stem.<16 hex>.ext`.
pub fn is_hashed(file: &str) -> bool {
    let mut parts = file.rsplit('.');
    let (_ext, hash) = (parts.next(), parts.next());
    hash.is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_maps_names_and_hashed_names_are_recognised() {
        let m = parse("frontend.js frontend.0123456789abcdef.js\n\nbad-line\n");
        assert_eq!(m.get("frontend.js").map(String::as_str), Some("frontend.0123456789abcdef.js"));
        assert_eq!(m.len(), 1);
        assert!(is_hashed("frontend.0123456789abcdef.js"));
        assert!(!is_hashed("frontend_bg.0123456789abcdef.wasm.br"));
        assert!(!is_hashed("frontend.js"));
        assert!(!is_hashed("byline.css"));
    }
}
