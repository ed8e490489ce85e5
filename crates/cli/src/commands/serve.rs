//! `s3-connector serve`.

use crate::cli::ServeArgs;
use crate::exit::bad_input;
use connector::RawSettings;

pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let given = RawSettings {
        listen: args.listen,
        endpoint: args.endpoint.clone(),
        region: args.region.clone(),
        virtual_hosted: args.virtual_hosted.then_some(true),
        data_dir: args.data_dir.clone(),
        public_url: args.public_url.clone(),
        allow_insecure_http: args.allow_insecure_http.then_some(true),
        tls_cert: args.tls_cert.clone(),
        tls_key: args.tls_key.clone(),
        list_all_cap: args.list_all_cap,
        max_concurrency: args.max_concurrency,
        upstream_timeout_seconds: args.upstream_timeout,
        idle_timeout_seconds: args.idle_timeout,
        log_json: args.log_json.then_some(true),
        request_checksum_calculation: args.request_checksum_calculation.clone(),
        upload_memory_mib: args.upload_memory,
        worker_threads: args.worker_threads,
    };
    let from_file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| bad_input(format!("cannot read {}: {error}", path.display())))?;
            RawSettings::from_toml(&text)
                .map_err(|error| bad_input(format!("{}: {error}", path.display())))?
        }
        None => RawSettings::default(),
    };
    let settings = given.or(from_file).resolve().map_err(bad_input)?;
    init_logging(settings.log_json);
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = settings.worker_threads {
        runtime.worker_threads(threads);
    }
    let runtime = runtime.enable_all().build()?;
    runtime.block_on(connector::run(settings))?;
    Ok(())
}

/// Whether an event comes from the embedded store's crates, which log whole requests,
/// session tokens included, below info.
fn from_the_embedded_store(target: &str) -> bool {
    ["s3s", "s3s_fs"]
        .iter()
        .any(|name| target.strip_prefix(name).is_some_and(|rest| rest.is_empty() || rest.starts_with("::")))
}

/// Logs to stderr at `RUST_LOG`'s levels (default info), as JSON lines if asked; the embedded
/// store's crates never below info, so no level puts a credential in the logs.
fn init_logging(json: bool) {
    use tracing_subscriber::filter::{FilterExt, filter_fn};
    use tracing_subscriber::layer::{Layer, SubscriberExt};
    use tracing_subscriber::util::SubscriberInitExt;
    let levels = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let quiet_store = filter_fn(|metadata| {
        !(from_the_embedded_store(metadata.target()) && *metadata.level() > tracing::Level::INFO)
    });
    let filter = levels.and(quiet_store);
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    if json {
        tracing_subscriber::registry().with(layer.json().with_filter(filter)).init();
    } else {
        tracing_subscriber::registry().with(layer.with_filter(filter)).init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_store_is_told_by_its_targets() {
        assert!(from_the_embedded_store("s3s"));
        assert!(from_the_embedded_store("s3s::service"));
        assert!(from_the_embedded_store("s3s_fs::s3"));
        assert!(!from_the_embedded_store("s3sx"));
        assert!(!from_the_embedded_store("connector::app"));
    }
}
