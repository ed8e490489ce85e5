//! Uploads from a stream of any length with bounded memory, and streaming downloads.
//!
//! A body up to the threshold goes in one PutObject; a larger one as a multipart upload whose
//! parts are read one at a time and uploaded `concurrency` at a time, into `concurrency + 1`
//! buffers used again and again, so memory stays near `part_size * (concurrency + 1)`. Every
//! part is covered by its CRC32C or its signed SHA-256 (see [`crate::ChecksumCalculation`]). On
//! any failure, or if the upload is dropped half-way, the multipart upload is aborted: no
//! orphaned parts. A create-only upload checks that the key is free before sending anything.

use crate::Error;
use crate::client::Client;
use crate::multipart::{MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE};
use crate::types::{CompletedPart, GetOptions, PutOptions, PutOutput};
use bytes::{Bytes, BytesMut};
use md5::{Digest, Md5};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::task::JoinSet;

/// A reader that takes the MD5 of what passes through it, when asked to.
struct Md5Reader<R> {
    inner: R,
    md5: Option<Md5>,
}

impl<R> Md5Reader<R> {
    /// The MD5 of everything read so far, if it is being taken.
    fn digest(&self) -> Option<[u8; 16]> {
        self.md5.as_ref().map(|md5| md5.clone().finalize().into())
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Md5Reader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buffer.filled().len();
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_read(context, buffer);
        if let (Poll::Ready(Ok(())), Some(md5)) = (&polled, &mut this.md5) {
            md5.update(&buffer.filled()[before..]);
        }
        polled
    }
}

/// Whether the body read matches the caller's `Content-MD5`, if one was given.
fn check_body_md5<R>(options: &PutOptions, reader: &Md5Reader<R>) -> Result<(), Error> {
    match (&options.content_md5, reader.digest()) {
        (Some(expected), Some(actual)) => crate::ops::check_md5(expected, &actual),
        _ => Ok(()),
    }
}

/// Reads until `buffer` holds `target` bytes or the reader ends; true at the end.
async fn fill<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut BytesMut,
    target: usize,
) -> Result<bool, Error> {
    if buffer.capacity() < target {
        // Exactly what is missing: buffers are sized to their part, never doubled.
        buffer.reserve(target - buffer.len());
    }
    while buffer.len() < target {
        if reader.read_buf(buffer).await? == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The size of part `number`. With a known total, one size that fits in 10,000 parts. Without,
/// the size doubles every 1,000 parts, so 10,000 parts reach past S3's 5 TiB object limit.
pub fn part_size_for(number: u32, base: usize, total_hint: Option<u64>) -> usize {
    let base = base.clamp(MIN_PART_SIZE, MAX_PART_SIZE);
    match total_hint {
        Some(total) => {
            let needed = total.div_ceil(u64::from(MAX_PARTS));
            let needed = usize::try_from(needed.div_ceil(1 << 20) << 20).unwrap_or(MAX_PART_SIZE);
            base.max(needed).min(MAX_PART_SIZE)
        }
        None => {
            let doublings = (number.saturating_sub(1) / 1000).min(10);
            base.saturating_mul(1 << doublings).min(MAX_PART_SIZE)
        }
    }
}

/// Aborts the multipart upload if dropped before it is disarmed (a failure, or a caller that
/// gave up half-way).
struct AbortOnDrop {
    client: Client,
    bucket: String,
    key: String,
    upload_id: String,
    armed: bool,
}

impl AbortOnDrop {
    async fn abort_now(mut self) {
        self.armed = false;
        if let Err(error) = self.client.abort_multipart_upload(&self.bucket, &self.key, &self.upload_id).await
        {
            tracing::warn!(bucket = %self.bucket, key = %self.key, %error, "could not abort a failed multipart upload");
        }
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let (client, bucket, key, upload_id) =
            (self.client.clone(), self.bucket.clone(), self.key.clone(), self.upload_id.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = client.abort_multipart_upload(&bucket, &key, &upload_id).await {
                    tracing::warn!(%bucket, %key, %error, "could not abort an abandoned multipart upload");
                }
            });
        }
    }
}

impl Client {
    /// Uploads everything `reader` yields. `size_hint`, when known, picks a part size that fits.
    pub async fn upload<R: AsyncRead + Unpin>(
        &self,
        bucket: &str,
        key: &str,
        reader: R,
        options: &PutOptions,
        size_hint: Option<u64>,
    ) -> Result<PutOutput, Error> {
        let mut reader = Md5Reader { inner: reader, md5: options.content_md5.map(|_| Md5::new()) };
        crate::names::validate_bucket(bucket)?;
        self.check_key(bucket, key)?;
        if options.create_only {
            // Refuse before a byte is sent, and also on stores that ignore If-None-Match; the
            // header on the write itself still guards against a race where stores support it.
            match self.head_object(bucket, key, &crate::types::Conditions::default()).await {
                Ok(_) => {
                    return Err(Error::PreconditionFailed(Box::new(crate::ServiceError {
                        status: 412,
                        code: "PreconditionFailed".to_owned(),
                        message: format!(
                            "{key:?} already exists and the upload is create-only (If-None-Match: *)"
                        ),
                        ..Default::default()
                    })));
                }
                // Without s3:ListBucket, AWS answers 403 for a missing key: leave the decision
                // to If-None-Match on the write.
                Err(Error::NoSuchKey { .. } | Error::AccessDenied(_)) => {}
                Err(error) => return Err(error),
            }
        }
        let settings = self.config().transfer;
        // Small bodies announce themselves: no need for a threshold-sized buffer then.
        let first_read = size_hint
            .and_then(|hint| usize::try_from(hint).ok())
            .map_or(settings.multipart_threshold, |hint| hint.min(settings.multipart_threshold))
            + 1;
        let keep = settings.concurrency.max(1) + 2;
        let mut buffer = self.buffers().take(first_read);
        let mut ended = fill(&mut reader, &mut buffer, first_read).await?;
        if !ended && buffer.len() <= settings.multipart_threshold {
            // The hint was low: read on up to the threshold before choosing.
            ended = fill(&mut reader, &mut buffer, settings.multipart_threshold + 1).await?;
        }
        if ended && buffer.len() <= settings.multipart_threshold {
            check_body_md5(options, &reader)?;
            let body = buffer.freeze();
            // The MD5 is checked: PutObject need not take it again.
            let options = PutOptions { content_md5: None, ..options.clone() };
            let result = self.put_object(bucket, key, body.clone(), &options).await;
            self.buffers().give(body, keep);
            return result;
        }
        let upload_id = self.create_multipart_upload(bucket, key, options).await?;
        let guard = AbortOnDrop {
            client: self.clone(),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            upload_id: upload_id.clone(),
            armed: true,
        };
        let uploaded = self.upload_parts(bucket, key, &upload_id, &mut reader, buffer, size_hint).await;
        // A body that is not what its Content-MD5 says is never completed: the upload is aborted.
        match uploaded.and_then(|uploaded| check_body_md5(options, &reader).map(|()| uploaded)) {
            Ok((parts, size)) => {
                let result = self
                    .complete_multipart_upload(bucket, key, &upload_id, &parts, options.create_only)
                    .await;
                match result {
                    Ok(mut output) => {
                        let mut guard = guard;
                        guard.armed = false;
                        output.size = size;
                        Ok(output)
                    }
                    Err(error) => {
                        guard.abort_now().await;
                        Err(error)
                    }
                }
            }
            Err(error) => {
                guard.abort_now().await;
                Err(error)
            }
        }
    }

    async fn upload_parts<R: AsyncRead + Unpin>(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        reader: &mut R,
        mut leftover: BytesMut,
        size_hint: Option<u64>,
    ) -> Result<(Vec<CompletedPart>, u64), Error> {
        let settings = self.config().transfer;
        let concurrency = settings.concurrency.max(1);
        let mut tasks: JoinSet<Result<(CompletedPart, Bytes), Error>> = JoinSet::new();
        let mut parts = Vec::new();
        // Buffers of finished parts go back to the pool and are filled again, so an upload
        // takes `concurrency + 1` part buffers, not one (and its page faults) for every part.
        let pool = self.buffers();
        let keep = concurrency + 2;
        let mut carried_out = 0;
        let mut total = 0u64;
        let mut number = 0u32;
        let mut ended = false;
        loop {
            let size = part_size_for(number + 1, settings.part_size, size_hint);
            // A part never shares a buffer with the next, so a finished part's buffer is free
            // to be filled again (a part split off a shared buffer would pin the whole of it).
            let mut buffer = pool.take(size);
            let carried = (leftover.len() - carried_out).min(size);
            buffer.extend_from_slice(&leftover[carried_out..carried_out + carried]);
            carried_out += carried;
            if carried_out == leftover.len() && leftover.capacity() > 0 {
                // The first read is used up: its buffer goes back to the pool.
                pool.give_mut(std::mem::take(&mut leftover), keep);
                carried_out = 0;
            }
            if !ended && buffer.len() < size {
                ended = fill(reader, &mut buffer, size).await?;
            }
            if buffer.is_empty() {
                pool.give_mut(buffer, keep);
                break;
            }
            number += 1;
            if number > MAX_PARTS {
                return Err(Error::InvalidInput(format!(
                    "the body needs more than {MAX_PARTS} parts of {size} bytes: raise the part size"
                )));
            }
            let part: Bytes = buffer.freeze();
            total += part.len() as u64;
            while tasks.len() >= concurrency {
                if let Some(done) = tasks.join_next().await {
                    collect_part(done, &mut parts, pool, keep)?;
                }
            }
            let (client, bucket, key, upload_id) =
                (self.clone(), bucket.to_owned(), key.to_owned(), upload_id.to_owned());
            tasks.spawn(async move {
                let kept = part.clone();
                let uploaded = client.upload_part(&bucket, &key, &upload_id, number, part).await?;
                Ok((uploaded, kept))
            });
            if ended && leftover.is_empty() {
                break;
            }
        }
        while let Some(done) = tasks.join_next().await {
            collect_part(done, &mut parts, pool, keep)?;
        }
        parts.sort_by_key(|part| part.number);
        Ok((parts, total))
    }

    /// Streams an object into `writer`; returns the bytes written. A body cut short is an error.
    pub async fn download<W: AsyncWrite + Unpin>(
        &self,
        bucket: &str,
        key: &str,
        options: &GetOptions,
        writer: &mut W,
    ) -> Result<u64, Error> {
        let mut output = self.get_object(bucket, key, options).await?;
        let mut written = 0u64;
        while let Some(piece) = output.body.next().await {
            let piece = piece?;
            writer.write_all(&piece).await?;
            written += piece.len() as u64;
        }
        writer.flush().await?;
        Ok(written)
    }
}

impl Client {
    /// Downloads an object into `path` with concurrent ranged GETs of `part_size` bytes,
    /// `concurrency` at a time: for large objects on fast links. Every range asks for the ETag
    /// first seen (`If-Match`), so a concurrent overwrite fails the download instead of mixing two
    /// versions. Memory in use is about `part_size * concurrency`. Returns the bytes written.
    pub async fn download_ranged(
        &self,
        bucket: &str,
        key: &str,
        path: &std::path::Path,
        part_size: u64,
        concurrency: usize,
    ) -> Result<u64, Error> {
        let head = self.head_object(bucket, key, &crate::types::Conditions::default()).await?;
        let size = head.content_length;
        let file = std::sync::Arc::new(std::fs::File::create(path)?);
        file.set_len(size)?;
        let part_size = part_size.max(1);
        let mut tasks: JoinSet<Result<(), Error>> = JoinSet::new();
        let mut offset = 0u64;
        while offset < size {
            let end = (offset + part_size).min(size) - 1;
            while tasks.len() >= concurrency.max(1) {
                if let Some(done) = tasks.join_next().await {
                    flatten_unit(done)?;
                }
            }
            let (client, bucket, key) = (self.clone(), bucket.to_owned(), key.to_owned());
            let file = std::sync::Arc::clone(&file);
            let if_match = Some(head.etag.clone()).filter(|etag| !etag.is_empty());
            let options = GetOptions {
                range: Some(format!("bytes={offset}-{end}")),
                conditions: crate::types::Conditions { if_match, ..Default::default() },
            };
            tasks.spawn(async move {
                let output = client.get_object(&bucket, &key, &options).await?;
                let data = output.body.collect().await?;
                if data.len() as u64 != end - offset + 1 {
                    return Err(Error::InvalidResponse(format!(
                        "range {offset}-{end} returned {} bytes",
                        data.len()
                    )));
                }
                tokio::task::spawn_blocking(move || write_at(&file, &data, offset))
                    .await
                    .map_err(|error| Error::InvalidResponse(format!("writing a range failed: {error}")))??;
                Ok(())
            });
            offset = end + 1;
        }
        while let Some(done) = tasks.join_next().await {
            flatten_unit(done)?;
        }
        file.sync_all()?;
        Ok(size)
    }
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, data: &[u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(data, offset)
}

#[cfg(not(unix))]
fn write_at(file: &std::fs::File, data: &[u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let mut handle = file.try_clone()?;
    handle.seek(SeekFrom::Start(offset))?;
    handle.write_all(data)
}

fn flatten_unit(joined: Result<Result<(), Error>, tokio::task::JoinError>) -> Result<(), Error> {
    joined.map_err(|error| Error::InvalidResponse(format!("a range download task failed: {error}")))?
}

/// Records a finished part upload, and gives its buffer back to the pool.
fn collect_part(
    joined: Result<Result<(CompletedPart, Bytes), Error>, tokio::task::JoinError>,
    parts: &mut Vec<CompletedPart>,
    pool: &crate::pool::BufferPool,
    keep: usize,
) -> Result<(), Error> {
    let (part, body) = flatten(joined)?;
    parts.push(part);
    pool.give(body, keep);
    Ok(())
}

fn flatten(
    joined: Result<Result<(CompletedPart, Bytes), Error>, tokio::task::JoinError>,
) -> Result<(CompletedPart, Bytes), Error> {
    joined.map_err(|error| Error::InvalidResponse(format!("a part upload task failed: {error}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_sizes_reach_five_tebibytes() {
        let base = 8 << 20;
        assert_eq!(part_size_for(1, base, None), base);
        assert_eq!(part_size_for(1001, base, None), 2 * base);
        let total: u64 = (1..=MAX_PARTS).map(|n| part_size_for(n, base, None) as u64).sum();
        assert!(total >= 5 << 40, "{total}");
        assert!((1..=MAX_PARTS).all(|n| part_size_for(n, base, None) <= MAX_PART_SIZE));
        let hinted = part_size_for(1, base, Some(5 << 40));
        assert!(hinted as u64 * u64::from(MAX_PARTS) >= 5 << 40);
        assert_eq!(part_size_for(1, base, Some(100)), base);
        assert_eq!(part_size_for(1, 1, None), MIN_PART_SIZE);
    }
}
