//! Exit codes and the one-line error convention.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the command failed while running (I/O, the network, the server) |
//! | 2 | bad usage or bad input: an unknown option or value, a malformed request file |

use std::process::ExitCode;

/// Exit code for bad usage or bad input.
pub(crate) const BAD_INPUT: u8 = 2;
/// Exit code for a failure while running.
pub(crate) const FAILURE: u8 = 1;

/// An error in what the user gave us; it exits with code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct BadInput(pub(crate) String);

/// Shorthand for a [`BadInput`] error.
pub(crate) fn bad_input(message: impl Into<String>) -> anyhow::Error {
    BadInput(message.into()).into()
}

pub(crate) fn code_for(error: &anyhow::Error) -> ExitCode {
    if error.chain().any(|cause| cause.is::<BadInput>()) {
        ExitCode::from(BAD_INPUT)
    } else {
        ExitCode::from(FAILURE)
    }
}

pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Help and version go to stdout with code 0; usage errors print their first line and exit 2.
pub(crate) fn clap_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(BAD_INPUT)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = error.to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("s3-connector: error: {first} (try --help)");
            ExitCode::from(BAD_INPUT)
        }
    }
}
