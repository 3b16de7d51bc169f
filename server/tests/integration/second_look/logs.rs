//! Hole 12: log lines written to a file or a pipe are plain text, without colour codes.
use super::*;

#[tokio::test]
async fn log_lines_written_to_a_pipe_carry_no_colour_codes() {
    let app = spawn().await;
    let db = app.db_url.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["import", "wordpress", "/no/such/export.xml"])
            .env("DATABASE_URL", db)
            .env("RUST_LOG", "info")
            .env_remove("NO_COLOR")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("ERROR") && log.contains("export.xml"), "{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a pipe: {log:?}");
}
