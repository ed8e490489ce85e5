//! Differential property test: our signer and the `aws-sigv4` crate (the AWS SDK's signer, used
//! here only as an oracle) give identical signatures for generated S3 requests.

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode as AwsTokenMode, SignableBody,
    SignableRequest, SignatureLocation as AwsLocation, SigningSettings as AwsSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use sigv4::{
    ContentSha256Header, Credentials, Payload, Request, SessionTokenMode, SignatureLocation, Signer,
    SigningSettings, SigningTime, UriMode, encode_path, encode_query_component,
};
use std::time::{Duration, UNIX_EPOCH};

/// Characters that broke the community connector, and a few that break naive signers.
const SPECIAL: &[&str] = &[
    " ", "+", "%", "=", ":", "@", "&", "$", "?", "#", "~", "//", "..", "/", "./", "../", "!", "'", "(", ")",
    "*", ",", ";", "[", "]", "%20", "%2F", "é", "日本", "🎉", "\u{0}", "\t",
];

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(SPECIAL).prop_map(str::to_owned),
            3 => "[a-zA-Z0-9._-]{1,6}",
            1 => any::<char>().prop_map(String::from),
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    host: &'static str,
    bucket: String,
    key: String,
    query: Vec<(String, Option<String>)>,
    headers: Vec<(&'static str, String)>,
    token: Option<String>,
    token_signed: bool,
    presign_expiry: Option<u32>,
    payload: PayloadCase,
    content_sha256_header: bool,
    region: &'static str,
    unix_seconds: u64,
}

#[derive(Debug, Clone)]
enum PayloadCase {
    Bytes(Vec<u8>),
    Hash([u8; 32]),
    Unsigned,
    Streaming,
    StreamingTrailer,
    UnsignedTrailer,
}

const HEADER_NAMES: &[&str] = &[
    "Content-Type",
    "content-type",
    "x-amz-meta-Foo",
    "X-Amz-Meta-bar",
    "range",
    "If-Match",
    "Cache-Control",
    "user-agent",
    "X-Amz-Storage-Class",
    "content-md5",
    "x-amz-meta-dup",
    "x-amz-meta-dup",
    "Content-Length",
    "x-amz-checksum-mode",
    "x-amz-user-agent",
    "Content-Disposition",
];

fn header_value() -> impl Strategy<Value = String> {
    // Visible ASCII with runs of spaces inside and spaces or tabs at either end.
    "[ \t]{0,3}[!-~]{0,8}( {1,4}[!-~]{1,6}){0,3}[ \t]{0,3}"
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            prop::sample::select(&["GET", "PUT", "POST", "DELETE", "HEAD"][..]),
            prop::sample::select(
                &["examplebucket.s3.amazonaws.com", "127.0.0.1:9000", "s3.eu-west-1.amazonaws.com"][..],
            ),
            "[a-z0-9][a-z0-9-]{1,20}",
            text(12),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(&["prefix", "a", "list-type", "uploadId", "x", "A"][..])
                            .prop_map(str::to_owned),
                        text(4)
                    ],
                    prop::option::of(text(6)),
                ),
                0..6,
            ),
            prop::collection::vec((prop::sample::select(HEADER_NAMES), header_value()), 0..6),
        ),
        (
            prop::option::of("[A-Za-z0-9+/=]{10,60}"),
            any::<bool>(),
            prop::option::of(1u32..=604_800),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..64).prop_map(PayloadCase::Bytes),
                any::<[u8; 32]>().prop_map(PayloadCase::Hash),
                Just(PayloadCase::Unsigned),
                Just(PayloadCase::Streaming),
                Just(PayloadCase::StreamingTrailer),
                Just(PayloadCase::UnsignedTrailer),
            ],
            any::<bool>(),
            prop::sample::select(&["us-east-1", "eu-west-1", "ap-southeast-2", "auto"][..]),
            946_684_800u64..4_102_444_800,
        ),
    )
        .prop_map(
            |(
                (method, host, bucket, key, query, headers),
                (token, token_signed, presign_expiry, payload, content_sha256_header, region, unix_seconds),
            )| Case {
                method,
                host,
                bucket,
                key,
                query,
                headers,
                token,
                token_signed,
                presign_expiry,
                payload,
                content_sha256_header,
                region,
                unix_seconds,
            },
        )
}

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn wire_target(case: &Case) -> String {
    let mut target = format!("/{}/{}", case.bucket, encode_path(&case.key));
    for (index, (name, value)) in case.query.iter().enumerate() {
        target.push(if index == 0 { '?' } else { '&' });
        target.push_str(&encode_query_component(name));
        if let Some(value) = value {
            target.push('=');
            target.push_str(&encode_query_component(value));
        }
    }
    target
}

/// (signature, headers to add lower-cased and sorted, query params to add encoded and sorted)
type Outcome = (String, Vec<(String, String)>, Vec<(String, String)>);

fn sort_lower(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    for pair in &mut pairs {
        pair.0 = pair.0.to_ascii_lowercase();
    }
    pairs.sort();
    pairs
}

fn ours(case: &Case, target: &str, headers: &[(&str, &str)]) -> Outcome {
    let mut credentials = Credentials::new(ACCESS_KEY, SECRET);
    if let Some(token) = &case.token {
        credentials = credentials.with_session_token(token.as_str());
    }
    let signer = Signer::new(credentials, case.region, "s3");
    let payload = match &case.payload {
        PayloadCase::Bytes(bytes) => Payload::Bytes(bytes),
        PayloadCase::Hash(hash) => Payload::Sha256(*hash),
        PayloadCase::Unsigned => Payload::Unsigned,
        PayloadCase::Streaming => Payload::StreamingSigned,
        PayloadCase::StreamingTrailer => Payload::StreamingSignedTrailer,
        PayloadCase::UnsignedTrailer => Payload::StreamingUnsignedTrailer,
    };
    let settings = SigningSettings {
        location: match case.presign_expiry {
            Some(expires_in_seconds) => SignatureLocation::Query { expires_in_seconds },
            None => SignatureLocation::Headers,
        },
        uri_mode: UriMode::S3,
        session_token_mode: if case.token_signed {
            SessionTokenMode::Signed
        } else {
            SessionTokenMode::AddedAfterSigning
        },
        content_sha256_header: if case.content_sha256_header {
            ContentSha256Header::Add
        } else {
            ContentSha256Header::Omit
        },
    };
    let request = Request::new(case.method, target, headers).with_payload(payload);
    let time = SigningTime::from_unix_seconds(i64::try_from(case.unix_seconds).unwrap());
    let signed = signer.sign(&request, &settings, time).unwrap();
    let added_headers = signed.headers().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    let added_query = signed.query().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    (signed.signature().to_hex(), sort_lower(added_headers), sort_lower(added_query))
}

fn oracle(case: &Case, target: &str, headers: &[(&str, &str)]) -> Outcome {
    let identity: Identity = AwsCredentials::new(ACCESS_KEY, SECRET, case.token.clone(), None, "test").into();
    let mut settings = AwsSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = if case.content_sha256_header {
        PayloadChecksumKind::XAmzSha256
    } else {
        PayloadChecksumKind::NoHeader
    };
    settings.session_token_mode =
        if case.token_signed { AwsTokenMode::Include } else { AwsTokenMode::Exclude };
    if let Some(expiry) = case.presign_expiry {
        settings.signature_location = AwsLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(u64::from(expiry)));
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(case.region)
        .name("s3")
        .time(UNIX_EPOCH + Duration::from_secs(case.unix_seconds))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let body = match &case.payload {
        PayloadCase::Bytes(bytes) => SignableBody::Bytes(bytes),
        PayloadCase::Hash(hash) => {
            SignableBody::Precomputed(hash.iter().map(|b| format!("{b:02x}")).collect())
        }
        PayloadCase::Unsigned => SignableBody::UnsignedPayload,
        PayloadCase::Streaming => SignableBody::Precomputed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD".to_owned()),
        PayloadCase::StreamingTrailer => {
            SignableBody::Precomputed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER".to_owned())
        }
        PayloadCase::UnsignedTrailer => SignableBody::StreamingUnsignedPayloadTrailer,
    };
    let request = SignableRequest::new(case.method, target, headers.iter().copied(), body).unwrap();
    let output = sign(request, &params).unwrap();
    let signature = output.signature().to_owned();
    let (instructions, _) = output.into_parts();
    let (aws_headers, aws_params) = instructions.into_parts();
    let added_headers = aws_headers.iter().map(|h| (h.name().to_owned(), h.value().to_owned())).collect();
    let added_query = aws_params
        .iter()
        .map(|(name, value)| ((*name).to_owned(), encode_query_component(value).into_owned()))
        .collect();
    (signature, sort_lower(added_headers), sort_lower(added_query))
}

proptest! {
    #![proptest_config(Config {
        cases: 10_000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    })]

    #[test]
    fn same_signatures_as_aws_sigv4(case in case()) {
        let target = wire_target(&case);
        let mut headers: Vec<(&str, &str)> = vec![("host", case.host)];
        headers.extend(case.headers.iter().map(|(name, value)| (*name, value.as_str())));
        let ours = ours(&case, &target, &headers);
        let oracle = oracle(&case, &target, &headers);
        prop_assert_eq!(ours, oracle, "target {}", target);
    }
}
