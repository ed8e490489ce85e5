//! One module per command.

mod bucket;
mod export;
mod get;
mod ls;
mod presign;
mod put;
mod rm;
mod serve;
mod sign;

use crate::cli::{Cli, Command};

/// Runs the parsed command.
pub(crate) fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Connector(crate::cli::ConnectorCommand::Export(args)) => export::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Ls(args) => ls::run(&args),
        Command::Get(args) => get::run(&args),
        Command::Put(args) => put::run(&args),
        Command::Rm(args) => rm::run(&args),
        Command::Presign(args) => presign::run(&args),
        Command::Mb(args) => bucket::make(&args),
        Command::Rb(args) => bucket::remove(&args),
    }
}
