//! Turns the connection flags into a client, resolving the rest as the AWS CLI does.

use crate::cli::ConnectionArgs;
use crate::exit::bad_input;
use s3::{Client, Config, Overrides};

pub(crate) fn client(args: &ConnectionArgs) -> anyhow::Result<Client> {
    let overrides = Overrides {
        endpoint: args.endpoint.clone(),
        region: args.region.clone(),
        profile: args.profile.clone(),
        path_style: match (args.path_style, args.virtual_hosted) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        credentials: None,
    };
    let mut config = Config::resolve(&overrides).map_err(|error| match error {
        s3::Error::InvalidInput(message) | s3::Error::InvalidKey(message) => bad_input(message),
        other => other.into(),
    })?;
    config.transfer.concurrency = usize::from(args.concurrency);
    Ok(Client::new(config)?)
}

/// Runs `future` on a multi-threaded runtime.
pub(crate) fn block_on<T>(future: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(future)
}
