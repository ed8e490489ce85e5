//! `s3-connector presign`.

use crate::cli::PresignArgs;
use crate::connect::client;
use crate::exit::bad_input;
use crate::s3uri::S3Uri;

pub(crate) fn run(args: &PresignArgs) -> anyhow::Result<()> {
    let target = S3Uri::parse_object(&args.target)?;
    if !(1..=sigv4::MAX_PRESIGNED_EXPIRY_SECONDS).contains(&args.expires) {
        return Err(bad_input(format!(
            "--expires {} is out of range: use 1 to {} seconds (7 days)",
            args.expires,
            sigv4::MAX_PRESIGNED_EXPIRY_SECONDS
        )));
    }
    let client = client(&args.connection)?;
    let url = if args.put {
        client.presign_put(&target.bucket, &target.key, args.expires)?
    } else {
        client.presign_get(&target.bucket, &target.key, args.expires)?
    };
    println!("{url}");
    Ok(())
}
