//! The canonical request and the string to sign, as values whose `Display` is the spec's text.

use crate::encode::{self, decode, encode_into, is_unreserved};
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Headers never signed: they are computed by the signer, or changed by proxies and by the HTTP
/// stack on the way (the same set the AWS SDKs leave out).
const EXCLUDED_HEADERS: [&str; 4] = ["authorization", "user-agent", "x-amzn-trace-id", "transfer-encoding"];
/// Headers left out of presigned URLs only, as the AWS SDKs do: the browser or tool that later
/// opens the URL will not send them.
const EXCLUDED_FROM_PRESIGNED: [&str; 2] = ["x-amz-user-agent", "x-amz-checksum-mode"];

/// The canonical request, the first step of SigV4. `Display` prints exactly the text that is
/// hashed, so it can be shown beside a server's when signatures disagree.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
    signed_headers: Range<usize>,
}

impl CanonicalRequest {
    /// The canonical request text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The `SignedHeaders` list, e.g. `host;x-amz-date`.
    pub fn signed_headers(&self) -> &str {
        &self.text[self.signed_headers.clone()]
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A signed session token may be in the text: never print it from Debug.
        f.debug_struct("CanonicalRequest")
            .field("signed_headers", &self.signed_headers())
            .finish_non_exhaustive()
    }
}

/// The string to sign, the second step of SigV4.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringToSign {
    pub(crate) text: String,
}

impl StringToSign {
    /// The string to sign text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One header as it enters the canonical request: lower-case name, raw value.
pub(crate) struct CanonicalHeader<'a> {
    pub(crate) name: Cow<'a, str>,
    pub(crate) value: &'a str,
    /// Written by the signer itself (a date, a hash, a token): already canonical.
    pub(crate) canonical: bool,
}

/// Collects, lower-cases and sorts the headers to sign, with the signer's own `added` ones.
/// `set_by_signer` names headers the signer sets itself, so a caller's stale copy is not signed
/// twice.
pub(crate) fn collect_headers<'a>(
    headers: &'a [(&'a str, &'a str)],
    presigned: bool,
    set_by_signer: impl Fn(&str) -> bool,
    added: impl Iterator<Item = (&'static str, &'a str)>,
) -> Vec<CanonicalHeader<'a>> {
    let mut collected = Vec::with_capacity(headers.len() + 3);
    for &(name, value) in headers {
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let excluded = EXCLUDED_HEADERS.contains(&&*name)
            || (presigned && EXCLUDED_FROM_PRESIGNED.contains(&&*name))
            || set_by_signer(&name);
        if !excluded {
            collected.push(CanonicalHeader { name, value, canonical: false });
        }
    }
    // The date and payload hash are written by the signer and need no trimming; a session token
    // comes from the caller and is canonicalised like any value.
    collected.extend(added.map(|(name, value)| CanonicalHeader {
        name: Cow::Borrowed(name),
        value,
        canonical: name != "x-amz-security-token",
    }));
    // Stable: repeated headers keep their order, as the spec joins them in order.
    collected.sort_by(|a, b| a.name.cmp(&b.name));
    collected
}

/// Writes `name1;name2;...` for the sorted headers, each name once, with `separator` between
/// them (`;`, or `%3B` inside a query string).
pub(crate) fn write_signed_headers(out: &mut String, headers: &[CanonicalHeader<'_>], separator: &str) {
    let mut previous: Option<&str> = None;
    for header in headers {
        if previous == Some(&header.name) {
            continue;
        }
        if previous.is_some() {
            out.push_str(separator);
        }
        out.push_str(&header.name);
        previous = Some(&header.name);
    }
}

/// Whether a value has spaces at either end, a run of spaces, or a line break.
fn needs_trimming(bytes: &[u8]) -> bool {
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return true;
    }
    let mut previous_space = false;
    for &byte in bytes {
        match byte {
            b'\r' | b'\n' => return true,
            b' ' if previous_space => return true,
            b' ' => previous_space = true,
            _ => previous_space = false,
        }
    }
    false
}

/// Appends a header value trimmed, with inner runs of spaces collapsed to one. Line breaks of a
/// folded (multi-line) header count as spaces. Tabs are kept, as the AWS SDKs keep them.
fn write_trimmed_value(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    // Most values need nothing: one pass finds out.
    if !needs_trimming(bytes) {
        out.push_str(value);
        return;
    }
    let is_space = |b: u8| matches!(b, b' ' | b'\r' | b'\n');
    let value = value.trim_matches(|c| matches!(c, ' ' | '\r' | '\n'));
    let bytes = value.as_bytes();
    // Spaces are ASCII, so every cut below falls on a character boundary.
    let mut run_start = 0;
    let mut index = 0;
    while index < bytes.len() {
        if is_space(bytes[index])
            && (bytes[index] != b' ' || bytes.get(index + 1).copied().is_some_and(is_space))
        {
            out.push_str(&value[run_start..index]);
            out.push(' ');
            while index < bytes.len() && is_space(bytes[index]) {
                index += 1;
            }
            run_start = index;
        } else {
            index += 1;
        }
    }
    out.push_str(&value[run_start..]);
}

/// Appends the canonical header block: `name:value1,value2\n` per distinct name.
pub(crate) fn write_canonical_headers(out: &mut String, headers: &[CanonicalHeader<'_>]) {
    let mut previous: Option<&str> = None;
    for header in headers {
        if previous == Some(&header.name) {
            out.push(',');
        } else {
            if previous.is_some() {
                out.push('\n');
            }
            out.push_str(&header.name);
            out.push(':');
        }
        if header.canonical {
            out.push_str(header.value);
        } else {
            write_trimmed_value(out, header.value);
        }
        previous = Some(&header.name);
    }
    if previous.is_some() {
        out.push('\n');
    }
}

/// A query parameter, percent-encoded as SigV4 wants it.
type EncodedParam<'a> = (Cow<'a, str>, Cow<'a, str>);

fn canonical_component(raw: &str) -> Cow<'_, str> {
    if raw.bytes().all(is_unreserved) {
        return Cow::Borrowed(raw);
    }
    let decoded = decode(raw, true);
    let mut out = String::with_capacity(decoded.len() * 3);
    encode_into(&mut out, &decoded, false);
    Cow::Owned(out)
}

/// Parses the query as sent (decoding once; `+` is a space there) and re-encodes each name and
/// value the SigV4 way.
/// `extra` reserves room for the parameters the signer will add.
pub(crate) fn parse_query(query: &str, extra: usize) -> Vec<EncodedParam<'_>> {
    let mut params = Vec::new();
    if query.is_empty() && extra == 0 {
        return params;
    }
    params.reserve_exact(query.bytes().filter(|&b| b == b'&').count() + 1 + extra);
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        params.push((canonical_component(name), canonical_component(value)));
    }
    params
}

/// Appends `a=1&b=2` sorted by encoded name, then encoded value.
pub(crate) fn write_canonical_query(out: &mut String, params: &mut [EncodedParam<'_>]) {
    params.sort_unstable();
    for (index, (name, value)) in params.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
}

/// Assembles the canonical request from its already-canonical parts.
pub(crate) struct CanonicalParts<'a, 'b> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) normalize_path: bool,
    pub(crate) query: &'b mut [EncodedParam<'a>],
    pub(crate) headers: &'b [CanonicalHeader<'a>],
    pub(crate) payload: &'b str,
}

impl CanonicalParts<'_, '_> {
    pub(crate) fn build(self) -> CanonicalRequest {
        let header_bytes: usize = self.headers.iter().map(|h| h.name.len() * 2 + h.value.len() + 2).sum();
        let query_bytes: usize = self.query.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
        let mut text = String::with_capacity(
            self.method.len() + self.path.len() * 3 + query_bytes + header_bytes + self.payload.len() + 8,
        );
        text.push_str(self.method);
        text.push('\n');
        if self.normalize_path {
            encode::canonical_path_generic(&mut text, self.path);
        } else {
            encode::canonical_path_s3(&mut text, self.path);
        }
        text.push('\n');
        write_canonical_query(&mut text, self.query);
        text.push('\n');
        write_canonical_headers(&mut text, self.headers);
        text.push('\n');
        let start = text.len();
        write_signed_headers(&mut text, self.headers, ";");
        let signed_headers = start..text.len();
        text.push('\n');
        text.push_str(self.payload);
        CanonicalRequest { text, signed_headers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_collapses_spaces() {
        for (input, expected) in [
            ("  a   b  ", "a b"),
            ("value1\n  value2\n     value3", "value1 value2 value3"),
            ("\"a   b   c\"", "\"a b c\""),
            ("a\tb", "a\tb"),
            ("", ""),
            ("   ", ""),
            ("a \r\n b", "a b"),
            ("é  ü", "é ü"),
            ("x \t y", "x \t y"),
        ] {
            let mut out = String::new();
            write_trimmed_value(&mut out, input);
            assert_eq!(out, expected, "{input:?}");
        }
    }

    #[test]
    fn query_is_decoded_then_encoded() {
        let mut params = parse_query("b=2&a=%7e&a=1&c&d=x+y&e=%2f/", 0);
        let mut out = String::new();
        write_canonical_query(&mut out, &mut params);
        assert_eq!(out, "a=1&a=~&b=2&c=&d=x%20y&e=%2F%2F");
    }
}
