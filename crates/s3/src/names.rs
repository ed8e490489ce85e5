//! Bucket and key validation, done before a name goes into a host name or a path.

use crate::Error;

/// The longest key S3 accepts, in bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 1024;

/// Checks a bucket name against S3's rules for new buckets: 3 to 63 characters of lower-case
/// letters, digits, `.` and `-`; a letter or digit at both ends; no `..`; not shaped like an IP
/// address; none of the reserved prefixes and suffixes. A name that passes cannot change the
/// host or path a request goes to.
pub fn validate_bucket(bucket: &str) -> Result<(), Error> {
    let problem = bucket_problem(bucket);
    match problem {
        None => Ok(()),
        Some(why) => Err(Error::InvalidInput(format!("invalid bucket name {bucket:?}: {why}"))),
    }
}

fn bucket_problem(bucket: &str) -> Option<&'static str> {
    let bytes = bucket.as_bytes();
    if !(3..=63).contains(&bytes.len()) {
        return Some("a bucket name has 3 to 63 characters");
    }
    if !bytes.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-') {
        return Some("use only lower-case letters, digits, '.' and '-'");
    }
    let edge = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !edge(bytes[0]) || !edge(bytes[bytes.len() - 1]) {
        return Some("a bucket name begins and ends with a letter or a digit");
    }
    if bucket.contains("..") || bucket.contains(".-") || bucket.contains("-.") {
        return Some("'.' may not stand next to '.' or '-'");
    }
    if bucket.split('.').count() == 4 && bucket.split('.').all(|part| part.parse::<u8>().is_ok()) {
        return Some("a bucket name may not look like an IP address");
    }
    if bucket.starts_with("xn--") || bucket.starts_with("sthree-") || bucket.starts_with("amzn-s3-demo-") {
        return Some("the prefix is reserved by S3");
    }
    if bucket.ends_with("-s3alias") || bucket.ends_with("--ol-s3") || bucket.ends_with("--x-s3") {
        return Some("the suffix is reserved by S3");
    }
    None
}

/// Checks an object key: 1 to 1024 bytes. Any UTF-8 is allowed; the encoding handles the rest.
pub fn validate_key(key: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::InvalidKey("the object key is empty".to_owned()));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(Error::InvalidKey(format!(
            "the object key is {} bytes long; S3 allows at most {MAX_KEY_BYTES}",
            key.len()
        )));
    }
    Ok(())
}

/// The longest file name the file systems in use take, in bytes.
const MAX_FILE_NAME: usize = 255;

/// Checks a key for a store that keeps each object as a file named after its key (s3s-fs,
/// `rclone serve s3`): a `.` or `..` segment, an empty segment (`a//b`) or a leading `/` would
/// name another file, or one outside the bucket, so such keys are refused. So are keys too long
/// for s3s-fs' file names: each segment is a file name, and it names the metadata file of an
/// object `.bucket-{base64 of the bucket}.object-{base64 of the key}.upload-{uuid}.metadata.json`
/// (126 bytes of key in a bucket of 9 characters, 72 in one of 63).
pub fn validate_file_key(bucket: &str, key: &str) -> Result<(), Error> {
    validate_key(key)?;
    let base64_len = |bytes: usize| (bytes * 4).div_ceil(3);
    let metadata_name = ".bucket-".len()
        + base64_len(bucket.len())
        + ".object-".len()
        + base64_len(key.len())
        + ".upload-00000000-0000-0000-0000-000000000000.metadata.json".len();
    // A key within this also has segments short enough to be file names.
    if metadata_name > MAX_FILE_NAME {
        let most = MAX_FILE_NAME.saturating_sub(metadata_name - base64_len(key.len())) * 3 / 4;
        return Err(Error::InvalidKey(format!(
            "the key is {} bytes long; this store (it keeps objects as files) holds keys of at most \
             {most} bytes in bucket {bucket:?}: shorten it, or use an S3 store such as MinIO, Ceph or AWS",
            key.len()
        )));
    }
    if key.contains('\0') {
        return Err(Error::InvalidKey(
            "the key has a NUL character, which this store (it keeps objects as files) cannot hold in a \
             file name: rename the object, or use an S3 store such as MinIO, Ceph or AWS"
                .to_owned(),
        ));
    }
    // A trailing '/' names a folder marker, which such stores keep as a directory.
    let body = key.strip_suffix('/').unwrap_or(key);
    if body.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
        return Err(Error::InvalidKey(format!(
            "the key {key:?} has a '.' or '..' segment, an empty segment ('//') or a leading '/', \
             which this store (it keeps objects as files) cannot hold: rename the object, or use an \
             S3 store such as MinIO, Ceph or AWS"
        )));
    }
    Ok(())
}

/// Checks user metadata: names of letters, digits, `-` and `_`; values of printable ASCII (what
/// an HTTP header can carry to S3).
pub fn validate_metadata(metadata: &[(String, String)]) -> Result<(), Error> {
    for (name, value) in metadata {
        let valid_name =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid_name {
            return Err(Error::InvalidInput(format!(
                "invalid metadata name {name:?}: use letters, digits, '-' and '_'"
            )));
        }
        if !value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
            return Err(Error::InvalidInput(format!(
                "invalid value for metadata {name:?}: S3 metadata values are printable ASCII"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        for good in ["abc", "my-bucket.2024", "a1b", &"a".repeat(63)] {
            assert!(validate_bucket(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "ab",
            "evil.com/x",
            "a..b",
            "-a",
            "a-",
            "Upper",
            "192.168.1.1",
            "a_b",
            "a b",
            "xn--abc",
            "abc-s3alias",
            "a.-b",
            "bucket:80",
            "bucket@host",
            "bucket#x",
            "bucket?x",
            &"a".repeat(64),
        ] {
            assert!(validate_bucket(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys() {
        assert!(validate_key("a").is_ok());
        assert!(validate_key(&"k".repeat(1024)).is_ok());
        assert!(validate_key("").is_err());
        assert!(validate_key(&"k".repeat(1025)).is_err());
    }
}
