//! `lede build`: the published branch rendered into a static site.

use std::path::{Path, PathBuf};

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::git::Git;
use crate::newsroom::config::Config;
use crate::newsroom::layout::{self, EntryKind};
use crate::record::collection::Collection;
use crate::site::{self, Input, Options};

/// Render the published branch into a static site.
///
/// Story pages, topic pages, an index, a JSON document per story,
/// feed.json, atom.xml and sitemap.xml, read from the published branch
/// through git (never from the working tree, so no draft can leak).
/// Embargoed stories are left out until their time. Rebuilds rewrite only
/// what changed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the site, inside the repository.
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub out: PathBuf,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let out = site::output_dir(root, &ws.cwd().join(&args.out))
        .map_err(|e| CommandError::from(e).hint("nothing was written"))?;
    let started = std::time::Instant::now();
    let inputs = published_inputs(root, config)?;
    let report = build(root, config, &inputs, &out, false)?;
    if !ui.quiet {
        let shown = out.strip_prefix(root).unwrap_or(&out).display().to_string();
        outln!(
            ui,
            "Built {} stories and {} topics into {shown}/ in {:.2}s: {} files written, {} unchanged, {} removed.",
            report.stories,
            report.topics,
            started.elapsed().as_secs_f64(),
            report.written,
            report.unchanged,
            report.removed
        )?;
        if report.retracted > 0 {
            outln!(
                ui,
                "{} retracted stories have a retraction notice.",
                report.retracted
            )?;
        }
        if !report.embargoed.is_empty() {
            outln!(
                ui,
                "Embargoed, not built yet: {}.",
                report.embargoed.join(", ")
            )?;
        }
    }
    for (path, reason) in &report.skipped {
        errln!(
            ui,
            "warning: {path} was left out: {}",
            crate::text::diagnostic::printable(reason.clone())
        );
    }
    Ok(Outcome::Success)
}

/// The records on the published branch.
pub fn published_inputs(root: &Path, config: &Config) -> Result<Vec<Input>, CommandError> {
    let git = Git::open(root)?;
    let Some(tip) = git.branch_tip(&config.publish.branch)? else {
        return Ok(Vec::new());
    };
    let mut inputs = Vec::new();
    for dir in ["stories/", "topics/"] {
        for (path, blob) in git.blobs_at(&tip, dir)? {
            if Collection::of(Path::new(&path)).is_none() {
                continue;
            }
            let bytes = git.read_blob(&blob)?;
            inputs.push(Input {
                path,
                blob,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
    }
    Ok(inputs)
}

/// The records in the working tree, drafts and all (for `lede preview
/// --working`).
pub fn working_inputs(root: &Path) -> Result<Vec<Input>, CommandError> {
    let mut inputs = Vec::new();
    for entry in layout::walk_records(root)? {
        if !matches!(entry.kind, EntryKind::Record(_)) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&entry.path) else {
            continue;
        };
        let blob = Git::blob_id(&bytes)?;
        inputs.push(Input {
            path: entry.display,
            blob,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    Ok(inputs)
}

pub fn build(
    root: &Path,
    config: &Config,
    inputs: &[Input],
    out: &Path,
    draft: bool,
) -> Result<site::BuildReport, CommandError> {
    let now = crate::record::document::now()
        .parse::<toml::value::Datetime>()
        .ok()
        .and_then(|n| crate::record::document::instant(&n))
        .map_or(0, |(seconds, _)| seconds);
    Ok(site::build(
        inputs,
        &Options {
            config,
            root,
            out,
            now,
            draft,
        },
    )?)
}
