//! Raw HTTP/1.1 request text, in the form of the AWS test suite's `request.txt`: a request line,
//! `Name:value` header lines (continuation lines start with white space), a blank line, a body.
//! Used by `s3-connector sign` and the conformance tests.

use crate::{Payload, Request, SignedRequest};

/// Why request text could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum RawRequestError {
    /// Nothing but white space.
    #[error("no request line: the input is empty")]
    Empty,
    /// The first line is not `METHOD TARGET HTTP/x.y`.
    #[error("bad request line {0:?}: expected METHOD TARGET HTTP/1.1")]
    BadRequestLine(String),
    /// A header line with no colon.
    #[error("header line {line} has no colon: {text:?}")]
    HeaderWithoutColon {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// A continuation line before any header.
    #[error("line {0} continues a header, but no header precedes it")]
    OrphanContinuation(usize),
    /// The request line or headers are not UTF-8.
    #[error("the request line and headers must be UTF-8")]
    NotUtf8,
}

/// A parsed raw request. Header values are kept exactly as written (after the colon), so the
/// request can be printed back unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRequest {
    /// e.g. `GET`.
    pub method: String,
    /// The request target, path and query, e.g. `/a%20b?x=1`.
    pub target: String,
    /// e.g. `HTTP/1.1`.
    pub version: String,
    /// Headers in order, values as written.
    pub headers: Vec<(String, String)>,
    /// The body, possibly binary.
    pub body: Vec<u8>,
}

fn split_head(input: &[u8]) -> (&[u8], &[u8]) {
    for (index, window) in input.windows(2).enumerate() {
        if window == b"\n\n" {
            return (&input[..index], &input[index + 2..]);
        }
        if window == b"\n\r" && input.get(index + 2) == Some(&b'\n') {
            return (&input[..index], &input[index + 3..]);
        }
    }
    (input, b"")
}

impl RawRequest {
    /// Parses request text. Lines may end in `\n` or `\r\n`.
    pub fn parse(input: &[u8]) -> Result<Self, RawRequestError> {
        let (head, body) = split_head(input);
        let head = std::str::from_utf8(head).map_err(|_| RawRequestError::NotUtf8)?;
        let mut lines = head.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line));
        let request_line =
            lines.by_ref().find(|line| !line.trim().is_empty()).ok_or(RawRequestError::Empty)?;
        let bad_line = || RawRequestError::BadRequestLine(request_line.to_owned());
        // The target may hold spaces (the suite's `GET /example space/ HTTP/1.1`): the method is
        // the first word and the version the last.
        let (method, rest) = request_line.split_once(' ').ok_or_else(bad_line)?;
        let (target, version) = rest.rsplit_once(' ').ok_or_else(bad_line)?;
        let valid = !method.is_empty()
            && method.bytes().all(|b| b.is_ascii_alphabetic())
            && !target.is_empty()
            && version.starts_with("HTTP/");
        if !valid {
            return Err(bad_line());
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        for (index, line) in lines.enumerate() {
            let line_number = index + 2;
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().ok_or(RawRequestError::OrphanContinuation(line_number))?;
                last.1.push('\n');
                last.1.push_str(line);
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let (name, value) = line.split_once(':').ok_or_else(|| RawRequestError::HeaderWithoutColon {
                line: line_number,
                text: line.to_owned(),
            })?;
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(RawRequestError::HeaderWithoutColon { line: line_number, text: line.to_owned() });
            }
            headers.push((name.to_owned(), value.to_owned()));
        }
        Ok(Self {
            method: method.to_owned(),
            target: target.to_owned(),
            version: version.to_owned(),
            headers,
            body: body.to_vec(),
        })
    }

    /// The headers as borrowed pairs, for [`Request::headers`].
    pub fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
    }

    /// A signable view of this request with `payload`; `headers` comes from
    /// [`RawRequest::header_pairs`].
    pub fn to_request<'a>(&'a self, headers: &'a [(&'a str, &'a str)], payload: Payload<'a>) -> Request<'a> {
        Request::new(&self.method, &self.target, headers).with_payload(payload)
    }

    /// The request target with a presigned URL's query parameters appended.
    pub fn signed_target(&self, signed: &SignedRequest) -> String {
        if signed.query_string().is_empty() {
            return self.target.clone();
        }
        let separator = if self.target.contains('?') { '&' } else { '?' };
        format!("{}{separator}{}", self.target, signed.query_string())
    }

    /// The signed request as text: this request with the signer's headers or query parameters
    /// added, in the suite's `*-signed-request.txt` format.
    pub fn render_signed(&self, signed: &SignedRequest) -> Vec<u8> {
        let mut out = format!("{} {} {}\n", self.method, self.signed_target(signed), self.version);
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}:{value}\n"));
        }
        for (name, value) in signed.headers() {
            out.push_str(&format!("{name}:{value}\n"));
        }
        out.push('\n');
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_folded_headers_and_body() {
        let raw = RawRequest::parse(b"POST /a b?x=1 HTTP/1.1\r\nHost:h\r\nX: 1\r\n  2\r\n\r\nbody").unwrap();
        assert_eq!(raw.method, "POST");
        assert_eq!(raw.target, "/a b?x=1");
        assert_eq!(raw.headers, vec![("Host".into(), "h".into()), ("X".into(), " 1\n  2".into())]);
        assert_eq!(raw.body, b"body");
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(RawRequest::parse(b"  \n"), Err(RawRequestError::Empty));
        assert!(matches!(RawRequest::parse(b"GET\n"), Err(RawRequestError::BadRequestLine(_))));
        assert!(matches!(RawRequest::parse(b"GET / FTP\n"), Err(RawRequestError::BadRequestLine(_))));
        assert!(matches!(
            RawRequest::parse(b"GET / HTTP/1.1\nHost example\n"),
            Err(RawRequestError::HeaderWithoutColon { line: 2, .. })
        ));
        assert_eq!(
            RawRequest::parse(b"GET / HTTP/1.1\n folded\n"),
            Err(RawRequestError::OrphanContinuation(2))
        );
        assert_eq!(RawRequest::parse(b"GET / HTTP/1.1\nA:\xff\n"), Err(RawRequestError::NotUtf8));
    }
}
