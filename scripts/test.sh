#!/usr/bin/env bash
# Every check the project has: formatting, lints, all tests (unit, conformance, property,
# end to end, doc tests). Installs what the tests need first. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
cargo --version
rustup component list --installed 2>/dev/null | grep -qE '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -qE '^clippy' || rustup component add clippy
if ! command -v cargo-nextest >/dev/null 2>&1; then
    cargo install cargo-nextest --locked
fi

step "format"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "S3 servers (SeaweedFS, rclone serve s3)"
command -v curl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq curl; }
source scripts/test-servers.sh
servers_install
trap servers_stop EXIT
servers_start

step "doc tests"
cargo test --workspace --locked --doc

step "schemathesis: the exported connector definition against the live service"
scripts/schemathesis.sh 50

step "tests"
# Tests print what a server lacks ("UNSUPPORTED by <server>: <feature>"); see them with
# `cargo nextest run --no-capture`. The summary of this run is the last line of the output.
cargo nextest run --workspace --locked --no-fail-fast
