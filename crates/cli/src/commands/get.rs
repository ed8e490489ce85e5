//! `s3-connector get`.

use crate::cli::GetArgs;
use crate::connect::{block_on, client};
use crate::exit::bad_input;
use crate::progress;
use crate::s3uri::S3Uri;
use s3::{Client, GetOptions, ListOptions};
use std::path::{Component, Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub(crate) fn run(args: &GetArgs) -> anyhow::Result<()> {
    let source =
        if args.recursive { S3Uri::parse(&args.source)? } else { S3Uri::parse_object(&args.source)? };
    let client = client(&args.connection)?;
    let show_progress = !args.connection.no_progress;
    if args.recursive {
        let destination = args.destination.clone().unwrap_or_else(|| PathBuf::from("."));
        let concurrency = usize::from(args.connection.concurrency);
        return block_on(get_recursive(client, source, destination, concurrency, show_progress));
    }
    let destination = match &args.destination {
        Some(path) if path.as_os_str() == "-" => None,
        Some(path) if path.is_dir() => Some(path.join(file_name(&source.key)?)),
        Some(path) => Some(path.clone()),
        None => Some(PathBuf::from(file_name(&source.key)?)),
    };
    block_on(async move {
        match destination {
            None => {
                let mut stdout = tokio::io::stdout();
                client.download(&source.bucket, &source.key, &GetOptions::default(), &mut stdout).await?;
                Ok(())
            }
            Some(path) => download_file(&client, &source.bucket, &source.key, &path, show_progress).await,
        }
    })
}

fn file_name(key: &str) -> anyhow::Result<String> {
    let name = key.rsplit('/').next().unwrap_or_default();
    if name.is_empty() || name == "." || name == ".." {
        return Err(bad_input(format!("{key:?} has no file name: give a destination path")));
    }
    Ok(name.to_owned())
}

/// Objects from this size on download with concurrent ranged GETs.
const RANGED_FROM: u64 = 64 << 20;
/// The size of each range.
const RANGE_SIZE: u64 = 8 << 20;

/// Downloads into `path` through a temporary file renamed at the end: a failed download
/// leaves no half-written file.
async fn download_file(
    client: &Client,
    bucket: &str,
    key: &str,
    path: &Path,
    show_progress: bool,
) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(parent).await?;
    }
    let partial = path.with_file_name(format!(
        ".{}.s3c-partial",
        path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
    ));
    let result = async {
        let concurrency = client.config().transfer.concurrency;
        let head = client.head_object(bucket, key, &s3::Conditions::default()).await?;
        if head.content_length >= RANGED_FROM && concurrency > 1 {
            client.download_ranged(bucket, key, &partial, RANGE_SIZE, concurrency).await?;
            tokio::fs::rename(&partial, path).await?;
            return anyhow::Ok(());
        }
        let mut output = client.get_object(bucket, key, &GetOptions::default()).await?;
        let bar = progress::bytes(output.body.content_length(), show_progress);
        let mut file = tokio::fs::File::create(&partial).await?;
        while let Some(piece) = output.body.next().await {
            let piece = piece?;
            file.write_all(&piece).await?;
            bar.inc(piece.len() as u64);
        }
        file.sync_all().await?;
        bar.finish_and_clear();
        tokio::fs::rename(&partial, path).await?;
        anyhow::Ok(())
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    result.map_err(|error| error.context(format!("download of s3://{bucket}/{key} failed")))
}

/// The local path for `key` under `prefix`, refusing keys that would leave `destination`.
fn local_path(destination: &Path, prefix: &str, key: &str) -> Option<PathBuf> {
    let relative = key.strip_prefix(prefix)?.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        return None;
    }
    let relative = Path::new(relative);
    relative.components().all(|part| matches!(part, Component::Normal(_))).then(|| destination.join(relative))
}

async fn get_recursive(
    client: Client,
    source: S3Uri,
    destination: PathBuf,
    concurrency: usize,
    show_progress: bool,
) -> anyhow::Result<()> {
    let options = ListOptions {
        prefix: (!source.key.is_empty()).then(|| source.key.clone()),
        ..ListOptions::default()
    };
    let mut objects = Vec::new();
    let mut pages = client.list_pages(&source.bucket, options);
    while let Some(page) = pages.next_page().await {
        objects.extend(page?.objects);
    }
    let bar = progress::files(objects.len() as u64, show_progress);
    let mut tasks = tokio::task::JoinSet::new();
    let mut failures = Vec::new();
    for object in objects {
        let Some(path) = local_path(&destination, &source.key, &object.key) else {
            if !object.key.ends_with('/') {
                failures.push(format!("skipped {:?}: not a safe relative file name", object.key));
            }
            continue;
        };
        while tasks.len() >= concurrency {
            if let Some(done) = tasks.join_next().await {
                record(done, &mut failures);
                bar.inc(1);
            }
        }
        let (client, bucket) = (client.clone(), source.bucket.clone());
        tasks.spawn(async move { download_file(&client, &bucket, &object.key, &path, false).await });
    }
    while let Some(done) = tasks.join_next().await {
        record(done, &mut failures);
        bar.inc(1);
    }
    bar.finish_and_clear();
    report(failures)
}

pub(crate) fn record(done: Result<anyhow::Result<()>, tokio::task::JoinError>, failures: &mut Vec<String>) {
    match done {
        Ok(Ok(())) => {}
        Ok(Err(error)) => failures.push(format!("{error:#}")),
        Err(error) => failures.push(error.to_string()),
    }
}

/// Prints every failure but the first on its own line, and fails with the first.
pub(crate) fn report(failures: Vec<String>) -> anyhow::Result<()> {
    let Some(first) = failures.first() else { return Ok(()) };
    for failure in &failures[1..] {
        eprintln!("s3-connector: error: {failure}");
    }
    anyhow::bail!("{} transfer(s) failed; the first: {first}", failures.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_destination() {
        let dest = Path::new("/tmp/out");
        assert_eq!(local_path(dest, "p/", "p/a/b.txt"), Some(PathBuf::from("/tmp/out/a/b.txt")));
        assert_eq!(local_path(dest, "p", "p/a"), Some(PathBuf::from("/tmp/out/a")));
        // An empty segment is harmless: `p//etc` lands in `out/etc`.
        assert_eq!(local_path(dest, "p/", "p//etc"), Some(PathBuf::from("/tmp/out/etc")));
        for bad in ["p/../etc/passwd", "p/a/../../x", "p/./a", "p/", "p/a/"] {
            assert_eq!(local_path(dest, "p/", bad), None, "{bad}");
        }
    }
}
