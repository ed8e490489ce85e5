//! `s3-connector rm`.

use crate::cli::RmArgs;
use crate::connect::{block_on, client};
use crate::exit::bad_input;
use crate::s3uri::S3Uri;
use s3::ListOptions;

pub(crate) fn run(args: &RmArgs) -> anyhow::Result<()> {
    let targets = if args.recursive {
        if args.targets.len() != 1 {
            return Err(bad_input("rm --recursive takes one s3://bucket/prefix"));
        }
        vec![S3Uri::parse(&args.targets[0])?]
    } else {
        args.targets.iter().map(|target| S3Uri::parse_object(target)).collect::<anyhow::Result<_>>()?
    };
    let client = client(&args.connection)?;
    block_on(async move {
        if args.recursive {
            let target = &targets[0];
            let options = ListOptions {
                prefix: (!target.key.is_empty()).then(|| target.key.clone()),
                ..ListOptions::default()
            };
            let mut pages = client.list_pages(&target.bucket, options);
            let mut deleted = 0usize;
            while let Some(page) = pages.next_page().await {
                let keys: Vec<String> = page?.objects.into_iter().map(|object| object.key).collect();
                let failures = client.delete_objects(&target.bucket, &keys).await?;
                if let Some(failure) = failures.first() {
                    anyhow::bail!(
                        "{} of {} deletions failed, the first {:?}: {} {}",
                        failures.len(),
                        keys.len(),
                        failure.key,
                        failure.code,
                        failure.message
                    );
                }
                deleted += keys.len();
            }
            println!("deleted {deleted} objects under s3://{}/{}", target.bucket, target.key);
            return Ok(());
        }
        for target in &targets {
            client.delete_object(&target.bucket, &target.key).await?;
            println!("delete: s3://{}/{}", target.bucket, target.key);
        }
        Ok(())
    })
}
