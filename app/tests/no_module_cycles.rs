//! The layout holds: no module of `app`, of `server` (the binary and its HTTP edge), of `store`
//! (the SQL) or of `domain` uses one that (through others) uses it back. Reads each crate's `src` as text: every `crate::a::b` path outside comments and test modules is an
//! edge from the file's module to the longest module that path names.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn modules(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            modules(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            out.insert(parts.join("::"), std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn edges(name: &str, text: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    let mut out = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (i, _) in line.match_indices("crate::") {
            let path: String =
                line[i + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            if let Some(target) =
                (1..=parts.len()).rev().map(|k| parts[..k].join("::")).find(|c| names.contains(c))
            {
                let nested =
                    name.starts_with(&format!("{target}::")) || target.starts_with(&format!("{name}::"));
                if target != name && !nested {
                    out.insert(target);
                }
            }
        }
    }
    out
}

/// The modules of the crate whose sources are in `root` that reach themselves.
fn cycles_in(root: &Path) -> (Vec<String>, BTreeMap<String, BTreeSet<String>>) {
    let mut files = BTreeMap::new();
    modules(root, root, &mut files);
    let names: BTreeSet<String> = files.keys().cloned().collect();
    let graph: BTreeMap<String, BTreeSet<String>> =
        files.iter().map(|(n, t)| (n.clone(), edges(n, t, &names))).collect();
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = graph[start].iter().collect();
        while let Some(m) = todo.pop() {
            if m == start {
                cycles.push(start.to_string());
                break;
            }
            if seen.insert(m.clone()) {
                todo.extend(graph.get(m).into_iter().flatten());
            }
        }
    }
    (cycles, graph)
}

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let (cycles, graph) = cycles_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(cycles.is_empty(), "modules in an import cycle: {cycles:?}");
    // the check reads real edges (a sanity check that cannot pass on an empty graph)
    assert!(graph["server::state"].contains("server::store"));
}

#[test]
fn no_module_of_the_server_crate_uses_one_that_uses_it_back() {
    let (cycles, graph) = cycles_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src"));
    assert!(cycles.is_empty(), "modules of the server crate in an import cycle: {cycles:?}");
    assert!(graph["desk_posts"].contains("form_posts"), "{graph:?}");
}

#[test]
fn no_module_of_the_store_or_the_domain_uses_one_that_uses_it_back() {
    let (cycles, graph) = cycles_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/src"));
    assert!(cycles.is_empty(), "modules of the store in an import cycle: {cycles:?}");
    assert!(graph["desk::readers::erase"].contains("desk::moderate"), "{graph:?}");
    let (cycles, _) = cycles_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/src"));
    assert!(cycles.is_empty(), "modules of the domain in an import cycle: {cycles:?}");
}
