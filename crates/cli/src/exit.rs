//! Exit codes and the one-line error convention.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the command failed while running (I/O, the network, an error answer from the server) |
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
    let bad_input = error.chain().any(|cause| {
        cause.is::<BadInput>()
            || matches!(
                cause.downcast_ref::<s3::Error>(),
                Some(s3::Error::InvalidInput(_) | s3::Error::InvalidKey(_))
            )
    });
    if bad_input { ExitCode::from(BAD_INPUT) } else { ExitCode::from(FAILURE) }
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

/// For SignatureDoesNotMatch: our canonical request and string to sign beside the server's,
/// so the differing line can be seen.
pub(crate) fn signature_mismatch(error: &anyhow::Error) -> Option<String> {
    let (server, ours, our_string_to_sign) =
        error.chain().find_map(|cause| match cause.downcast_ref::<s3::Error>() {
            Some(s3::Error::SignatureDoesNotMatch { error, our_canonical_request, our_string_to_sign }) => {
                Some((error, our_canonical_request, our_string_to_sign))
            }
            _ => None,
        })?;
    let mut out = String::from("\nOur canonical request:\n");
    out.push_str(&without_session_token(ours));
    out.push_str("\n\nOur string to sign:\n");
    out.push_str(our_string_to_sign);
    match (&server.canonical_request, &server.string_to_sign) {
        (None, None) => out.push_str("\n\nThe server did not send its canonical request: compare with its logs, or check the secret key and the clock.\n"),
        (canonical, string_to_sign) => {
            if let Some(canonical) = canonical {
                out.push_str("\n\nThe server's canonical request:\n");
                out.push_str(&without_session_token(canonical));
            }
            if let Some(string_to_sign) = string_to_sign {
                out.push_str("\n\nThe server's string to sign:\n");
                out.push_str(string_to_sign);
            }
            out.push('\n');
        }
    }
    Some(out)
}

/// A canonical request with the session token's value replaced by its length and the start of
/// its SHA-256: an error never shows a credential, and two tokens can still be told apart.
fn without_session_token(canonical_request: &str) -> String {
    const HEADER: &str = "x-amz-security-token:";
    let mut out = String::with_capacity(canonical_request.len());
    for (index, line) in canonical_request.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        match line.strip_prefix(HEADER) {
            Some(token) => {
                let digest = sigv4::sha256_hex(token.as_bytes());
                let start = digest.get(..12).unwrap_or(&digest);
                out.push_str(&format!(
                    "{HEADER}<session token: {} characters, SHA-256 {start}...>",
                    token.len()
                ));
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_tokens_are_hidden_in_canonical_requests() {
        let canonical = "GET\n/\n\nhost:example.com\nx-amz-security-token:SECRET-TOKEN\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD";
        let shown = without_session_token(canonical);
        assert!(!shown.contains("SECRET-TOKEN"), "{shown}");
        assert!(shown.contains("x-amz-security-token:<session token: 12 characters, SHA-256 "), "{shown}");
        assert_eq!(shown.lines().count(), canonical.lines().count());
        assert_eq!(without_session_token("GET\n/"), "GET\n/");
    }
}
