//! Percent-encoding, decoding and path normalisation as SigV4 defines them.
//!
//! SigV4 uses the RFC 3986 unreserved set (`A-Z a-z 0-9 - _ . ~`) and upper-case hex. S3 paths
//! keep `/` as a separator; query components encode it.

use std::borrow::Cow;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Bytes that stay as they are: bit 0, the RFC 3986 unreserved set; bit 1, also `/`.
static PLAIN: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            table[byte] = 0b11;
        } else if b == b'/' {
            table[byte] = 0b10;
        }
        byte += 1;
    }
    table
};

/// True for the RFC 3986 unreserved characters, which SigV4 never encodes.
#[inline]
pub(crate) fn is_unreserved(byte: u8) -> bool {
    PLAIN[usize::from(byte)] & 0b01 != 0
}

/// True for the unreserved characters and `/`, which S3 paths keep as they are.
#[inline]
fn is_path_plain(byte: u8) -> bool {
    PLAIN[usize::from(byte)] & 0b10 != 0
}

#[inline]
fn is_plain(byte: u8, keep_slash: bool) -> bool {
    PLAIN[usize::from(byte)] & if keep_slash { 0b10 } else { 0b01 } != 0
}

#[inline]
fn push_encoded_byte(out: &mut String, byte: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(byte & 0x0f)]));
}

/// Appends `input` to `out`, percent-encoding every byte outside the unreserved set, and
/// leaving `/` alone when `keep_slash` is set.
pub(crate) fn encode_into(out: &mut String, input: &[u8], keep_slash: bool) {
    let mut start = 0;
    for (index, &byte) in input.iter().enumerate() {
        if is_plain(byte, keep_slash) {
            continue;
        }
        // The run before `index` is ASCII, so it is valid UTF-8 on its own.
        out.push_str(ascii_run(&input[start..index]));
        push_encoded_byte(out, byte);
        start = index + 1;
    }
    out.push_str(ascii_run(&input[start..]));
}

/// [`encode_into`] for text: the same output, without re-checking the unchanged runs.
pub(crate) fn encode_str_into(out: &mut String, input: &str, keep_slash: bool) {
    let mut start = 0;
    for (index, &byte) in input.as_bytes().iter().enumerate() {
        if is_plain(byte, keep_slash) {
            continue;
        }
        // Plain bytes are ASCII, so a non-empty plain run starts and ends on character
        // boundaries; between the bytes of one multi-byte character the run is empty.
        if start < index {
            out.push_str(&input[start..index]);
        }
        push_encoded_byte(out, byte);
        start = index + 1;
    }
    out.push_str(&input[start..]);
}

fn ascii_run(bytes: &[u8]) -> &str {
    // Only ever called on runs of unreserved bytes and '/', all ASCII.
    std::str::from_utf8(bytes).unwrap_or_default()
}

fn needs_encoding(input: &[u8], keep_slash: bool) -> bool {
    !input.iter().all(|&byte| is_plain(byte, keep_slash))
}

/// Encodes an S3 object key (or any path) for use in a request path: every byte except the
/// unreserved set and `/` is percent-encoded, once.
///
/// ```
/// assert_eq!(sigv4::encode_path("photos/my cat+1.jpg"), "photos/my%20cat%2B1.jpg");
/// ```
pub fn encode_path(path: &str) -> Cow<'_, str> {
    encode_bytes(path, true).unwrap_or(Cow::Borrowed(path))
}

/// Encodes a query-string name or value: every byte except the unreserved set, `/` included.
///
/// ```
/// assert_eq!(sigv4::encode_query_component("a/b c"), "a%2Fb%20c");
/// ```
pub fn encode_query_component(value: &str) -> Cow<'_, str> {
    encode_bytes(value, false).unwrap_or(Cow::Borrowed(value))
}

/// `None` when nothing needs encoding, so the caller can borrow the input.
fn encode_bytes(input: &str, keep_slash: bool) -> Option<Cow<'static, str>> {
    if !needs_encoding(input.as_bytes(), keep_slash) {
        return None;
    }
    let mut out = String::with_capacity(input.len() * 3);
    encode_str_into(&mut out, input, keep_slash);
    Some(Cow::Owned(out))
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `input`. A `%` not followed by two hex digits is kept as it is; with
/// `plus_is_space`, `+` decodes to a space (the form-encoding rule that S3 servers apply to
/// query strings, never to paths).
pub(crate) fn decode(input: &str, plus_is_space: bool) -> Cow<'_, [u8]> {
    let bytes = input.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || (plus_is_space && b == b'+')) {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' && index + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex_value(bytes[index + 1]), hex_value(bytes[index + 2])) {
                out.push(high << 4 | low);
                index += 3;
                continue;
            }
        }
        out.push(if plus_is_space && byte == b'+' { b' ' } else { byte });
        index += 1;
    }
    Cow::Owned(out)
}

/// True when decoding and re-encoding `path` would give it back unchanged: only unreserved
/// bytes, `/`, and upper-case escapes of bytes that need escaping. This is how well-behaved
/// clients (ours included) send paths, so the common case is a copy.
fn is_canonically_encoded(path: &[u8]) -> bool {
    let mut index = 0;
    while index < path.len() {
        let byte = path[index];
        if is_path_plain(byte) {
            index += 1;
            continue;
        }
        if byte != b'%' || index + 2 >= path.len() {
            return false;
        }
        let upper_hex = |b: u8| b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
        let (high, low) = (path[index + 1], path[index + 2]);
        if !upper_hex(high) || !upper_hex(low) {
            return false;
        }
        let value = hex_value(high).unwrap_or(0) << 4 | hex_value(low).unwrap_or(0);
        if is_path_plain(value) {
            return false;
        }
        index += 3;
    }
    true
}

/// The canonical form of a wire path in S3 mode: decoded once and encoded once, never
/// normalised. S3 object keys may hold `//`, `.` and `..` segments; collapsing them would sign a
/// different key from the one sent.
pub(crate) fn canonical_path_s3(out: &mut String, path: &str) {
    let path = if path.is_empty() { "/" } else { path };
    if is_canonically_encoded(path.as_bytes()) {
        out.push_str(path);
        return;
    }
    encode_into(out, &decode(path, false), true);
}

/// The canonical form of a path in the generic mode of the AWS test suite and most AWS services:
/// dot segments removed, empty segments collapsed, then every byte outside the unreserved set
/// and `/` encoded. Because the input is the path as sent (already encoded once), a `%` in it is
/// encoded again: this is the "double encoding" that non-S3 services expect.
pub(crate) fn canonical_path_generic(out: &mut String, path: &str) {
    let normalized = normalize_path(path);
    encode_str_into(out, &normalized, true);
}

/// RFC 3986 dot-segment removal, also collapsing empty segments (`//`), as the AWS generic
/// suite expects. A path that ended in a directory keeps its trailing slash.
fn normalize_path(path: &str) -> Cow<'_, str> {
    let clean = !path.contains("//")
        && !path.split('/').any(|segment| segment == "." || segment == "..")
        && path.starts_with('/');
    if clean {
        return Cow::Borrowed(path);
    }
    let mut segments: Vec<&str> = Vec::new();
    let mut ends_in_directory = path.ends_with('/');
    for segment in path.split('/') {
        match segment {
            "" => {}
            "." => ends_in_directory = true,
            ".." => {
                segments.pop();
                ends_in_directory = true;
            }
            other => {
                segments.push(other);
                ends_in_directory = false;
            }
        }
    }
    if path.ends_with('/') {
        ends_in_directory = true;
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() || ends_in_directory {
        out.push('/');
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode() {
        assert_eq!(
            encode_path("a b/+=:@&$?#~!'()*ሴ"),
            "a%20b/%2B%3D%3A%40%26%24%3F%23~%21%27%28%29%2A%E1%88%B4"
        );
        assert_eq!(encode_query_component("a/b"), "a%2Fb");
    }

    #[test]
    fn decodes_once_and_keeps_bad_escapes() {
        assert_eq!(&*decode("a%2Fb%2", false), b"a/b%2");
        assert_eq!(&*decode("a%zz+", true), b"a%zz ");
        assert_eq!(&*decode("%41%4a", false), b"AJ");
    }

    #[test]
    fn canonical_paths_are_recognised() {
        for (path, canonical) in [
            ("/a/b%20c", true),
            ("/a%2Fb", false), // an escaped slash decodes to a separator
            ("/a%7E", false),  // an escaped unreserved byte is written bare
            ("/a%2f", false),
            ("/a%2", false),
            ("/a%", false),
            ("/a b", false),
            ("/%E1%88%B4", true),
        ] {
            assert_eq!(is_canonically_encoded(path.as_bytes()), canonical, "{path}");
        }
    }

    #[test]
    fn s3_paths_are_never_normalised() {
        let mut out = String::new();
        canonical_path_s3(&mut out, "/a//b/../c/./d%20e f");
        assert_eq!(out, "/a//b/../c/./d%20e%20f");
    }

    #[test]
    fn generic_paths_are_normalised() {
        for (input, expected) in [
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./", "/"),
            ("/./example", "/example"),
            ("//", "/"),
            ("//example//", "/example/"),
            ("/a/b/..", "/a/"),
            ("/a/./b", "/a/b"),
            ("/", "/"),
        ] {
            assert_eq!(normalize_path(input), expected, "{input}");
        }
    }
}
