//! `s3-connector`: the command-line entry point. Parsing, then one module per command.

mod cli;
mod commands;
mod connect;
mod env;
mod exit;
mod progress;
mod s3uri;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return exit::clap_error(&error),
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if exit::is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let code = exit::code_for(&error);
            // One line: the error and its causes, joined.
            let message = format!("{error:#}").replace('\n', " ");
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "s3-connector: error: {message}");
            if let Some(explanation) = exit::signature_mismatch(&error) {
                let _ = write!(stderr, "{explanation}");
            }
            code
        }
    }
}
