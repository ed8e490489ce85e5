//! `s3-connector mb` and `rb`.

use crate::cli::BucketArgs;
use crate::connect::{block_on, client};
use crate::exit::bad_input;
use crate::s3uri::S3Uri;

fn bucket_of(args: &BucketArgs) -> anyhow::Result<String> {
    let uri = S3Uri::parse(&args.bucket)?;
    if !uri.key.is_empty() {
        return Err(bad_input(format!("{:?} holds a key: give only s3://bucket", args.bucket)));
    }
    Ok(uri.bucket)
}

pub(crate) fn make(args: &BucketArgs) -> anyhow::Result<()> {
    let bucket = bucket_of(args)?;
    let client = client(&args.connection)?;
    block_on(async move {
        client.create_bucket(&bucket).await?;
        println!("make_bucket: {bucket}");
        Ok(())
    })
}

pub(crate) fn remove(args: &BucketArgs) -> anyhow::Result<()> {
    let bucket = bucket_of(args)?;
    let client = client(&args.connection)?;
    block_on(async move {
        client.delete_bucket(&bucket).await?;
        println!("remove_bucket: {bucket}");
        Ok(())
    })
}
