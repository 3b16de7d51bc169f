# Sourced by scripts/serve and scripts/test: pinned tools and the release build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

# Pinned: Trunk 0.21.14 builds on rustc 1.95 offline; wasm-bindgen-cli must equal Cargo.lock's
# wasm-bindgen; wasm-opt 132 comes from the npm package binaryen (tools/package.json).
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)"

step() { printf '\n==> %s\n' "$*"; }

# A lighter profile for installing tools (the crates' own fat-LTO profiles cost twice the CPU).
install_tool() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    CARGO_TARGET_DIR="${TOOLS_TARGET_DIR:-$HOME/.cache/byline-tools-target}" \
    cargo install "$@"
}

ensure_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
    # no --locked: its lockfile pins a webpki-roots the registry no longer serves
    install_tool wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    step "installing trunk $TRUNK_VERSION (about 10 minutes, once)"
    install_tool trunk --locked --version "$TRUNK_VERSION" --no-default-features --features rustls
  fi
  if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
    step "installing wasm-opt (npm package binaryen)"
    npm ci --prefix tools --no-fund --no-audit --loglevel=error
  fi
}

build_bundle() {
  step "building the browser bundle (trunk: frontend -> target/site/pkg)"
  trunk build --release
}

# Content-hashed names, .br and .gz copies, and the manifest pages name them by
# (server/src/bin/precompress.rs); needs the server package built.
bundle_assets() {
  step "hashing and precompressing the bundle (precompress target/site/pkg)"
  "$TARGET_DIR/release/precompress" "$ROOT/target/site/pkg"
}

build_release() {
  build_bundle
  step "building the server (cargo build --release -p server)"
  cargo build --release -p server
  bundle_assets
}
