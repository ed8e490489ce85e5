//! The S3 API Reference's aws-chunked examples, to the byte.

use crate::{assert_step, data_dir};
use serde::Deserialize;
use sigv4::{
    ChunkFraming, Credentials, Payload, Request, Signer, SigningSettings, SigningTime, encoded_length,
};

#[derive(Deserialize)]
struct Examples {
    examples: Vec<Example>,
}

#[derive(Deserialize)]
struct Example {
    name: String,
    method: String,
    uri_path: String,
    headers: Vec<(String, String)>,
    signed_headers: String,
    payload_hash: String,
    access_key: String,
    secret_key: String,
    region: String,
    service: String,
    timestamp: String,
    expected_canonical_request: String,
    expected_string_to_sign: String,
    expected_signature: String,
    #[serde(default)]
    expected_authorization: Option<String>,
    #[serde(default)]
    expected_authorization_consistent: Option<String>,
    chunks: Vec<Chunk>,
    #[serde(default)]
    trailer: Option<Trailer>,
    #[serde(default)]
    content_length: Option<u64>,
}

#[derive(Deserialize)]
struct Chunk {
    size: usize,
    expected_signature: String,
    #[serde(default)]
    wire_prefix: Option<String>,
}

#[derive(Deserialize)]
struct Trailer {
    headers: Vec<(String, String)>,
    canonical: String,
    expected_signature: String,
    wire: String,
}

fn examples() -> Vec<Example> {
    let text = std::fs::read(data_dir().join("s3-streaming-examples.json")).unwrap();
    serde_json::from_slice::<Examples>(&text).unwrap().examples
}

fn run(example: &Example) {
    let name = example.name.as_str();
    let payload = match example.payload_hash.as_str() {
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" => Payload::StreamingSigned,
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" => Payload::StreamingSignedTrailer,
        other => panic!("{name}: unexpected payload {other}"),
    };
    // Sign exactly the headers the example signs (the trailer example lists a Content-Length it
    // does not sign: a known quirk of that page).
    let signed_names: Vec<&str> = example.signed_headers.split(';').collect();
    let headers: Vec<(&str, &str)> = example
        .headers
        .iter()
        .filter(|(header, _)| signed_names.contains(&header.to_ascii_lowercase().as_str()))
        .map(|(header, value)| (header.as_str(), value.as_str()))
        .collect();
    let signer = Signer::new(
        Credentials::new(&*example.access_key, &*example.secret_key),
        &*example.region,
        &*example.service,
    );
    let time = SigningTime::parse_amz_date(&example.timestamp).unwrap();
    let request = Request::new(&example.method, &example.uri_path, &headers).with_payload(payload);
    let signed = signer.sign(&request, &SigningSettings::s3(), time).unwrap();

    assert_step(
        name,
        "canonical request",
        example.expected_canonical_request.as_bytes(),
        signed.canonical_request().as_str().as_bytes(),
    );
    assert_step(
        name,
        "string to sign",
        example.expected_string_to_sign.as_bytes(),
        signed.string_to_sign().as_str().as_bytes(),
    );
    assert_step(
        name,
        "seed signature",
        example.expected_signature.as_bytes(),
        signed.signature().to_hex().as_bytes(),
    );
    let expected_authorization = example
        .expected_authorization
        .as_ref()
        .or(example.expected_authorization_consistent.as_ref())
        .unwrap();
    // The S3 pages separate the Authorization parts with "," and the suites with ", ": servers take both.
    assert_step(
        name,
        "authorization",
        expected_authorization.as_bytes(),
        signed.authorization().unwrap().replace(", ", ",").as_bytes(),
    );

    let mut chunk_signer = signed.chunk_signer().expect("streaming payloads have a chunk signer");
    let mut wire = Vec::new();
    for (index, chunk) in example.chunks.iter().enumerate() {
        let data = vec![b'a'; chunk.size];
        let before = wire.len();
        if chunk.size == 0 {
            let trailers: Vec<(&str, &str)> = example
                .trailer
                .iter()
                .flat_map(|t| t.headers.iter().map(|(h, v)| (h.as_str(), v.as_str())))
                .collect();
            chunk_signer.encode_final(&trailers, &mut wire);
        } else {
            chunk_signer.encode_chunk(&data, &mut wire);
        }
        let step = format!("chunk {index} signature");
        let prefix = format!("{:x};chunk-signature={}\r\n", chunk.size, chunk.expected_signature);
        assert_step(name, &step, prefix.as_bytes(), &wire[before..before + prefix.len()]);
        if let Some(wire_prefix) = &chunk.wire_prefix {
            assert_step(name, "chunk framing", wire_prefix.as_bytes(), prefix.as_bytes());
        }
    }
    let decoded_length: usize = example.chunks.iter().map(|c| c.size).sum();
    let trailer_pairs: Vec<(&str, &str)> = example
        .trailer
        .iter()
        .flat_map(|t| t.headers.iter().map(|(h, v)| (h.as_str(), v.as_str())))
        .collect();
    if let Some(trailer) = &example.trailer {
        assert_eq!(sigv4::canonical_trailers(&trailer_pairs), trailer.canonical);
        assert_eq!(
            chunk_signer.previous_signature().to_hex(),
            trailer.expected_signature,
            "{name}: trailer signature"
        );
        assert!(wire.ends_with(trailer.wire.as_bytes()), "{name}: trailer wire format");
    } else {
        assert!(wire.ends_with(b"\r\n\r\n"), "{name}: final chunk framing");
        assert_eq!(Some(wire.len() as u64), example.content_length, "{name}: total length");
    }
    let chunk_size = example.chunks[0].size as u64;
    assert_eq!(
        encoded_length(decoded_length as u64, chunk_size, ChunkFraming::Signed, &trailer_pairs),
        wire.len() as u64,
        "{name}: encoded_length"
    );
}

#[test]
fn s3_chunked_put_object() {
    run(examples().iter().find(|e| e.name == "s3-chunked-put-object").unwrap());
}

#[test]
fn s3_chunked_put_object_trailer() {
    run(examples().iter().find(|e| e.name == "s3-chunked-put-object-trailer").unwrap());
}

#[test]
fn chunk_signer_works_incrementally() {
    // Signing a body in pieces gives the same frames as the examples: only the previous
    // signature is carried between chunks, so the body is never held whole.
    let example = examples().into_iter().next().unwrap();
    let signer = Signer::new(Credentials::new(&*example.access_key, &*example.secret_key), "us-east-1", "s3");
    let time = SigningTime::parse_amz_date(&example.timestamp).unwrap();
    let headers: Vec<(&str, &str)> = example.headers.iter().map(|(h, v)| (h.as_str(), v.as_str())).collect();
    let request = Request::new("PUT", &example.uri_path, &headers).with_payload(Payload::StreamingSigned);
    let signed = signer.sign(&request, &SigningSettings::s3(), time).unwrap();
    let mut chunks = signed.chunk_signer().unwrap();
    let first = chunks.chunk_header(&[b'a'; 65536]);
    assert_eq!(first, example.chunks[0].wire_prefix.clone().unwrap());
    assert_eq!(
        chunks.sign_chunk_hash(&sigv4::sha256(&[b'a'; 1024])).to_hex(),
        example.chunks[1].expected_signature
    );
}

#[test]
fn non_streaming_requests_have_no_chunk_signer() {
    let signer = Signer::new(Credentials::new("AKID", "secret"), "us-east-1", "s3");
    let headers = [("host", "example.com")];
    let signed = signer
        .sign(
            &Request::new("PUT", "/b/k", &headers),
            &SigningSettings::s3(),
            SigningTime::from_unix_seconds(0),
        )
        .unwrap();
    assert!(signed.chunk_signer().is_none());
}
