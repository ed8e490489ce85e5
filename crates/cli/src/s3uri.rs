//! `s3://bucket/key` locations.

use crate::exit::bad_input;

/// A bucket and an optional key or prefix (raw, not percent-encoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct S3Uri {
    pub(crate) bucket: String,
    pub(crate) key: String,
}

impl S3Uri {
    pub(crate) fn parse(text: &str) -> anyhow::Result<Self> {
        let rest = text
            .strip_prefix("s3://")
            .ok_or_else(|| bad_input(format!("{text:?} is not an S3 location: use s3://bucket/key")))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        s3::validate_bucket(bucket).map_err(|error| bad_input(error.to_string()))?;
        Ok(Self { bucket: bucket.to_owned(), key: key.to_owned() })
    }

    /// The same, requiring a key.
    pub(crate) fn parse_object(text: &str) -> anyhow::Result<Self> {
        let uri = Self::parse(text)?;
        if uri.key.is_empty() {
            return Err(bad_input(format!("{text:?} names no object: use s3://bucket/key")));
        }
        s3::validate_key(&uri.key).map_err(|error| bad_input(error.to_string()))?;
        Ok(uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(
            S3Uri::parse("s3://b-1/a b/c").unwrap(),
            S3Uri { bucket: "b-1".into(), key: "a b/c".into() }
        );
        assert_eq!(S3Uri::parse("s3://bkt").unwrap().key, "");
        assert!(S3Uri::parse("http://bkt/k").is_err());
        assert!(S3Uri::parse("s3://Bad_Bucket/k").is_err());
        assert!(S3Uri::parse_object("s3://bkt/").is_err());
    }
}
