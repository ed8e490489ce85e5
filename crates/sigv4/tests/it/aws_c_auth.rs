//! Every v4 case of the aws-c-auth signing suite, header and query forms, each step compared.

use crate::{assert_step, data_dir};
use serde::Deserialize;
use sigv4::raw::RawRequest;
use sigv4::{
    ContentSha256Header, Credentials, Payload, SessionTokenMode, SignatureLocation, Signer, SigningSettings,
    SigningTime, UriMode,
};
use std::path::PathBuf;

#[derive(Deserialize)]
struct Context {
    credentials: ContextCredentials,
    expiration_in_seconds: u32,
    normalize: bool,
    region: String,
    service: String,
    sign_body: bool,
    timestamp: String,
    #[serde(default)]
    omit_session_token: bool,
}

#[derive(Deserialize)]
struct ContextCredentials {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
}

fn suite_dir() -> PathBuf {
    data_dir().join("aws-c-auth/aws-signing-test-suite/v4")
}

fn read(case: &str, file: &str) -> Vec<u8> {
    std::fs::read(suite_dir().join(case).join(file)).unwrap_or_else(|e| panic!("{case}/{file}: {e}"))
}

fn run_case(case: &str) {
    let context: Context = serde_json::from_slice(&read(case, "context.json")).unwrap();
    let raw = RawRequest::parse(&read(case, "request.txt")).unwrap();
    let mut credentials =
        Credentials::new(context.credentials.access_key_id, context.credentials.secret_access_key);
    if let Some(token) = context.credentials.token {
        credentials = credentials.with_session_token(token);
    }
    let signer = Signer::new(credentials, context.region, context.service);
    // The suite's timestamps are RFC 3339 (2015-08-30T12:36:00Z).
    let amz_date: String = context.timestamp.chars().filter(|c| !matches!(c, '-' | ':')).collect();
    let time = SigningTime::parse_amz_date(&amz_date).unwrap();
    let headers = raw.header_pairs();
    let request = raw.to_request(&headers, Payload::Bytes(&raw.body));

    for (form, location) in [
        ("header", SignatureLocation::Headers),
        ("query", SignatureLocation::Query { expires_in_seconds: context.expiration_in_seconds }),
    ] {
        let settings = SigningSettings {
            location,
            uri_mode: if context.normalize { UriMode::Normalized } else { UriMode::S3 },
            session_token_mode: if context.omit_session_token {
                SessionTokenMode::AddedAfterSigning
            } else {
                SessionTokenMode::Signed
            },
            content_sha256_header: if context.sign_body {
                ContentSha256Header::Add
            } else {
                ContentSha256Header::Omit
            },
        };
        let signed = signer.sign(&request, &settings, time).unwrap();
        let label = format!("{case} ({form})");
        let expected = |step: &str| read(case, &format!("{form}-{step}.txt"));
        assert_step(
            &label,
            "canonical request",
            &expected("canonical-request"),
            signed.canonical_request().as_str().as_bytes(),
        );
        assert_step(
            &label,
            "string to sign",
            &expected("string-to-sign"),
            signed.string_to_sign().as_str().as_bytes(),
        );
        assert_step(&label, "signature", &expected("signature"), signed.signature().to_hex().as_bytes());
        assert!(signed.signature().matches_hex(&String::from_utf8(expected("signature")).unwrap()));
        assert_step(&label, "signed request", &expected("signed-request"), &raw.render_signed(&signed));
    }
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        /// Every case directory, so a case added to the data cannot go untested.
        const CASES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                run_case(&stringify!($name).replace('_', "-"));
            }
        )*
    };
}

cases!(
    get_header_key_duplicate,
    get_header_value_multiline,
    get_header_value_order,
    get_header_value_trim,
    get_relative_normalized,
    get_relative_relative_normalized,
    get_relative_relative_unnormalized,
    get_relative_unnormalized,
    get_slash_dot_slash_normalized,
    get_slash_dot_slash_unnormalized,
    get_slash_normalized,
    get_slash_pointless_dot_normalized,
    get_slash_pointless_dot_unnormalized,
    get_slash_unnormalized,
    get_slashes_normalized,
    get_slashes_unnormalized,
    get_space_normalized,
    get_space_unnormalized,
    get_unreserved,
    get_utf8,
    get_vanilla,
    get_vanilla_empty_query_key,
    get_vanilla_query,
    get_vanilla_query_order_encoded,
    get_vanilla_query_order_key_case,
    get_vanilla_query_unreserved,
    get_vanilla_utf8_query,
    get_vanilla_with_session_token,
    post_header_key_case,
    post_header_key_sort,
    post_header_value_case,
    post_sts_header_after,
    post_sts_header_before,
    post_vanilla,
    post_vanilla_empty_query_value,
    post_vanilla_query,
    post_x_www_form_urlencoded,
    post_x_www_form_urlencoded_parameters,
);

#[test]
fn every_case_on_disk_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(suite_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().replace('-', "_"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|case| (*case).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert_eq!(listed.len(), 38);
}
