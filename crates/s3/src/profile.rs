//! The AWS shared files: `~/.aws/credentials` and `~/.aws/config`, INI with `[profile name]`
//! sections in the config file and nested `s3 =` blocks.

use std::collections::HashMap;
use std::path::Path;

/// One profile's settings: `key -> value`, nested keys as `s3.addressing_style`.
pub(crate) type Profile = HashMap<String, String>;

/// Parses INI text into sections. In the config file `[profile x]` is profile `x` and
/// `[default]` is `default`; in the credentials file sections are bare names.
pub(crate) fn parse(text: &str, config_file: bool) -> HashMap<String, Profile> {
    let mut sections: HashMap<String, Profile> = HashMap::new();
    let mut current: Option<String> = None;
    let mut nested: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
            let name = name.trim();
            let name = if config_file { name.strip_prefix("profile ").map_or(name, str::trim) } else { name };
            current = Some(name.to_owned());
            nested = None;
            continue;
        }
        let Some(section) = current.as_ref() else { continue };
        let Some((key, value)) = trimmed.split_once('=') else { continue };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim().to_owned());
        let indented = line.starts_with([' ', '\t']);
        let profile = sections.entry(section.clone()).or_default();
        match (&nested, indented) {
            (Some(parent), true) => {
                profile.insert(format!("{parent}.{key}"), value);
            }
            _ if value.is_empty() => nested = Some(key),
            _ => {
                nested = None;
                profile.insert(key, value);
            }
        }
    }
    sections
}

/// Reads and parses a file; a missing file is an empty one.
pub(crate) fn load(path: &Path, config_file: bool) -> std::io::Result<HashMap<String, Profile>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse(&text, config_file)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(HashMap::new()),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_files() {
        let config = "[default]\nregion = eu-west-1\n\n[profile dev]\n# comment\nregion=us-west-2\nendpoint_url = http://127.0.0.1:9000\ns3 =\n  addressing_style = path\nother = 1\n";
        let sections = parse(config, true);
        assert_eq!(sections["default"]["region"], "eu-west-1");
        assert_eq!(sections["dev"]["region"], "us-west-2");
        assert_eq!(sections["dev"]["s3.addressing_style"], "path");
        assert_eq!(sections["dev"]["other"], "1");
        let credentials = parse("[dev]\naws_access_key_id = AK\naws_secret_access_key = SK\n", false);
        assert_eq!(credentials["dev"]["aws_access_key_id"], "AK");
    }
}
