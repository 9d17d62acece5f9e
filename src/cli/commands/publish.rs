//! `lede publish`: approved stories, or single items of them, go to the
//! published branch. The order of the two commits and how an interrupted
//! publish is completed are in `src/publish.rs`.

use serde::Serialize;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, out, outln};
use crate::cli::{Ui, Workspace};
use crate::diff::record_diff::{Version, diff_versions};
use crate::diff::render::{TextStyle, render_text};
use crate::diff::word_diff::Granularity;
use crate::git::Git;
use crate::git::remote::Integrate;
use crate::newsroom::change::Change;
use crate::newsroom::config::Config;
use crate::newsroom::stories;
use crate::record::document::now;
use crate::record::splice::Item;
use crate::workflow::publish::{self, Plan, PublishError, Step};
use crate::workflow::team;

/// Publish approved stories to the published branch.
///
/// Each story becomes one commit on the published branch (trailers Story,
/// Revision, Items, Approved-by) and one on the working branch setting its
/// status, revision and published time. With --only, just those items of
/// the working story replace, add or remove their counterparts in the
/// published story; the rest stays as published. A publish that is
/// interrupted is completed by running the same command again.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stories to publish (slugs).
    #[arg(
        value_name = "SLUG",
        required_unless_present = "due",
        conflicts_with = "due"
    )]
    pub slugs: Vec<String>,

    /// Publish only this item of the story: headline, section:<id> or
    /// faq:<id>. Repeatable.
    #[arg(long = "only", value_name = "ITEM", value_parser = parse_item)]
    pub only: Vec<Item>,

    /// Every approved story whose embargo has passed (for cron or a CI
    /// schedule).
    #[arg(long)]
    pub due: bool,

    /// Show what would go live, as a semantic diff; change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// A message for the published branch's commit.
    #[arg(long, short = 'm', allow_hyphen_values = true)]
    pub message: Option<String>,

    /// Push the working and published branches afterwards, in one atomic
    /// push, to REMOTE (default: `[newsroom] remote` in lede.toml, which is
    /// origin unless set). When the remote moved meanwhile, lede fetches,
    /// brings both branches onto it and tries again.
    #[arg(long, value_name = "REMOTE", num_args = 0..=1, default_missing_value = "")]
    pub push: Option<String>,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub use super::TextOrJson as Format;

fn parse_item(text: &str) -> Result<Item, String> {
    text.parse()
}

/// What happened to one story.
#[derive(Debug, Serialize)]
pub struct Report {
    pub slug: String,
    /// published, resumed (an interrupted publish completed),
    /// already-published, refused, would-publish (dry run).
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Report {
    fn new(slug: &str, result: &'static str) -> Report {
        Report {
            slug: slug.to_owned(),
            result,
            revision: None,
            items: None,
            published_commit: None,
            working_commit: None,
            reason: None,
        }
    }
}

fn publish_error(error: PublishError) -> CommandError {
    CommandError::from(error)
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let mut config = ws.config()?.clone();
    if let Some(remote) = args.push.as_deref().filter(|r| !r.is_empty()) {
        config.newsroom.remote = remote.to_owned();
    }
    let config = &config;
    let now = now();
    if !args.only.is_empty() && args.slugs.len() != 1 {
        return Err(CommandError::new(
            "--only publishes items of one story; name exactly one",
        ));
    }
    let items = (!args.only.is_empty()).then_some(args.only.as_slice());
    let slugs = if args.due {
        due(root, &now)?
    } else {
        args.slugs.clone()
    };
    if args.dry_run {
        let git = Git::open(root)?;
        let (ready, reports) = plan_all(root, config, &git, &slugs, items, &now)?;
        return dry_run(args, ui, &ready, reports);
    }

    // Every story is planned under the repository lock before anything is
    // written: a refusal of one story leaves all of them as they were
    // (except with --due, where each story stands alone). A story's plan
    // depends on its own file and history, and on the published branch
    // only through a tip read again when its commit is made, so the plans
    // stay good while the others are published.
    let mut change = crate::cli::editing::begin_change(ui, root, true)?;
    // Built on the remote's published branch, never on a stale or missing
    // local one: a second clone must not fork the public history.
    let refreshed = change
        .git_write(|git| team::refresh_published(git, config))
        .map_err(|e| CommandError::from(e).hint("nothing was published"))?;
    crate::cli::editing::say_refreshed(ui, config, &refreshed);
    let (ready, mut reports) = plan_all(root, config, change.git(), &slugs, items, &now)?;
    let refused = !reports.is_empty();
    if refused && !args.due {
        let mut error = CommandError::new(if reports.len() == 1 {
            reports[0].reason.clone().unwrap_or_default()
        } else {
            format!("{} of the stories cannot be published", reports.len())
        });
        if reports.len() > 1 {
            for report in &reports {
                error = error.cause(format!(
                    "{}: {}",
                    report.slug,
                    report.reason.as_deref().unwrap_or_default()
                ));
            }
        }
        return Err(error.hint("nothing was changed"));
    }
    publish::pause_point("planned");
    for plan in ready {
        reports.push(publish_planned(
            &mut change,
            config,
            plan,
            args.message.as_deref(),
        )?);
    }
    if args.push.is_some() {
        let pushed = change
            .git_program_write(|git| team::push(git, config, Integrate::Rebase))
            .map_err(|e| {
                CommandError::from(e).hint("the publish itself is done here; `lede sync` pushes it")
            });
        // The reports say what was published even when the push failed.
        if pushed.is_err() {
            print_reports(args, ui, &reports)?;
        }
        let pushed = pushed?;
        if !ui.quiet && args.format == Format::Text {
            errln!(
                ui,
                "Pushed {} to {}{}.",
                pushed.branches.join(" and "),
                pushed.remote,
                if pushed.attempts > 1 {
                    format!(
                        " (after {} tries: others pushed meanwhile)",
                        pushed.attempts
                    )
                } else {
                    String::new()
                }
            );
        }
    }
    drop(change);
    print_reports(args, ui, &reports)?;
    Ok(if refused {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

/// The plans of the stories that can be published, and a report for each
/// story that cannot.
fn plan_all(
    root: &std::path::Path,
    config: &Config,
    git: &Git,
    slugs: &[String],
    items: Option<&[Item]>,
    now: &str,
) -> Result<(Vec<Plan>, Vec<Report>), CommandError> {
    let mut ready = Vec::new();
    let mut refused = Vec::new();
    for slug in slugs {
        match publish::plan(root, config, git, slug, items, now) {
            Ok(plan) => ready.push(plan),
            Err(PublishError::Refused(refusal)) => {
                let mut report = Report::new(slug, "refused");
                report.reason = Some(refusal.to_string());
                refused.push(report);
            }
            Err(other) => return Err(publish_error(other)),
        }
    }
    Ok((ready, refused))
}

/// One planned story, under the repository lock: both commits, or what an
/// interrupted publish left to do.
fn publish_planned(
    change: &mut Change,
    config: &Config,
    plan: Plan,
    message: Option<&str>,
) -> Result<Report, CommandError> {
    let mut report = Report::new(&plan.slug, "published");
    report.revision = Some(plan.revision);
    report.items = Some(plan.items.clone());
    match plan.step {
        Step::Start => {
            let published = change.git_write(|git| {
                publish::commit_published(git, &config.publish.branch, &plan, message)
            })?;
            publish::pause_point("published-branch");
            report.published_commit = Some(published.clone());
            report.working_commit = commit_working(change, &plan, Some(&published))?;
        }
        Step::WorkingOnly => {
            report.result = "resumed";
            report.working_commit = commit_working(change, &plan, None)?;
        }
        Step::Done => {
            report.result = "already-published";
            report.items = None;
            let committed = change
                .git()
                .is_committed(&plan.path, plan.working_text.as_bytes())?;
            if !committed {
                // The working record was written but its commit did not
                // happen: make it now.
                report.result = "resumed";
                report.working_commit = commit_working(change, &plan, None)?;
            } else {
                // A commit interrupted before its index was written leaves
                // the index behind HEAD.
                change.refresh_index(&plan.path)?;
            }
        }
    }
    Ok(report)
}

/// Step 2 of a publish: the working record as the plan has it, written and
/// committed (`published`: the published branch's commit, when this run
/// made it).
fn commit_working(
    change: &mut Change,
    plan: &Plan,
    published: Option<&str>,
) -> Result<Option<String>, CommandError> {
    change.write(&plan.path, plan.working_text.as_bytes())?;
    publish::pause_point("working-written");
    Ok(change.commit(&publish::working_message(plan, published))?)
}

/// Approved stories whose embargo (if any) has passed.
fn due(root: &std::path::Path, now: &str) -> Result<Vec<String>, CommandError> {
    let (stories, _) = stories::stories(root, &stories::Source::WorkingTree)?;
    let now_seconds = now
        .parse::<toml::value::Datetime>()
        .ok()
        .and_then(|n| crate::record::document::instant(&n))
        .map_or(i64::MAX, |(seconds, _)| seconds);
    Ok(stories
        .iter()
        .filter(|file| *file.story.status.get_ref() == crate::record::model::Status::Approved)
        .filter(|file| {
            file.story
                .embargo
                .as_ref()
                .and_then(|embargo| crate::record::document::instant(embargo.get_ref()))
                .is_none_or(|(until, _)| until <= now_seconds)
        })
        .map(|file| file.story.slug.get_ref().clone())
        .collect())
}

fn dry_run(
    args: &Args,
    ui: &Ui,
    plans: &[Plan],
    mut reports: Vec<Report>,
) -> Result<Outcome, CommandError> {
    let style = if ui.color_stdout {
        TextStyle::Color
    } else {
        TextStyle::Plain
    };
    let mut text = String::new();
    for plan in plans {
        let mut report = Report::new(&plan.slug, "would-publish");
        report.revision = Some(plan.revision);
        report.items = Some(plan.items.clone());
        if plan.step == Step::Done {
            report.result = "already-published";
        }
        let diff = diff_versions(
            "story",
            &plan.slug,
            plan.previous.as_deref().map(|previous| Version {
                path: plan.old_published_path.as_deref().unwrap_or(&plan.path),
                side: "published",
                bytes: previous.as_bytes(),
            }),
            Some(Version {
                path: &plan.path,
                side: "to publish",
                bytes: plan.published_text.as_bytes(),
            }),
            Granularity::Word,
        );
        text.push_str(&format!(
            "Would publish {} as revision {} ({}):\n",
            plan.slug,
            plan.revision,
            if plan.items == "all" {
                "the whole story".to_owned()
            } else {
                plan.items.clone()
            }
        ));
        text.push_str(&render_text(std::slice::from_ref(&diff), style));
        text.push('\n');
        reports.push(report);
    }
    let refused = reports.iter().any(|r| r.result == "refused");
    match args.format {
        Format::Json => print_reports(args, ui, &reports)?,
        Format::Text => {
            out!(ui, "{text}")?;
            for report in reports.iter().filter(|r| r.result == "refused") {
                outln!(
                    ui,
                    "Would refuse {}: {}",
                    report.slug,
                    report.reason.as_deref().unwrap_or_default()
                )?;
            }
            if !ui.quiet {
                errln!(ui, "Dry run: nothing was changed.");
            }
        }
    }
    Ok(if refused {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

fn print_reports(args: &Args, ui: &Ui, reports: &[Report]) -> Result<(), CommandError> {
    match args.format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&serde_json::json!({ "stories": reports }))
                .unwrap_or_default();
            json.push('\n');
            out!(ui, "{json}")?;
        }
        Format::Text => {
            for report in reports {
                let short = |id: &Option<String>| {
                    id.as_deref()
                        .map(|id| &id[..12.min(id.len())])
                        .unwrap_or("-")
                        .to_owned()
                };
                match report.result {
                    "refused" => outln!(
                        ui,
                        "Refused {}: {}",
                        report.slug,
                        report.reason.as_deref().unwrap_or_default()
                    )?,
                    "already-published" => outln!(
                        ui,
                        "{} is already published (revision {}).",
                        report.slug,
                        report.revision.unwrap_or(0)
                    )?,
                    result => {
                        let what = match report.items.as_deref() {
                            Some("all") | None => "the whole story".to_owned(),
                            Some(items) => items.to_owned(),
                        };
                        outln!(
                            ui,
                            "{} {} revision {} ({what}): published branch {}, working branch {}.",
                            if result == "resumed" {
                                "Finished publishing"
                            } else {
                                "Published"
                            },
                            report.slug,
                            report.revision.unwrap_or(0),
                            short(&report.published_commit),
                            short(&report.working_commit),
                        )?;
                    }
                }
            }
            if reports.is_empty() && !ui.quiet {
                errln!(ui, "Nothing to publish.");
            }
        }
    }
    Ok(())
}
