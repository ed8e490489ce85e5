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

/// The embedded store's crates log whole requests, session tokens included, below info: they
/// stay at info whatever `RUST_LOG` says, so no level puts a credential in the logs.
const QUIET_TARGETS: [&str; 2] = ["s3s=info", "s3s_fs=info"];

fn init_logging(json: bool) {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for directive in QUIET_TARGETS {
        if let Ok(directive) = directive.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
