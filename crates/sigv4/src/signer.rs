//! The signer: keys derived once per day, requests signed in the header or query form.

use crate::SigningError;
use crate::canonical::{self, CanonicalParts, CanonicalRequest, StringToSign};
use crate::chunked::ChunkSigner;
use crate::credentials::Credentials;
use crate::encode::{encode_query_component, encode_str_into};
use crate::hash::{HmacKey, MessagePrefix, hex32, sha256};
use crate::request::{
    ContentSha256Header, Payload, Request, SessionTokenMode, SignatureLocation, SigningSettings, UriMode,
};
use crate::time::{AmzDate, SigningTime};
use std::borrow::Cow;
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
    /// The scope as it appears, encoded, in `X-Amz-Credential`.
    scope_in_query: String,
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
        let scope = format!("{date_text}/{region}/{service}/aws4_request");
        let mut date_bytes = [0u8; 8];
        date_bytes.copy_from_slice(&date_text.as_bytes()[..8]);
        Self {
            date: date_bytes,
            scope_in_query: encode_query_component(&scope).into_owned(),
            scope,
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
    cache: Mutex<Option<Cached>>,
}

/// The last key derived, and the last signing time formatted: many requests are signed within
/// the same second and almost all within the same day.
struct Cached {
    key: Arc<SigningKey>,
    unix_seconds: i64,
    amz_date: AmzDate,
    /// The first 64 bytes of every string to sign in this second are the same
    /// (`AWS4-HMAC-SHA256\n` + time + scope); their HMAC block is computed once.
    string_to_sign_prefix: Option<Arc<MessagePrefix>>,
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
    pub fn new(credentials: Credentials, region: impl Into<String>, service: impl Into<String>) -> Self {
        Self { credentials, region: region.into(), service: service.into(), cache: Mutex::new(None) }
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
        let mut cache = self.lock_cache();
        let key = self.key_for_day(cache.as_ref(), date);
        if cache.as_ref().is_none_or(|cached| !Arc::ptr_eq(&cached.key, &key)) {
            *cache = Some(Cached {
                key: Arc::clone(&key),
                unix_seconds: i64::MIN,
                amz_date: *date,
                string_to_sign_prefix: None,
            });
        }
        key
    }

    /// The key for `time`'s day and `time` formatted, from the cache where possible.
    fn key_for_time(&self, time: SigningTime) -> PerSecond {
        let mut cache = self.lock_cache();
        if let Some(cached) = cache.as_ref().filter(|cached| cached.unix_seconds == time.unix_seconds()) {
            return PerSecond {
                key: Arc::clone(&cached.key),
                amz_date: cached.amz_date,
                string_to_sign_prefix: cached.string_to_sign_prefix.clone(),
            };
        }
        let amz_date = time.amz_date();
        let key = self.key_for_day(cache.as_ref(), &amz_date);
        let string_to_sign_prefix = string_to_sign_first_block(&amz_date, key.scope())
            .map(|block| Arc::new(key.key.absorb_first_block(&block)));
        *cache = Some(Cached {
            key: Arc::clone(&key),
            unix_seconds: time.unix_seconds(),
            amz_date,
            string_to_sign_prefix: string_to_sign_prefix.clone(),
        });
        PerSecond { key, amz_date, string_to_sign_prefix }
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        // A poisoned lock only means another thread panicked mid-update of a cache; rebuild it.
        self.cache.lock().unwrap_or_else(|poison| poison.into_inner())
    }

    fn key_for_day(&self, cached: Option<&Cached>, date: &AmzDate) -> Arc<SigningKey> {
        let wanted = &date.as_str().as_bytes()[..8];
        match cached.filter(|cached| cached.key.date == wanted) {
            Some(cached) => Arc::clone(&cached.key),
            None => Arc::new(SigningKey::derive(
                self.credentials.secret_access_key().expose(),
                date,
                &self.region,
                &self.service,
            )),
        }
    }

    /// Signs `request` at `time`.
    pub fn sign(
        &self,
        request: &Request<'_>,
        settings: &SigningSettings,
        time: SigningTime,
    ) -> Result<SignedRequest, SigningError> {
        if !request.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
            return Err(SigningError::MissingHost);
        }
        if request.method.is_empty() || !request.method.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(SigningError::InvalidMethod(request.method.to_owned()));
        }
        let PerSecond { key, amz_date, string_to_sign_prefix } = self.key_for_time(time);
        let amz_date_text = amz_date.as_str();
        let payload_text = request.payload.text();
        let payload = payload_text.as_str();
        let token = self.credentials.session_token().map(|token| token.expose());
        let sign_token = settings.session_token_mode == SessionTokenMode::Signed;
        let add_content_sha256 = settings.content_sha256_header == ContentSha256Header::Add;
        let access_key_id = self.credentials.access_key_id();

        let header_form = match settings.location {
            SignatureLocation::Headers => true,
            SignatureLocation::Query { expires_in_seconds } => {
                if !(1..=MAX_PRESIGNED_EXPIRY_SECONDS).contains(&expires_in_seconds) {
                    return Err(SigningError::InvalidExpiry(expires_in_seconds));
                }
                false
            }
        };
        // In the header form the signer sets these headers itself.
        let set_by_signer = |name: &str| {
            header_form
                && (name == "x-amz-date"
                    || (token.is_some() && name == "x-amz-security-token")
                    || (add_content_sha256 && name == "x-amz-content-sha256"))
        };
        let signed_added = [
            Some(("x-amz-date", amz_date_text)),
            token.filter(|_| sign_token).map(|token| ("x-amz-security-token", token)),
            add_content_sha256.then_some(("x-amz-content-sha256", payload)),
        ];
        let signed_added = signed_added.into_iter().flatten().filter(|_| header_form);
        let headers = canonical::collect_headers(request.headers, !header_form, set_by_signer, signed_added);

        // What the signer adds goes into one buffer: header values, or the query string.
        let mut added = Added::default();
        let mut query = canonical::parse_query(request.query, if header_form { 0 } else { 6 });
        if let SignatureLocation::Query { expires_in_seconds } = settings.location {
            let buffer = &mut added.text;
            buffer.reserve(256 + request.headers.len() * 24 + token.map_or(0, |t| t.len() * 3));
            added.push_param("X-Amz-Algorithm", |out| out.push_str(ALGORITHM));
            added.push_param("X-Amz-Credential", |out| {
                out.push_str(&encode_query_component(access_key_id));
                out.push_str("%2F");
                out.push_str(&key.scope_in_query);
            });
            added.push_param("X-Amz-Date", |out| out.push_str(amz_date_text));
            added.push_param("X-Amz-SignedHeaders", |out| {
                canonical::write_signed_headers(out, &headers, "%3B")
            });
            added.push_param("X-Amz-Expires", |out| push_decimal(out, expires_in_seconds));
            if let Some(token) = token {
                added.push_param("X-Amz-Security-Token", |out| encode_str_into(out, token, false));
            }
            for (name, value) in added.pairs() {
                if name != "X-Amz-Security-Token" || sign_token {
                    query.push((Cow::Borrowed(name), Cow::Borrowed(value)));
                }
            }
        }

        let canonical_request = CanonicalParts {
            method: request.method,
            path: request.path,
            normalize_path: settings.uri_mode == UriMode::Normalized,
            query: &mut query,
            headers: &headers,
            payload,
        }
        .build();
        drop(query);

        let string_to_sign = build_string_to_sign(amz_date_text, key.scope(), &canonical_request);
        let signature = match &string_to_sign_prefix {
            Some(prefix) => {
                Signature(key.key.sign_after_prefix(prefix, &string_to_sign.text.as_bytes()[64..]))
            }
            None => key.sign(string_to_sign.text.as_bytes()),
        };

        if header_form {
            added.text.reserve(
                token.map_or(0, str::len)
                    + 16
                    + payload.len()
                    + 160
                    + access_key_id.len()
                    + key.scope().len(),
            );
            if let Some(token) = token {
                added.push_header("X-Amz-Security-Token", |out| out.push_str(token));
            }
            added.push_header("X-Amz-Date", |out| out.push_str(amz_date_text));
            if add_content_sha256 {
                added.push_header("x-amz-content-sha256", |out| out.push_str(payload));
            }
            let signed_headers = canonical_request.signed_headers();
            added.push_header("Authorization", |out| {
                write_authorization(out, access_key_id, key.scope(), signed_headers, &signature);
            });
        } else {
            added.push_param("X-Amz-Signature", |out| crate::hash::push_hex(out, &signature.0));
        }

        Ok(SignedRequest {
            canonical_request,
            string_to_sign,
            signature,
            added,
            header_form,
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

fn push_decimal(out: &mut String, value: u32) {
    let mut digits = [0u8; 10];
    let mut rest = value;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}

fn write_authorization(
    out: &mut String,
    access_key_id: &str,
    scope: &str,
    signed_headers: &str,
    signature: &Signature,
) {
    out.push_str(ALGORITHM);
    out.push_str(" Credential=");
    out.push_str(access_key_id);
    out.push('/');
    out.push_str(scope);
    out.push_str(", SignedHeaders=");
    out.push_str(signed_headers);
    out.push_str(", Signature=");
    crate::hash::push_hex(out, &signature.0);
}

/// What [`Signer::key_for_time`] hands out.
struct PerSecond {
    key: Arc<SigningKey>,
    amz_date: AmzDate,
    string_to_sign_prefix: Option<Arc<MessagePrefix>>,
}

/// The first 64 bytes of the string to sign, when the fixed part is that long (it is for any
/// real region and service).
fn string_to_sign_first_block(amz_date: &AmzDate, scope: &str) -> Option<Vec<u8>> {
    let mut fixed = Vec::with_capacity(ALGORITHM.len() + 18 + scope.len() + 1);
    fixed.extend_from_slice(ALGORITHM.as_bytes());
    fixed.push(b'\n');
    fixed.extend_from_slice(amz_date.as_str().as_bytes());
    fixed.push(b'\n');
    fixed.extend_from_slice(scope.as_bytes());
    fixed.push(b'\n');
    (fixed.len() >= 64).then(|| fixed[..64].to_vec())
}

/// The headers or query parameters the signer adds, as one buffer and the spans of its values:
/// one allocation instead of one per value.
#[derive(Default)]
struct Added {
    text: String,
    spans: [(&'static str, usize, usize); 7],
    count: usize,
}

impl fmt::Debug for Added {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values may hold a session token: show the names only.
        f.debug_list().entries(self.pairs().map(|(name, _)| name)).finish()
    }
}

impl Added {
    fn push_header(&mut self, name: &'static str, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        self.record(name, start);
    }

    /// Appends `&name=value` (no `&` first) to the query string being built.
    fn push_param(&mut self, name: &'static str, write: impl FnOnce(&mut String)) {
        if !self.text.is_empty() {
            self.text.push('&');
        }
        self.text.push_str(name);
        self.text.push('=');
        self.push_header(name, write);
    }

    fn record(&mut self, name: &'static str, start: usize) {
        if let Some(span) = self.spans.get_mut(self.count) {
            *span = (name, start, self.text.len());
            self.count += 1;
        }
    }

    fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.spans[..self.count].iter().map(|&(name, start, end)| (name, &self.text[start..end]))
    }
}

fn build_string_to_sign(amz_date: &str, scope: &str, canonical_request: &CanonicalRequest) -> StringToSign {
    let hash = sha256(canonical_request.as_str().as_bytes());
    let mut text = String::with_capacity(ALGORITHM.len() + 16 + scope.len() + 64 + 3);
    text.push_str(ALGORITHM);
    text.push('\n');
    text.push_str(amz_date);
    text.push('\n');
    text.push_str(scope);
    text.push('\n');
    crate::hash::push_hex(&mut text, &hash);
    StringToSign { text }
}

/// The result of signing: every intermediate step, and what to add to the request.
#[derive(Debug)]
pub struct SignedRequest {
    canonical_request: CanonicalRequest,
    string_to_sign: StringToSign,
    signature: Signature,
    added: Added,
    header_form: bool,
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

    /// Headers to add to the request, in order (header form; none for presigned URLs).
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.added.pairs().filter(|_| self.header_form)
    }

    /// The `Authorization` header value (header form).
    pub fn authorization(&self) -> Option<&str> {
        self.headers().find(|(name, _)| *name == "Authorization").map(|(_, value)| value)
    }

    /// Query parameters to append, in order, values already percent-encoded (presigned form;
    /// none for the header form).
    pub fn query(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.added.pairs().filter(|_| !self.header_form)
    }

    /// The query parameters to append as one string, `X-Amz-Algorithm=...&...` (presigned
    /// form; empty for the header form).
    pub fn query_string(&self) -> &str {
        if self.header_form { "" } else { &self.added.text }
    }

    /// For `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]` requests, the signer of the chunks
    /// that follow, seeded with this request's signature.
    pub fn chunk_signer(&self) -> Option<ChunkSigner> {
        matches!(self.payload, Payload::StreamingSigned | Payload::StreamingSignedTrailer)
            .then(|| ChunkSigner::new(Arc::clone(&self.key), self.amz_date, self.signature))
    }
}
