//! Build step, run after Trunk (scripts/common.sh `build_release`): gives each file of the
//! browser bundle a content-hashed name, writes a brotli (`.br`) and a gzip (`.gz`) copy next
//! to every file, and the manifest `pkg/assets.txt` by which pages name them (`app::server::assets`).
//! The server then sends a compressed file as it is, and a hashed name with a year-long
//! immutable cache: a new build has new names.
//!
//! Usage: `precompress [pkg-dir]` (default `target/site/pkg`).
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "target/site/pkg".to_string());
    let dir = Path::new(&dir);
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    // what an earlier run wrote goes first
    for name in &names {
        if name.ends_with(".br") || name.ends_with(".gz") || app::server::assets::is_hashed(name) {
            std::fs::remove_file(dir.join(name))?;
        }
    }
    names.retain(|n| !(n.ends_with(".br") || n.ends_with(".gz") || app::server::assets::is_hashed(n)));
    // Trunk's build manifest is never served; the manifest is rewritten below
    names.retain(|n| n != "index.html" && n != app::server::assets::MANIFEST);
    names.sort();

    let mut manifest = String::new();
    for name in &names {
        let bytes = std::fs::read(dir.join(name))?;
        let hash: String = Sha256::digest(&bytes).iter().take(8).map(|b| format!("{b:02x}")).collect();
        let hashed = match name.split_once('.') {
            Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
            None => format!("{name}.{hash}"),
        };
        std::fs::write(dir.join(&hashed), &bytes)?;
        for file in [name, &hashed] {
            compress(&dir.join(file), &bytes)?;
        }
        manifest.push_str(&format!("{name} {hashed}\n"));
        println!("{name} -> {hashed} ({} B)", bytes.len());
    }
    std::fs::write(dir.join(app::server::assets::MANIFEST), manifest)
}

fn compress(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let with = |ext: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(ext);
        p
    };
    let mut br = Vec::new();
    {
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
        let mut w = brotli::CompressorWriter::with_params(&mut br, 4096, &params);
        w.write_all(bytes)?;
    }
    std::fs::write(with(".br"), br)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes)?;
    std::fs::write(with(".gz"), gz.finish()?)
}
