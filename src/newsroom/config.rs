//! `lede.toml`: the newsroom's configuration. Every key is optional and an
//! absent file means the built-in defaults. Unknown keys are refused with
//! their position, so a misspelt setting never silently does nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::text::diagnostic::{Code, Severity};

pub const CONFIG_FILE: &str = "lede.toml";

/// Records larger than this are refused unread unless lede.toml says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub newsroom: Newsroom,
    #[serde(default)]
    pub validate: ValidateConfig,
    #[serde(default)]
    pub workflow: WorkflowConfig,
    #[serde(default)]
    pub publish: PublishConfig,
    #[serde(default)]
    pub site: SiteConfig,
}

/// `[site]`: the public site `lede build` renders.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, in page titles and feeds. Default: `newsroom.name`.
    pub title: Option<String>,
    /// Where the site is served from, for feeds, the sitemap and structured
    /// data, which need absolute addresses.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The language of the stories (`lang` of each page).
    #[serde(default = "default_language")]
    pub language: String,
    /// How many of the latest stories the index and the feeds list.
    #[serde(default = "default_latest")]
    pub latest: usize,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: None,
            base_url: default_base_url(),
            language: default_language(),
            latest: default_latest(),
        }
    }
}

fn default_base_url() -> String {
    "http://localhost:8000/".to_owned()
}

fn default_language() -> String {
    "en".to_owned()
}

fn default_latest() -> usize {
    50
}

/// `[workflow]`: who may move a story towards the public.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowConfig {
    /// A story must be approved (`lede approve`) before it is published.
    #[serde(default = "yes")]
    pub require_approval: bool,
    /// The approver must not have authored any content change since the
    /// story was last published.
    #[serde(default = "yes")]
    pub distinct_reviewer: bool,
    /// Approval commits must carry a good signature (`git verify-commit`).
    #[serde(default)]
    pub require_signed: bool,
    /// People who may retract a story alone when `distinct_reviewer` is on
    /// (anyone else's retraction waits for a second person): emails, or
    /// `Name <email>` as git writes them.
    #[serde(default)]
    pub editors: Vec<String>,
}

impl WorkflowConfig {
    /// Whether `email` is one of `editors` (case aside).
    pub fn is_editor(&self, email: &str) -> bool {
        self.editors.iter().any(|editor| {
            let listed = match (editor.rfind('<'), editor.rfind('>')) {
                (Some(open), Some(close)) if open < close => &editor[open + 1..close],
                _ => editor.as_str(),
            };
            listed.trim().eq_ignore_ascii_case(email.trim())
        })
    }
}

impl Default for WorkflowConfig {
    fn default() -> Self {
        WorkflowConfig {
            require_approval: true,
            distinct_reviewer: true,
            require_signed: false,
            editors: Vec::new(),
        }
    }
}

/// `[publish]`: where published records go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishConfig {
    /// The branch that holds published records, as published.
    #[serde(default = "published_branch")]
    pub branch: String,
}

impl Default for PublishConfig {
    fn default() -> Self {
        PublishConfig {
            branch: published_branch(),
        }
    }
}

fn yes() -> bool {
    true
}

fn published_branch() -> String {
    "published".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Newsroom {
    pub name: Option<String>,
    /// The desks a story may name. Empty means any desk is accepted.
    #[serde(default)]
    pub desks: Vec<String>,
    /// The git remote every clone shares: publish fetches the published
    /// branch from it and pushes to it, and `lede sync` goes round it.
    #[serde(default = "default_remote")]
    pub remote: String,
}

impl Default for Newsroom {
    fn default() -> Self {
        Newsroom {
            name: None,
            desks: Vec::new(),
            remote: default_remote(),
        }
    }
}

fn default_remote() -> String {
    "origin".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateConfig {
    #[serde(default = "default_max_file_size", deserialize_with = "byte_size")]
    pub max_file_size: u64,
    #[serde(default)]
    pub deny_warnings: bool,
    /// Per-code levels: `L060 = "allow"`.
    #[serde(default)]
    pub levels: BTreeMap<String, Severity>,
}

impl Default for ValidateConfig {
    fn default() -> Self {
        ValidateConfig {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            deny_warnings: false,
            levels: BTreeMap::new(),
        }
    }
}

fn default_max_file_size() -> u64 {
    DEFAULT_MAX_FILE_SIZE
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    /// Reads `lede.toml` from the repository root, or the defaults when it is
    /// absent.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default());
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: CONFIG_FILE.into(),
                    source,
                });
            }
        };
        Config::parse(crate::text::source::strip_bom(&text))
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|error| ConfigError::Invalid {
            path: CONFIG_FILE.into(),
            message: error.to_string().trim_end().to_owned(),
        })?;
        if let Some(code) = config
            .validate
            .levels
            .keys()
            .find(|code| Code::parse(code).is_none())
        {
            return Err(ConfigError::Invalid {
                path: CONFIG_FILE.into(),
                message: format!(
                    "[validate.levels] names `{code}`, which is not a lede diagnostic code (they are listed in the README)"
                ),
            });
        }
        Ok(config)
    }

    /// The level a code is reported at in this newsroom.
    pub fn level(&self, code: Code) -> Severity {
        self.validate
            .levels
            .get(code.as_str())
            .copied()
            .unwrap_or_else(|| code.default_severity())
    }
}

/// Accepts a number of bytes or a string such as "1 MiB", "512 KiB", "2MB".
fn byte_size<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bytes(u64),
        Text(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Bytes(bytes) => Ok(bytes),
        Raw::Text(text) => parse_byte_size(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a size; write a number of bytes or e.g. \"1 MiB\", \"512 KiB\""
            ))
        }),
    }
}

pub fn parse_byte_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "kib" => 1024,
        "m" | "mb" => 1000 * 1000,
        "mib" => 1024 * 1024,
        "g" | "gb" => 1000 * 1000 * 1000,
        "gib" => 1024 * 1024 * 1024,
        _ => return None,
    };
    number.checked_mul(multiplier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_byte_size("1 MiB"), Some(1024 * 1024));
        assert_eq!(parse_byte_size("512KiB"), Some(512 * 1024));
        assert_eq!(parse_byte_size("2 MB"), Some(2_000_000));
        assert_eq!(parse_byte_size("100"), Some(100));
        assert_eq!(parse_byte_size("lots"), None);
        assert_eq!(parse_byte_size("1 parsec"), None);
    }

    #[test]
    fn unknown_keys_are_refused_with_position() {
        let error = Config::parse("[validate]\nmax_file_sise = 5\n").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("max_file_sise"), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn levels_must_name_real_codes() {
        let error = Config::parse("[validate.levels]\nL999 = \"allow\"\n").unwrap_err();
        assert!(error.to_string().contains("L999"));
        let config = Config::parse("[validate.levels]\nL060 = \"allow\"\n").unwrap();
        assert_eq!(config.level(Code::SchemaDirective), Severity::Allow);
        assert_eq!(config.level(Code::Syntax), Severity::Error);
    }

    #[test]
    fn sample_config_parses() {
        let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/lede.toml"));
        let config = Config::parse(text).unwrap();
        assert!(config.newsroom.desks.contains(&"world".to_owned()));
        assert_eq!(config.validate.max_file_size, DEFAULT_MAX_FILE_SIZE);
    }
}
