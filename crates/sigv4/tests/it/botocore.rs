//! The botocore copy of the classic suite (`.req/.creq/.sts/.authz/.sreq`), generic mode.

use crate::{assert_step, data_dir};
use sigv4::raw::RawRequest;
use sigv4::{Credentials, Payload, SessionTokenMode, Signer, SigningSettings, SigningTime};
use std::path::{Path, PathBuf};

const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

/// Cases whose `.sreq` file contradicts their own `.authz` file upstream.
const KNOWN_BAD_SREQ: &[&str] = &["get-vanilla-with-session-token"];

/// Every case folder: one holding a `.req` named after itself.
fn case_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.join(format!("{name}.req")).exists() {
                out.push(path.clone());
            }
            case_dirs(&path, out);
        }
    }
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    &bytes[..end]
}

fn run_case(dir: &Path) -> String {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let read = |ext: &str| std::fs::read(dir.join(format!("{name}.{ext}"))).unwrap();
    let raw = RawRequest::parse(&read("req")).unwrap();
    let mut credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let mut settings = SigningSettings::generic();
    // Where the signed request carries a token the request does not, the signer added it: the
    // case is signed with temporary credentials (signed, unless the canonical request lacks it).
    let token_in = |text: &[u8]| -> Option<String> {
        String::from_utf8_lossy(text)
            .lines()
            .find_map(|line| line.strip_prefix("X-Amz-Security-Token:").map(str::to_owned))
    };
    if token_in(&read("req")).is_none() {
        if let Some(token) = token_in(&read("sreq")) {
            if name == "post-sts-header-after" {
                assert_eq!(token, TOKEN);
                settings.session_token_mode = SessionTokenMode::AddedAfterSigning;
            }
            credentials = credentials.with_session_token(token);
        }
    }
    let signer = Signer::new(credentials, "us-east-1", "service");
    let time = SigningTime::parse_amz_date("20150830T123600Z").unwrap();
    let headers = raw.header_pairs();
    let signed = signer.sign(&raw.to_request(&headers, Payload::Bytes(&raw.body)), &settings, time).unwrap();

    assert_step(
        &name,
        "canonical request",
        trim_end(&read("creq")),
        signed.canonical_request().as_str().as_bytes(),
    );
    assert_step(&name, "string to sign", trim_end(&read("sts")), signed.string_to_sign().as_str().as_bytes());
    assert_step(&name, "authorization", trim_end(&read("authz")), signed.authorization().unwrap().as_bytes());

    // botocore's signed request: the request as given plus what the signer added that it did not
    // already carry, with `Authorization: ` written with a space.
    let mut expected_head = format!("{} {} {}\n", raw.method, raw.target, raw.version);
    for (header, value) in &raw.headers {
        expected_head.push_str(&format!("{header}:{value}\n"));
    }
    for (header, value) in signed.headers() {
        if header.eq_ignore_ascii_case("x-amz-date") {
            let given = raw.headers.iter().find(|(h, _)| h.eq_ignore_ascii_case(header)).unwrap();
            assert_eq!(&given.1, value, "{name}: X-Amz-Date");
            continue;
        }
        let separator = if header == "Authorization" { ": " } else { ":" };
        expected_head.push_str(&format!("{header}{separator}{value}\n"));
    }
    let mut rendered = expected_head.into_bytes();
    if !raw.body.is_empty() {
        rendered.push(b'\n');
        rendered.extend_from_slice(&raw.body);
    }
    let mut expected_sreq = read("sreq");
    if KNOWN_BAD_SREQ.contains(&name.as_str()) {
        // This file's Authorization line disagrees with the case's own .authz (its "signature" is
        // the session token rotated): compare the rest, with the .authz line put in its place.
        let text = String::from_utf8(expected_sreq).unwrap();
        let authz = String::from_utf8(read("authz")).unwrap();
        let fixed: Vec<String> = text
            .lines()
            .map(|line| {
                if line.starts_with("Authorization: ") {
                    format!("Authorization: {}", authz.trim())
                } else {
                    line.to_owned()
                }
            })
            .collect();
        assert_ne!(
            fixed.join("\n"),
            text.trim_end(),
            "{name} is no longer inconsistent: drop it from KNOWN_BAD_SREQ"
        );
        expected_sreq = fixed.join("\n").into_bytes();
    }
    assert_step(&name, "signed request", trim_end(&expected_sreq), trim_end(&rendered));
    name
}

#[test]
fn botocore_classic_suite() {
    let mut dirs = Vec::new();
    case_dirs(&data_dir().join("botocore/aws4_testsuite"), &mut dirs);
    dirs.sort();
    let names: Vec<String> = dirs.iter().map(|dir| run_case(dir)).collect();
    assert_eq!(names.len(), 34, "{names:?}");
}
