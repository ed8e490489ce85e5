//! End-to-end tests of the `s3-connector` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unreachable_pub)]

mod s3_commands;
mod serve_logs;
mod sign;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs the binary with `args`, feeding `stdin`, with no AWS variables from the caller's
/// environment except those in `env`.
pub fn run(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_s3-connector"));
    command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
    let mut child = command.spawn().unwrap();
    // The program may exit (rejecting its arguments) before reading its input.
    if let Err(error) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
    }
    child.wait_with_output().unwrap()
}
