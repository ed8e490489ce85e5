//! `s3-connector sign`: signs a raw request and shows every step of SigV4.

use crate::cli::SignArgs;
use crate::env;
use crate::exit::bad_input;
use anyhow::Context;
use sigv4::raw::RawRequest;
use sigv4::{
    ContentSha256Header, Credentials, MAX_PRESIGNED_EXPIRY_SECONDS, Payload, SessionTokenMode,
    SignatureLocation, SignedRequest, Signer, SigningSettings, SigningTime, UriMode,
};
use std::io::{Read, Write};

pub(crate) fn run(args: &SignArgs) -> anyhow::Result<()> {
    let input = read_input(args)?;
    let raw =
        RawRequest::parse(&input).map_err(|error| bad_input(format!("cannot read the request: {error}")))?;
    let region = args
        .region
        .clone()
        .or_else(|| env::var(env::AWS_REGION))
        .or_else(|| env::var(env::AWS_DEFAULT_REGION))
        .unwrap_or_else(|| "us-east-1".to_owned());
    let time = match &args.time {
        Some(text) => parse_time(text)?,
        None => SigningTime::now(),
    };
    let credentials = credentials(args)?;
    if args.presign && !(1..=MAX_PRESIGNED_EXPIRY_SECONDS).contains(&args.expires) {
        return Err(bad_input(format!(
            "--expires {} is out of range: use 1 to {MAX_PRESIGNED_EXPIRY_SECONDS} seconds (7 days)",
            args.expires
        )));
    }
    let settings = SigningSettings {
        location: if args.presign {
            SignatureLocation::Query { expires_in_seconds: args.expires }
        } else {
            SignatureLocation::Headers
        },
        uri_mode: if args.normalize { UriMode::Normalized } else { UriMode::S3 },
        session_token_mode: SessionTokenMode::Signed,
        content_sha256_header: if args.service == "s3" || args.content_sha256 {
            ContentSha256Header::Add
        } else {
            ContentSha256Header::Omit
        },
    };
    let payload = if args.unsigned_payload { Payload::Unsigned } else { Payload::Bytes(&raw.body) };
    let headers = raw.header_pairs();
    let signer = Signer::new(credentials, region, args.service.clone());
    let signed = signer
        .sign(&raw.to_request(&headers, payload), &settings, time)
        .map_err(|error| bad_input(error.to_string()))?;
    let output = if args.json {
        json_output(&raw, &signed, args.presign)?
    } else {
        text_output(&raw, &signed, args.presign)
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(output.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn read_input(args: &SignArgs) -> anyhow::Result<Vec<u8>> {
    let mut input = Vec::new();
    if args.request.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut input).context("cannot read the request from standard input")?;
    } else {
        input = std::fs::read(&args.request)
            .map_err(|error| bad_input(format!("cannot read {}: {error}", args.request.display())))?;
    }
    Ok(input)
}

fn credentials(args: &SignArgs) -> anyhow::Result<Credentials> {
    let access_key =
        args.access_key.clone().or_else(|| env::var(env::AWS_ACCESS_KEY_ID)).ok_or_else(|| {
            bad_input(format!("no access key id: pass --access-key or set {}", env::AWS_ACCESS_KEY_ID))
        })?;
    let secret_key =
        args.secret_key.clone().or_else(|| env::var(env::AWS_SECRET_ACCESS_KEY)).ok_or_else(|| {
            bad_input(format!(
                "no secret access key: pass --secret-key or set {}",
                env::AWS_SECRET_ACCESS_KEY
            ))
        })?;
    let mut credentials = Credentials::new(access_key, secret_key);
    if let Some(token) = args.session_token.clone().or_else(|| env::var(env::AWS_SESSION_TOKEN)) {
        credentials = credentials.with_session_token(token);
    }
    Ok(credentials)
}

/// `20150830T123600Z` or RFC 3339 with any offset.
fn parse_time(text: &str) -> anyhow::Result<SigningTime> {
    if let Ok(time) = SigningTime::parse_amz_date(text) {
        return Ok(time);
    }
    let parsed =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).map_err(|_| {
            bad_input(format!(
                "invalid --time {text:?}: use 20150830T123600Z or RFC 3339 such as 2015-08-30T12:36:00Z"
            ))
        })?;
    Ok(SigningTime::from_unix_seconds(parsed.unix_timestamp()))
}

/// The presigned URL: `https://` unless the host is a loopback address.
fn presigned_url(raw: &RawRequest, signed: &SignedRequest) -> String {
    let host = raw
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim())
        .unwrap_or_default();
    let scheme = if connector::definition::is_loopback_host(host) { "http" } else { "https" };
    format!("{scheme}://{host}{}", raw.signed_target(signed))
}

fn text_output(raw: &RawRequest, signed: &SignedRequest, presign: bool) -> String {
    let (label, value) = if presign {
        ("URL", presigned_url(raw, signed))
    } else {
        ("Authorization", signed.authorization().unwrap_or_default().to_owned())
    };
    format!(
        "Canonical request:\n{}\n\nString to sign:\n{}\n\nSignature:\n{}\n\n{label}:\n{value}\n\nSigned request:\n{}\n",
        signed.canonical_request(),
        signed.string_to_sign(),
        signed.signature(),
        String::from_utf8_lossy(&raw.render_signed(signed)),
    )
}

fn json_output(raw: &RawRequest, signed: &SignedRequest, presign: bool) -> anyhow::Result<String> {
    let value = serde_json::json!({
        "canonical_request": signed.canonical_request().as_str(),
        "string_to_sign": signed.string_to_sign().as_str(),
        "signature": signed.signature().to_hex(),
        "authorization": if presign { None } else { signed.authorization() },
        "url": if presign { Some(presigned_url(raw, signed)) } else { None },
        "signed_request": String::from_utf8_lossy(&raw.render_signed(signed)),
    });
    Ok(format!("{}\n", serde_json::to_string_pretty(&value)?))
}
