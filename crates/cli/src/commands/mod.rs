//! One module per command.

mod sign;

use crate::cli::{Cli, Command};

/// Runs the parsed command.
pub(crate) fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Sign(args) => sign::run(&args),
    }
}
