//! Signing speed: our signer against `aws-sigv4` on the same requests in the same run, and the
//! floor (SHA-256 of the canonical request plus one HMAC of the string to sign with a
//! precomputed key). Also payload hashing throughput, to compare with `openssl speed -evp sha256`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation as AwsLocation, SigningSettings as AwsSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sigv4::{Credentials, Payload, Request, Signer, SigningKey, SigningSettings, SigningTime};
use std::time::{Duration, UNIX_EPOCH};

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const UNIX_SECONDS: u64 = 1_440_938_160;

struct Scenario {
    name: &'static str,
    method: &'static str,
    target: &'static str,
    headers: &'static [(&'static str, &'static str)],
    presign: bool,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "get_range",
        method: "GET",
        target: "/photos/2024/my%20holiday%20photo.jpg",
        headers: &[("host", "examplebucket.s3.us-east-1.amazonaws.com"), ("range", "bytes=0-1048575")],
        presign: false,
    },
    Scenario {
        name: "put_metadata",
        method: "PUT",
        target: "/reports/2024/q1%20summary.xlsx",
        headers: &[
            ("host", "examplebucket.s3.us-east-1.amazonaws.com"),
            ("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("x-amz-meta-author", "Jane Doe"),
            ("x-amz-meta-department", "finance"),
        ],
        presign: false,
    },
    Scenario {
        name: "presigned_get",
        method: "GET",
        target: "/shared/report.pdf",
        headers: &[("host", "examplebucket.s3.us-east-1.amazonaws.com")],
        presign: true,
    },
];

fn our_settings(scenario: &Scenario) -> SigningSettings {
    if scenario.presign { SigningSettings::s3_presigned(3600) } else { SigningSettings::s3() }
}

fn payload(scenario: &Scenario) -> Payload<'static> {
    // Header-signed requests declare a precomputed hash (as a streaming client does); presigned
    // URLs use UNSIGNED-PAYLOAD. Neither hashes a body inside the measurement.
    if scenario.presign { Payload::Unsigned } else { Payload::Sha256([7; 32]) }
}

fn aws_sign(identity: &Identity, scenario: &Scenario) -> String {
    let mut settings = AwsSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    if scenario.presign {
        settings.signature_location = AwsLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(3600));
    } else {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region("us-east-1")
        .name("s3")
        .time(UNIX_EPOCH + Duration::from_secs(UNIX_SECONDS))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let body = if scenario.presign {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::Precomputed(
            "0707070707070707070707070707070707070707070707070707070707070707".to_owned(),
        )
    };
    let request =
        SignableRequest::new(scenario.method, scenario.target, scenario.headers.iter().copied(), body)
            .unwrap();
    sign(request, &params).unwrap().signature().to_owned()
}

fn signing(c: &mut Criterion) {
    let signer = Signer::new(Credentials::new(ACCESS_KEY, SECRET), "us-east-1", "s3");
    let identity: Identity = AwsCredentials::new(ACCESS_KEY, SECRET, None, None, "bench").into();
    let time = SigningTime::from_unix_seconds(UNIX_SECONDS as i64);
    let derived = SigningKey::derive(SECRET, &time.amz_date(), "us-east-1", "s3");
    // The raw key bytes are private to SigningKey; the floor needs some 32-byte key, and its
    // value does not change the cost.
    let floor_key = derived.sign(b"floor key").as_bytes().to_owned();

    let mut group = c.benchmark_group("sign");
    for scenario in SCENARIOS {
        let request =
            Request::new(scenario.method, scenario.target, scenario.headers).with_payload(payload(scenario));
        let settings = our_settings(scenario);
        let signed = signer.sign(&request, &settings, time).unwrap();
        assert_eq!(
            signed.signature().to_hex(),
            aws_sign(&identity, scenario),
            "{}: signers disagree",
            scenario.name
        );
        let canonical = signed.canonical_request().as_str().to_owned();
        let string_to_sign = signed.string_to_sign().as_str().to_owned();

        group.bench_function(BenchmarkId::new("s3-connector", scenario.name), |b| {
            b.iter(|| signer.sign(black_box(&request), &settings, time).unwrap())
        });
        group.bench_function(BenchmarkId::new("aws-sigv4", scenario.name), |b| {
            b.iter(|| aws_sign(&identity, black_box(scenario)))
        });
        group.bench_function(BenchmarkId::new("floor", scenario.name), |b| {
            b.iter(|| {
                let hash = Sha256::digest(black_box(canonical.as_bytes()));
                let mut mac = Hmac::<Sha256>::new_from_slice(&floor_key).unwrap();
                mac.update(black_box(string_to_sign.as_bytes()));
                (hash, mac.finalize().into_bytes())
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("payload_sha256");
    let data = vec![0x5a_u8; 1 << 20];
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("1MiB", |b| b.iter(|| sigv4::sha256(black_box(&data))));
    group.finish();

    let mut group = c.benchmark_group("chunk_signature");
    let chunk = vec![0x61_u8; 64 * 1024];
    group.throughput(Throughput::Bytes(chunk.len() as u64));
    let headers = [("host", "examplebucket.s3.amazonaws.com")];
    let request = Request::new("PUT", "/big", &headers).with_payload(Payload::StreamingSigned);
    let mut chunk_signer =
        signer.sign(&request, &SigningSettings::s3(), time).unwrap().chunk_signer().unwrap();
    group.bench_function("64KiB", |b| b.iter(|| chunk_signer.sign_chunk(black_box(&chunk))));
    group.finish();
}

criterion_group!(benches, signing);
criterion_main!(benches);
