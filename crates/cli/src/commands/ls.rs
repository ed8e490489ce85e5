//! `s3-connector ls`.

use crate::cli::LsArgs;
use crate::connect::{block_on, client};
use crate::s3uri::S3Uri;
use s3::ListOptions;
use std::io::Write;

pub(crate) fn run(args: &LsArgs) -> anyhow::Result<()> {
    let target = args.target.as_deref().map(S3Uri::parse).transpose()?;
    let client = client(&args.connection)?;
    block_on(async move {
        let mut out = std::io::stdout().lock();
        let Some(target) = target else {
            for bucket in client.list_buckets().await? {
                writeln!(out, "{:<24}  {}", bucket.creation_date, bucket.name)?;
            }
            return Ok(());
        };
        let options = ListOptions {
            prefix: (!target.key.is_empty()).then(|| target.key.clone()),
            delimiter: (!args.recursive).then(|| "/".to_owned()),
            ..ListOptions::default()
        };
        let mut pages = client.list_pages(&target.bucket, options);
        while let Some(page) = pages.next_page().await {
            let page = page?;
            for prefix in &page.prefixes {
                writeln!(out, "{:>24}  {:>12}  {prefix}", "", "PRE")?;
            }
            for object in &page.objects {
                writeln!(out, "{:<24}  {:>12}  {}", object.last_modified, object.size, object.key)?;
            }
        }
        Ok(())
    })
}
