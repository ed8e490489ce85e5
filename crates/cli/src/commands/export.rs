//! `s3-connector connector export`.

use crate::cli::ExportArgs;
use crate::exit::bad_input;
use connector::definition;

pub(crate) fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let host = args.host.trim();
    let bare = host
        .rsplit_once(':')
        .map_or(host, |(name, port)| if port.bytes().all(|b| b.is_ascii_digit()) { name } else { host });
    if bare.is_empty() || host.contains(['/', ' ', '{', '}', '\\']) || host.contains("://") {
        return Err(bad_input(format!(
            "--host {host:?} must be a bare host name with an optional port, e.g. s3c.example.com"
        )));
    }
    if !args.base_path.starts_with('/') {
        return Err(bad_input("--base-path must start with /"));
    }
    std::fs::create_dir_all(&args.out)?;
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        std::fs::write(args.out.join(name), text)?;
        println!("wrote {}", args.out.join(name).display());
        Ok(())
    };
    write(
        "apiDefinition.swagger.json",
        serde_json::to_string_pretty(&definition::api_definition(host, &args.base_path))? + "\n",
    )?;
    write("apiProperties.json", serde_json::to_string_pretty(&definition::api_properties())? + "\n")?;
    write("README.md", definition::maker_readme(host))?;
    Ok(())
}
