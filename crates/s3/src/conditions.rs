//! Conditional reads checked again on the answer, for stores that ignore the conditions
//! (s3s-fs does on GET and HEAD): a 200 whose ETag or Last-Modified says the condition does not
//! hold becomes the 304 or 412 the store should have sent. The order is RFC 9110's (section
//! 13.2.2), which is also S3's: If-Match, else If-Unmodified-Since, may fail the request (412);
//! then If-None-Match, else If-Modified-Since, may make it a 304.

use crate::types::Conditions;
use time::OffsetDateTime;
use time::PrimitiveDateTime;

/// What the conditions make of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The conditions hold (or there are none): the answer stands.
    Proceed,
    /// 304 Not Modified.
    NotModified,
    /// 412 Precondition Failed.
    PreconditionFailed,
}

/// Judges conditions against an object's `etag` and `last_modified` (an HTTP date).
pub(crate) fn evaluate(conditions: &Conditions, etag: &str, last_modified: &str) -> Verdict {
    let modified = parse_http_date(last_modified);
    let modified_after =
        |date: &Option<String>| -> Option<bool> { Some(modified? > parse_http_date(date.as_deref()?)?) };
    match &conditions.if_match {
        Some(list) if !any_matches(list, etag, false) => return Verdict::PreconditionFailed,
        Some(_) => {}
        // An unreadable date is ignored, as RFC 9110 says.
        None => {
            if modified_after(&conditions.if_unmodified_since) == Some(true) {
                return Verdict::PreconditionFailed;
            }
        }
    }
    match &conditions.if_none_match {
        Some(list) if any_matches(list, etag, true) => Verdict::NotModified,
        Some(_) => Verdict::Proceed,
        None if modified_after(&conditions.if_modified_since) == Some(false) => Verdict::NotModified,
        None => Verdict::Proceed,
    }
}

/// Whether `etag` is in the comma-separated `list` (or the list is `*`). Weak comparison
/// ignores `W/`; strong comparison never matches a weak tag. Quotes are optional, as S3 takes
/// ETags with or without them.
fn any_matches(list: &str, etag: &str, weak: bool) -> bool {
    if list.trim() == "*" {
        return true;
    }
    let (etag_is_weak, etag) = opaque(etag);
    if etag_is_weak && !weak {
        return false;
    }
    list.split(',').map(opaque).any(|(is_weak, candidate)| (weak || !is_weak) && candidate == etag)
}

/// `(is weak, the tag without W/ and quotes)`.
fn opaque(tag: &str) -> (bool, &str) {
    let tag = tag.trim();
    let (weak, tag) = match tag.strip_prefix("W/") {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    (weak, tag.trim_matches('"'))
}

/// An IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(text: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(text.trim(), format).ok().map(PrimitiveDateTime::assume_utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETAG: &str = "\"abc\"";
    const MODIFIED: &str = "Wed, 02 Dec 2026 10:00:00 GMT";
    const BEFORE: &str = "Tue, 01 Dec 2026 10:00:00 GMT";
    const AFTER: &str = "Thu, 03 Dec 2026 10:00:00 GMT";

    fn judge(
        if_match: Option<&str>,
        if_none_match: Option<&str>,
        since: Option<&str>,
        unmodified: Option<&str>,
    ) -> Verdict {
        let conditions = Conditions {
            if_match: if_match.map(str::to_owned),
            if_none_match: if_none_match.map(str::to_owned),
            if_modified_since: since.map(str::to_owned),
            if_unmodified_since: unmodified.map(str::to_owned),
        };
        evaluate(&conditions, ETAG, MODIFIED)
    }

    #[test]
    fn follows_rfc_9110_order() {
        use Verdict::*;
        assert_eq!(judge(None, None, None, None), Proceed);
        assert_eq!(judge(Some("\"abc\""), None, None, None), Proceed);
        assert_eq!(judge(Some("abc"), None, None, None), Proceed, "quotes are optional");
        assert_eq!(judge(Some("\"x\", \"abc\""), None, None, None), Proceed);
        assert_eq!(judge(Some("*"), None, None, None), Proceed);
        assert_eq!(judge(Some("\"other\""), None, None, None), PreconditionFailed);
        assert_eq!(judge(Some("W/\"abc\""), None, None, None), PreconditionFailed, "If-Match is strong");
        assert_eq!(judge(None, Some("\"abc\""), None, None), NotModified);
        assert_eq!(judge(None, Some("W/\"abc\""), None, None), NotModified, "If-None-Match is weak");
        assert_eq!(judge(None, Some("*"), None, None), NotModified);
        assert_eq!(judge(None, Some("\"other\""), None, None), Proceed);
        assert_eq!(judge(None, None, Some(AFTER), None), NotModified);
        assert_eq!(judge(None, None, Some(MODIFIED), None), NotModified);
        assert_eq!(judge(None, None, Some(BEFORE), None), Proceed);
        assert_eq!(judge(None, None, None, Some(BEFORE)), PreconditionFailed);
        assert_eq!(judge(None, None, None, Some(MODIFIED)), Proceed);
        assert_eq!(judge(None, None, Some("not a date"), Some("nor this")), Proceed, "bad dates are ignored");
        // If-Match holding overrides If-Unmodified-Since; If-None-Match overrides If-Modified-Since.
        assert_eq!(judge(Some(ETAG), None, None, Some(BEFORE)), Proceed);
        assert_eq!(judge(None, Some("\"other\""), Some(AFTER), None), Proceed);
        assert_eq!(judge(None, Some(ETAG), Some(BEFORE), None), NotModified);
        // A failed precondition wins over not-modified.
        assert_eq!(judge(Some("\"other\""), Some(ETAG), None, None), PreconditionFailed);
    }
}
