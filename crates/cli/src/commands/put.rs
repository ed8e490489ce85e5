//! `s3-connector put`.

use crate::cli::PutArgs;
use crate::commands::get::{record, report};
use crate::connect::{block_on, client};
use crate::exit::bad_input;
use crate::progress;
use crate::s3uri::S3Uri;
use s3::{Client, PutOptions};
use std::path::{Path, PathBuf};

fn content_type(explicit: Option<&String>, key: &str) -> String {
    explicit
        .cloned()
        .unwrap_or_else(|| mime_guess::from_path(key).first_or_octet_stream().essence_str().to_owned())
}

pub(crate) fn run(args: &PutArgs) -> anyhow::Result<()> {
    let destination = S3Uri::parse(&args.destination)?;
    let client = client(&args.connection)?;
    let show_progress = !args.connection.no_progress;
    if args.recursive {
        if !args.source.is_dir() {
            return Err(bad_input(format!("{} is not a folder", args.source.display())));
        }
        let files = walk(&args.source)?;
        let concurrency = usize::from(args.connection.concurrency);
        return block_on(put_recursive(client, args, destination, files, concurrency, show_progress));
    }
    let from_stdin = args.source.as_os_str() == "-";
    let key = if destination.key.is_empty() || destination.key.ends_with('/') {
        if from_stdin {
            return Err(bad_input("with `-` as the source, give the whole key: s3://bucket/key"));
        }
        let name =
            args.source.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        format!("{}{name}", destination.key)
    } else {
        destination.key.clone()
    };
    s3::validate_key(&key).map_err(|error| bad_input(error.to_string()))?;
    let options = PutOptions {
        content_type: Some(content_type(args.content_type.as_ref(), &key)),
        ..PutOptions::default()
    };
    if from_stdin {
        return block_on(async move {
            client.upload(&destination.bucket, &key, tokio::io::stdin(), &options, None).await?;
            Ok(())
        });
    }
    let source = args.source.clone();
    let file = std::fs::File::open(&source)
        .map_err(|error| bad_input(format!("cannot read {}: {error}", source.display())))?;
    block_on(async move {
        let length = file.metadata()?.len();
        let bar = progress::bytes(Some(length), show_progress);
        let reader = bar.wrap_async_read(tokio::fs::File::from_std(file));
        let output = client.upload(&destination.bucket, &key, reader, &options, Some(length)).await?;
        bar.finish_and_clear();
        println!("upload: {} to s3://{}/{key} ({} bytes)", source.display(), destination.bucket, output.size);
        Ok(())
    })
}

/// Every file under `root`, with its key suffix (`/`-separated relative path).
fn walk(root: &Path) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                folders.push(path);
            } else if entry.file_type()?.is_file() {
                let relative = path.strip_prefix(root)?;
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                files.push((path, parts.join("/")));
            }
        }
    }
    files.sort();
    Ok(files)
}

async fn upload_file(client: &Client, bucket: &str, key: &str, path: &Path) -> anyhow::Result<()> {
    let file = tokio::fs::File::open(path).await?;
    let length = file.metadata().await?.len();
    let options = PutOptions { content_type: Some(content_type(None, key)), ..PutOptions::default() };
    client.upload(bucket, key, file, &options, Some(length)).await.map_err(|error| {
        anyhow::Error::from(error).context(format!("upload of {} failed", path.display()))
    })?;
    Ok(())
}

async fn put_recursive(
    client: Client,
    args: &PutArgs,
    destination: S3Uri,
    files: Vec<(PathBuf, String)>,
    concurrency: usize,
    show_progress: bool,
) -> anyhow::Result<()> {
    let prefix = match destination.key.as_str() {
        "" => String::new(),
        key if key.ends_with('/') => key.to_owned(),
        key => format!("{key}/"),
    };
    let bar = progress::files(files.len() as u64, show_progress);
    let mut tasks = tokio::task::JoinSet::new();
    let mut failures = Vec::new();
    let count = files.len();
    for (path, relative) in files {
        let key = format!("{prefix}{relative}");
        while tasks.len() >= concurrency {
            if let Some(done) = tasks.join_next().await {
                record(done, &mut failures);
                bar.inc(1);
            }
        }
        let (client, bucket) = (client.clone(), destination.bucket.clone());
        tasks.spawn(async move { upload_file(&client, &bucket, &key, &path).await });
    }
    while let Some(done) = tasks.join_next().await {
        record(done, &mut failures);
        bar.inc(1);
    }
    bar.finish_and_clear();
    report(failures)?;
    println!("uploaded {count} files from {} to s3://{}/{prefix}", args.source.display(), destination.bucket);
    Ok(())
}
