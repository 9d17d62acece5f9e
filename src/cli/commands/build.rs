//! `lede build`: the published branch rendered into a static site.

use std::path::PathBuf;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::site::{self, load};

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
    let (from, inputs) = load::published(root, config)?;
    let report = site::build_at_now(root, config, &inputs, &out, false)?;
    if from.is_none() {
        errln!(
            ui,
            "warning: nothing has been published yet: there is no `{branch}` branch here or on {remote} (as last fetched), so the site has no stories",
            branch = config.publish.branch,
            remote = config.newsroom.remote
        );
    }
    if !ui.quiet {
        let shown = out.strip_prefix(root).unwrap_or(&out).display().to_string();
        outln!(
            ui,
            "Built {} stories and {} topics from {} into {shown}/ in {:.2}s: {} files written, {} unchanged, {} removed.",
            report.stories,
            report.topics,
            from.as_ref().map_or("nothing", |f| f.name.as_str()),
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
