//! `s3-connector`: the command-line entry point. Parsing, then one module per command.

mod cli;
mod commands;
mod env;
mod exit;

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
            let _ = writeln!(std::io::stderr(), "s3-connector: error: {message}");
            code
        }
    }
}
