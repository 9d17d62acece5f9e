//! The files `lede init` writes into a new newsroom.

/// The schemas `lede init` writes, which are also what lede checks against
/// in a newsroom that has none of its own.
pub const BUILTIN_STORY_SCHEMA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schemas/story.schema.json"
));
pub const BUILTIN_TOPIC_SCHEMA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schemas/topic.schema.json"
));

pub const CONFIG: &str = r#"# lede configuration. Every key is optional; see lede's README.

[newsroom]
name = "Our Newsroom"
# Desks a story may belong to (`desk = "..."` in a story record).
desks = ["world", "politics", "business", "science", "culture"]

[validate]
# Records larger than this are refused before they are read.
max_file_size = "1 MiB"
# Treat warnings as failures (the same as `lede validate --deny-warnings`).
deny_warnings = false

# Change the level of a diagnostic code: "error", "warning" or "allow".
[validate.levels]
# L060 = "allow"
"#;

pub const GITATTRIBUTES: &str = r#"# Story records go through lede's semantic diff and merge drivers once they
# are configured in git (lede registers them); until then git treats them
# as plain text.
stories/**/*.toml diff=lede merge=lede
"#;

pub const WORKFLOW: &str = r#"# Checks every record on each push and pull request, with problems shown as
# annotations on the pull request's diff. On a pull request it also checks
# the workflow rules for the request's commits (lede validate --since): no
# status set by hand, no published correction rewritten or dropped.
name: lede
on: [push, pull_request]
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          # --since reads the commits between the base and the request.
          fetch-depth: 0
      - uses: dtolnay/rust-toolchain@stable
      # Replace with however your organisation distributes lede.
      - run: cargo install --locked lede
      - if: github.event_name == 'pull_request'
        run: lede validate --format github --since "origin/${{ github.base_ref }}"
      - if: github.event_name != 'pull_request'
        run: lede validate --format github
"#;

pub const PRE_COMMIT: &str = r#"# pre-commit (https://pre-commit.com): checks staged records before each
# commit. Install with `pre-commit install`.
repos:
  - repo: local
    hooks:
      - id: lede-validate
        name: lede validate
        entry: lede validate
        language: system
        files: ^(stories/.*|topics/[^/]*)\.toml$
"#;

/// Every file of a new newsroom: path relative to the root, and contents.
pub fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("lede.toml", CONFIG),
        ("schemas/story.schema.json", BUILTIN_STORY_SCHEMA),
        ("schemas/topic.schema.json", BUILTIN_TOPIC_SCHEMA),
        ("stories/.gitkeep", ""),
        ("topics/.gitkeep", ""),
        (".gitattributes", GITATTRIBUTES),
        (".github/workflows/lede.yml", WORKFLOW),
        (".pre-commit-config.yaml", PRE_COMMIT),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_configuration_parses() {
        let config = crate::newsroom::config::Config::parse(super::CONFIG).unwrap();
        assert!(!config.newsroom.desks.is_empty());
    }
}
