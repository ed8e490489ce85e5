//! The signer: keys derived once per day, requests signed in the header or query form.

use crate::SigningError;
use crate::canonical::{self, CanonicalParts, CanonicalRequest, StringToSign};
use crate::chunked::ChunkSigner;
use crate::credentials::Credentials;
use crate::encode::encode_query_component;
use crate::hash::{HmacKey, hex32, sha256};
use crate::request::{
    ContentSha256Header, Payload, Request, SessionTokenMode, SignatureLocation, SigningSettings,
    UriMode,
};
use crate::time::{AmzDate, SigningTime};
use std::fmt;
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The algorithm name SigV4 writes everywhere.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The longest a presigned URL may live: seven days.
pub const MAX_PRESIGNED_EXPIRY_SECONDS: u32 = 604_800;

/// A 32-byte SigV4 signature. Equality is constant-time; `Display` is lower-case hex.
#[derive(Clone, Copy)]
pub struct Signature(pub(crate) [u8; 32]);

impl Signature {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 hex digits.
    pub fn to_hex(&self) -> String {
        crate::hash::hex_string(&self.0)
    }

    pub(crate) fn hex_bytes(&self) -> [u8; 64] {
        hex32(&self.0)
    }

    /// Compares with a hex signature (e.g. one received) in constant time.
    pub fn matches_hex(&self, hex: &str) -> bool {
        let ours = self.hex_bytes();
        bool::from(ours.as_slice().ct_eq(hex.as_bytes()))
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.0.ct_eq(&other.0))
    }
}

impl Eq for Signature {}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

/// The key derived from (secret, date, region, service), with its credential scope.
#[derive(Debug)]
pub struct SigningKey {
    date: [u8; 8],
    scope: String,
    key: HmacKey,
}

impl SigningKey {
    /// Derives the key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    pub fn derive(secret_access_key: &str, date: &AmzDate, region: &str, service: &str) -> Self {
        let mut seed = Zeroizing::new(Vec::with_capacity(4 + secret_access_key.len()));
        seed.extend_from_slice(b"AWS4");
        seed.extend_from_slice(secret_access_key.as_bytes());
        let date_text = date.date();
        let mut k_date = Zeroizing::new(HmacKey::new(&seed).sign(date_text.as_bytes()));
        let mut k_region = Zeroizing::new(HmacKey::new(&*k_date).sign(region.as_bytes()));
        let mut k_service = Zeroizing::new(HmacKey::new(&*k_region).sign(service.as_bytes()));
        let k_signing = Zeroizing::new(HmacKey::new(&*k_service).sign(b"aws4_request"));
        k_date.fill(0);
        k_region.fill(0);
        k_service.fill(0);
        let mut date_bytes = [0u8; 8];
        date_bytes.copy_from_slice(&date_text.as_bytes()[..8]);
        Self {
            date: date_bytes,
            scope: format!("{date_text}/{region}/{service}/aws4_request"),
            key: HmacKey::new(&*k_signing),
        }
    }

    /// The credential scope, e.g. `20150830/us-east-1/s3/aws4_request`.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// HMAC-SHA256 of `message` under this key.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.key.sign(message))
    }
}

/// Signs requests for one set of credentials, region and service. Cheap to share across threads;
/// the signing key is derived once per UTC day and reused.
pub struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
    cached_key: Mutex<Option<Arc<SigningKey>>>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer for `service` (`s3` for S3) in `region`.
    pub fn new(
        credentials: Credentials,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        Self {
            credentials,
            region: region.into(),
            service: service.into(),
            cached_key: Mutex::new(None),
        }
    }

    /// The credentials this signer uses.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The signing key for the day of `date`, derived at most once per day.
    pub fn signing_key(&self, date: &AmzDate) -> Arc<SigningKey> {
        let wanted = &date.as_str().as_bytes()[..8];
        // A poisoned lock only means another thread panicked mid-update of a cache; rebuild it.
        let mut cached = self
            .cached_key
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(key) = cached.as_ref().filter(|key| key.date == wanted) {
            return Arc::clone(key);
        }
        let key = Arc::new(SigningKey::derive(
            self.credentials.secret_access_key().expose(),
            date,
            &self.region,
            &self.service,
        ));
        *cached = Some(Arc::clone(&key));
        key
    }

    /// Signs `request` at `time`.
    pub fn sign(
        &self,
        request: &Request<'_>,
        settings: &SigningSettings,
        time: SigningTime,
    ) -> Result<SignedRequest, SigningError> {
        if !request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            return Err(SigningError::MissingHost);
        }
        if request.method.is_empty() || !request.method.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(SigningError::InvalidMethod(request.method.to_owned()));
        }
        let amz_date = time.amz_date();
        let key = self.signing_key(&amz_date);
        let payload = request.payload.text();
        let token = self.credentials.session_token().map(|token| token.expose());
        let sign_token = settings.session_token_mode == SessionTokenMode::Signed;
        let access_key_id = self.credentials.access_key_id();

        let mut added_headers: Vec<(&'static str, String)> = Vec::with_capacity(4);
        let mut added_query: Vec<(&'static str, String)> = Vec::new();
        let mut skip: Vec<&str> = Vec::with_capacity(3);
        let mut signed_added: Vec<(&'static str, &str)> = Vec::with_capacity(3);
        let presigned = match settings.location {
            SignatureLocation::Headers => {
                skip.push("x-amz-date");
                signed_added.push(("x-amz-date", amz_date.as_str()));
                if let Some(token) = token {
                    skip.push("x-amz-security-token");
                    if sign_token {
                        signed_added.push(("x-amz-security-token", token));
                    }
                }
                if settings.content_sha256_header == ContentSha256Header::Add {
                    skip.push("x-amz-content-sha256");
                    signed_added.push(("x-amz-content-sha256", payload.as_str()));
                }
                false
            }
            SignatureLocation::Query { expires_in_seconds } => {
                if !(1..=MAX_PRESIGNED_EXPIRY_SECONDS).contains(&expires_in_seconds) {
                    return Err(SigningError::InvalidExpiry(expires_in_seconds));
                }
                true
            }
        };
        let headers = canonical::collect_headers(request.headers, presigned, &skip, &signed_added);

        let mut query = canonical::parse_query(request.query);
        if let SignatureLocation::Query { expires_in_seconds } = settings.location {
            let mut signed_headers = String::with_capacity(64);
            canonical::write_signed_headers(&mut signed_headers, &headers);
            let credential = format!("{access_key_id}/{}", key.scope());
            added_query.push(("X-Amz-Algorithm", ALGORITHM.to_owned()));
            added_query.push((
                "X-Amz-Credential",
                encode_query_component(&credential).into_owned(),
            ));
            added_query.push(("X-Amz-Date", amz_date.as_str().to_owned()));
            added_query.push((
                "X-Amz-SignedHeaders",
                encode_query_component(&signed_headers).into_owned(),
            ));
            added_query.push(("X-Amz-Expires", expires_in_seconds.to_string()));
            if let Some(token) = token {
                added_query.push((
                    "X-Amz-Security-Token",
                    encode_query_component(token).into_owned(),
                ));
            }
            for (name, value) in &added_query {
                if *name != "X-Amz-Security-Token" || sign_token {
                    query.push(((*name).into(), value.as_str().into()));
                }
            }
        }

        let canonical_request = CanonicalParts {
            method: request.method,
            path: request.path,
            normalize_path: settings.uri_mode == UriMode::Normalized,
            query: &mut query,
            headers: &headers,
            payload: payload.as_str(),
        }
        .build();

        let string_to_sign = build_string_to_sign(&amz_date, key.scope(), &canonical_request);
        let signature = key.sign(string_to_sign.text.as_bytes());

        match settings.location {
            SignatureLocation::Headers => {
                if let Some(token) = token {
                    added_headers.push(("X-Amz-Security-Token", token.to_owned()));
                }
                added_headers.push(("X-Amz-Date", amz_date.as_str().to_owned()));
                if settings.content_sha256_header == ContentSha256Header::Add {
                    added_headers.push(("x-amz-content-sha256", payload.as_str().to_owned()));
                }
                let authorization = format!(
                    "{ALGORITHM} Credential={access_key_id}/{}, SignedHeaders={}, Signature={signature}",
                    key.scope(),
                    canonical_request.signed_headers(),
                );
                added_headers.push(("Authorization", authorization));
            }
            SignatureLocation::Query { .. } => {
                added_query.push(("X-Amz-Signature", signature.to_hex()));
            }
        }

        Ok(SignedRequest {
            canonical_request,
            string_to_sign,
            signature,
            headers: added_headers,
            query: added_query,
            amz_date,
            key,
            payload: request.payload_kind(),
        })
    }
}

impl Request<'_> {
    fn payload_kind(&self) -> Payload<'static> {
        match self.payload {
            Payload::Bytes(_) | Payload::Sha256(_) => Payload::Unsigned,
            Payload::Unsigned => Payload::Unsigned,
            Payload::StreamingSigned => Payload::StreamingSigned,
            Payload::StreamingSignedTrailer => Payload::StreamingSignedTrailer,
            Payload::StreamingUnsignedTrailer => Payload::StreamingUnsignedTrailer,
        }
    }
}

fn build_string_to_sign(
    amz_date: &AmzDate,
    scope: &str,
    canonical_request: &CanonicalRequest,
) -> StringToSign {
    let hash = hex32(&sha256(canonical_request.as_str().as_bytes()));
    let mut text = String::with_capacity(ALGORITHM.len() + 16 + scope.len() + 64 + 3);
    text.push_str(ALGORITHM);
    text.push('\n');
    text.push_str(amz_date.as_str());
    text.push('\n');
    text.push_str(scope);
    text.push('\n');
    text.push_str(std::str::from_utf8(&hash).unwrap_or_default());
    StringToSign { text }
}

/// The result of signing: every intermediate step, and what to add to the request.
#[derive(Debug)]
pub struct SignedRequest {
    canonical_request: CanonicalRequest,
    string_to_sign: StringToSign,
    signature: Signature,
    headers: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    amz_date: AmzDate,
    key: Arc<SigningKey>,
    payload: Payload<'static>,
}

impl SignedRequest {
    /// The canonical request that was signed.
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &StringToSign {
        &self.string_to_sign
    }

    /// The signature (for streaming uploads, the seed signature).
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// Headers to add to the request, in order (header form; empty for presigned URLs).
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The `Authorization` header value (header form).
    pub fn authorization(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| *name == "Authorization")
            .map(|(_, value)| value.as_str())
    }

    /// Query parameters to append, in order, values already percent-encoded (presigned form).
    pub fn query(&self) -> &[(&'static str, String)] {
        &self.query
    }

    /// The query parameters to append as one string, `X-Amz-Algorithm=...&...`.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        for (index, (name, value)) in self.query.iter().enumerate() {
            if index > 0 {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
        out
    }

    /// For `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]` requests, the signer of the chunks
    /// that follow, seeded with this request's signature.
    pub fn chunk_signer(&self) -> Option<ChunkSigner> {
        matches!(
            self.payload,
            Payload::StreamingSigned | Payload::StreamingSignedTrailer
        )
        .then(|| ChunkSigner::new(Arc::clone(&self.key), self.amz_date, self.signature))
    }
}
