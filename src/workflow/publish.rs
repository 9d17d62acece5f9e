//! Publishing: an approved working record goes to the published branch,
//! whole or item by item.
//!
//! One publish is two commits, in this order:
//!
//! 1. on the published branch, the record as the public will see it, with
//!    trailers `Story`, `Revision`, `Items`, `Approved-by` and
//!    `Working-Blob` (the id of the working record it was made from). The
//!    branch moves by an atomic compare-and-swap of its reference, so a
//!    concurrent writer makes this fail rather than be overwritten;
//! 2. on the working branch, the record's `status`, `revision`, `published`
//!    and `updated`, set to the values the published record carries.
//!
//! If lede is killed between the two, the published branch carries a
//! `Working-Blob` equal to the working record's blob: the next run sees that
//! step 1 is done and only does step 2. If it is killed during step 2, the
//! working record already says what the published one says, and the next
//! run commits it. Either way the repository never holds a state that the
//! next `lede publish` cannot explain and complete (tested by killing
//! publishes at every step, `tests/publish_cli.rs`).

use crate::git::{Git, GitError, TreeEdit};
use crate::record::edit::RecordEditor;
use crate::record::splice::{Item, ItemError, apply_items};
use crate::workflow::states::{self, APPROVED_BY, ITEMS, REVISION, STORY, WORKING_BLOB};

/// Why a story cannot be published now. Each says what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{path} has {errors} problem(s); run `lede validate {path}` to see them")]
    Invalid { path: String, errors: usize },
    #[error("{slug} is {status}, not approved; `lede submit` and `lede approve` it first")]
    NotApproved { slug: String, status: String },
    #[error(
        "{slug} says approved, but no `lede approve` of it is in the history since it was last published; approve it with `lede approve`"
    )]
    NoApproval { slug: String },
    #[error(
        "{slug} was changed after {approver} approved it (commit {commit}); the approval no longer holds: submit it for review again"
    )]
    EditedAfterApproval {
        slug: String,
        approver: String,
        commit: String,
    },
    #[error(
        "{approver} approved {slug} but also changed its content since it was last published; under distinct_reviewer another person must approve it"
    )]
    SelfApproved { slug: String, approver: String },
    #[error(
        "the approval of {slug} (commit {commit}) is not signed with a key git trusts, and lede.toml sets require_signed"
    )]
    Unsigned { slug: String, commit: String },
    #[error(
        "{slug} is embargoed until {until}; `lede publish --due` publishes it once that time has passed"
    )]
    Embargoed { slug: String, until: String },
    #[error("{slug} is retracted; a retracted story is not published again")]
    Retracted { slug: String },
    #[error(
        "{slug} says published but differs from the published version: it was edited without going back to draft; submit it for review"
    )]
    PublishedEdited { slug: String },
    #[error(
        "{path} has changes that are not committed; commit them (and have them approved) first"
    )]
    Uncommitted { path: String },
    #[error(
        "{slug} has never been published; publish the whole story before publishing single items"
    )]
    NothingPublished { slug: String },
    #[error("{0}")]
    Items(#[from] ItemError),
    #[error(
        "publishing those items would make the published record invalid ({errors} problem(s)); publish the items it depends on too, or the whole story"
    )]
    InvalidResult { errors: usize },
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Read(#[from] crate::newsroom::stories::ReadError),
    #[error(transparent)]
    Repo(#[from] crate::newsroom::layout::RepoError),
    #[error(transparent)]
    Schema(#[from] crate::check::schema::SchemaError),
    #[error("cannot change {path}: {message}")]
    Edit { path: String, message: String },
}

/// What `lede publish` will do for one story, decided before anything is
/// written.
#[derive(Debug)]
pub struct Plan {
    pub slug: String,
    /// The working record's path, which is also its path on the published
    /// branch.
    pub path: String,
    /// Where the previous published version lies, when it is elsewhere.
    pub old_published_path: Option<String>,
    pub previous: Option<String>,
    pub revision: u64,
    /// `all`, or the items, comma-separated.
    pub items: String,
    pub approved_by: Option<String>,
    /// The record as it goes public.
    pub published_text: String,
    /// The working record afterwards.
    pub working_text: String,
    pub working_blob: String,
    pub step: Step,
    /// The topic records the published story refers to, as they are in the
    /// working tree: the site needs their names and blurbs.
    pub topics: Vec<(String, String)>,
}

/// Where a publish stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing done yet: both commits to make.
    Start,
    /// The published branch has it (an earlier run was interrupted): only
    /// the working record is left.
    WorkingOnly,
    /// Both done; at most the working record's commit was interrupted.
    Done,
}

fn field<'t>(table: &'t Option<toml::Table>, key: &str) -> Option<&'t toml::Value> {
    table.as_ref()?.get(key)
}

fn parse_table(text: &str) -> Option<toml::Table> {
    toml::from_str(crate::text::source::strip_bom(text)).ok()
}

/// Decides what publishing `slug` means now, or why it cannot happen.
pub fn plan(
    root: &std::path::Path,
    config: &crate::newsroom::config::Config,
    git: &Git,
    slug: &str,
    items: Option<&[Item]>,
    now: &str,
) -> Result<Plan, PublishError> {
    use crate::newsroom::stories::{Source, story_text};
    let (path, text) = story_text(root, slug, &Source::WorkingTree)?;
    let file_name = format!("{slug}.toml");
    let branch = &config.publish.branch;
    let tip = git.branch_tip(branch)?;
    let (previous_path, previous, previous_trailers) = match &tip {
        Some(tip) => match git
            .history_limited(tip, "stories", &file_name, 1)?
            .into_iter()
            .next()
        {
            Some(touch) => {
                let trailers = states::trailers(&touch.commit.message);
                match touch.new {
                    Some(file) => {
                        let blob = file.blob.as_deref().unwrap_or_default();
                        let bytes = git.read_blob(blob)?;
                        (
                            Some(file.path),
                            Some(String::from_utf8_lossy(&bytes).into_owned()),
                            trailers,
                        )
                    }
                    None => (None, None, trailers),
                }
            }
            None => (None, None, Vec::new()),
        },
        None => (None, None, Vec::new()),
    };
    let working_blob = Git::blob_id(text.as_bytes())?;
    let table = parse_table(&text);
    let previous_table = previous.as_deref().and_then(parse_table);
    let status = field(&table, "status")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let edit_error = |message: String| PublishError::Edit {
        path: path.clone(),
        message,
    };
    let with_fields = |base: &str,
                       status: Option<&str>,
                       revision: u64,
                       published: &str,
                       updated: &str|
     -> Result<String, PublishError> {
        let mut editor = RecordEditor::parse(base).map_err(|e| edit_error(e.to_string()))?;
        if let Some(status) = status {
            editor.set_top_text("status", status);
        }
        editor
            .set_top_raw("revision", &revision.to_string())
            .map_err(|e| edit_error(e.to_string()))?;
        editor
            .set_top_raw("published", published)
            .map_err(|e| edit_error(e.to_string()))?;
        editor
            .set_top_raw("updated", updated)
            .map_err(|e| edit_error(e.to_string()))?;
        Ok(editor.render())
    };
    let plan_with = |step: Step,
                     revision: u64,
                     published_text: String,
                     working_text: String,
                     items: String,
                     approved_by: Option<String>| {
        let topics = topic_records(root, &published_text);
        Plan {
            slug: slug.to_owned(),
            path: path.clone(),
            old_published_path: previous_path.clone().filter(|p| p != &path),
            previous: previous.clone(),
            revision,
            items,
            approved_by,
            published_text,
            working_text,
            working_blob: working_blob.clone(),
            step,
            topics,
        }
    };
    let previous_revision = field(&previous_table, "revision")
        .and_then(|v| v.as_integer())
        .map_or(0, |r| r.max(0) as u64);
    let text_of = |value: Option<&toml::Value>| value.map(|v| v.to_string());

    // An earlier run made the published commit from this very working
    // record and was stopped before committing the working record.
    if states::trailer(&previous_trailers, WORKING_BLOB) == Some(working_blob.as_str())
        && let Some(previous) = &previous
    {
        let published_at =
            text_of(field(&previous_table, "published")).unwrap_or_else(|| now.to_owned());
        let updated = text_of(field(&previous_table, "updated")).unwrap_or_else(|| now.to_owned());
        let whole = states::trailer(&previous_trailers, ITEMS) == Some("all");
        let status = (whole || states::same_content(previous, &text)).then_some("published");
        let working_text = with_fields(&text, status, previous_revision, &published_at, &updated)?;
        let items = states::trailer(&previous_trailers, ITEMS)
            .unwrap_or("all")
            .to_owned();
        let approved_by = states::trailer(&previous_trailers, APPROVED_BY).map(str::to_owned);
        return Ok(plan_with(
            Step::WorkingOnly,
            previous_revision,
            previous.clone(),
            working_text,
            items,
            approved_by,
        ));
    }
    if status == "retracted" {
        return Err(Refusal::Retracted {
            slug: slug.to_owned(),
        }
        .into());
    }
    if status == "published" {
        let working_revision = field(&table, "revision")
            .and_then(|v| v.as_integer())
            .map_or(0, |r| r.max(0) as u64);
        return match &previous {
            Some(previous)
                if working_revision == previous_revision
                    && states::same_content(previous, &text) =>
            {
                Ok(plan_with(
                    Step::Done,
                    previous_revision,
                    previous.clone(),
                    text.clone(),
                    String::new(),
                    None,
                ))
            }
            _ => Err(Refusal::PublishedEdited {
                slug: slug.to_owned(),
            }
            .into()),
        };
    }
    if !git.is_committed(&path, text.as_bytes())? {
        return Err(Refusal::Uncommitted { path }.into());
    }
    let schemas = crate::check::schema::Schemas::load(root)?;
    let topics = crate::check::validate::KnownTopics::read(root)?;
    let count_errors = |candidate: &str| -> Result<usize, PublishError> {
        let diagnostics = crate::check::validate::check_text_against(
            root, config, &schemas, &topics, &path, candidate,
        );
        Ok(diagnostics
            .iter()
            .filter(|d| d.severity == crate::text::diagnostic::Severity::Error)
            .count())
    };
    let errors = count_errors(&text)?;
    if errors > 0 {
        return Err(Refusal::Invalid { path, errors }.into());
    }
    let mut approved_by = None;
    if config.workflow.require_approval {
        if status != "approved" {
            return Err(Refusal::NotApproved {
                slug: slug.to_owned(),
                status,
            }
            .into());
        }
        let review = states::review_at(git, "HEAD", slug, Some(&path))?;
        let approval = review.approval.ok_or_else(|| Refusal::NoApproval {
            slug: slug.to_owned(),
        })?;
        if !states::same_content(&approval.text, &text) {
            return Err(Refusal::EditedAfterApproval {
                slug: slug.to_owned(),
                approver: approval.approver.to_string(),
                commit: approval.commit[..12].to_owned(),
            }
            .into());
        }
        if config.workflow.distinct_reviewer
            && review
                .content_authors
                .iter()
                .any(|a| states::same_person(a, &approval.approver))
        {
            return Err(Refusal::SelfApproved {
                slug: slug.to_owned(),
                approver: approval.approver.to_string(),
            }
            .into());
        }
        if config.workflow.require_signed && !git.verify_commit(&approval.commit) {
            return Err(Refusal::Unsigned {
                slug: slug.to_owned(),
                commit: approval.commit[..12].to_owned(),
            }
            .into());
        }
        approved_by = Some(approval.approver.to_string());
    }
    if let Some(embargo) = field(&table, "embargo").and_then(|v| v.as_datetime())
        && let (Some((until, _)), Some(now_seconds)) = (
            crate::record::document::instant(embargo),
            now.parse()
                .ok()
                .and_then(|n: toml::value::Datetime| crate::record::document::instant(&n)),
        )
        && until > now_seconds.0
    {
        return Err(Refusal::Embargoed {
            slug: slug.to_owned(),
            until: embargo.to_string(),
        }
        .into());
    }
    let revision = previous_revision + 1;
    let published_at =
        text_of(field(&previous_table, "published")).unwrap_or_else(|| now.to_owned());
    let (base, items_label) = match items {
        None => (text.clone(), "all".to_owned()),
        Some(items) => {
            let previous = previous
                .as_deref()
                .ok_or_else(|| Refusal::NothingPublished {
                    slug: slug.to_owned(),
                })?;
            let label = items
                .iter()
                .map(Item::to_string)
                .collect::<Vec<_>>()
                .join(",");
            (
                apply_items(previous, &text, items).map_err(Refusal::from)?,
                label,
            )
        }
    };
    let published_text = with_fields(&base, Some("published"), revision, &published_at, now)?;
    let errors = count_errors(&published_text)?;
    if errors > 0 {
        return Err(Refusal::InvalidResult { errors }.into());
    }
    let everything_out = items.is_none() || states::same_content(&published_text, &text);
    let working_text = with_fields(
        &text,
        everything_out.then_some("published"),
        revision,
        &published_at,
        now,
    )?;
    Ok(plan_with(
        Step::Start,
        revision,
        published_text,
        working_text,
        items_label,
        approved_by,
    ))
}

/// The topic records a story refers to, from the working tree.
fn topic_records(root: &std::path::Path, story: &str) -> Vec<(String, String)> {
    let ids: Vec<String> = parse_table(story)
        .and_then(|t| t.get("topics")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .filter(|id| crate::check::validate::is_valid_id(id))
        .collect();
    ids.into_iter()
        .filter_map(|id| {
            let path = format!("topics/{id}.toml");
            let text = std::fs::read_to_string(root.join(&path)).ok()?;
            Some((path, text))
        })
        .collect()
}

/// Test hook: with `LEDE_TEST_PAUSE_AT=<point>`, lede stops at that point of
/// a publish and waits to be killed, so that tests can kill it exactly
/// there.
pub fn pause_point(point: &str) {
    if std::env::var("LEDE_TEST_PAUSE_AT").is_ok_and(|wanted| wanted == point) {
        eprintln!("lede: paused at {point}");
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}

/// The published branch's commit for a plan (step 1). Returns its id.
pub fn commit_published(
    git: &Git,
    branch: &str,
    plan: &Plan,
    message: Option<&str>,
) -> Result<String, GitError> {
    let tip = git.branch_tip(branch)?;
    let mut edit = TreeEdit::default();
    edit.write
        .push((&plan.path, plan.published_text.as_bytes()));
    for (path, text) in &plan.topics {
        edit.write.push((path, text.as_bytes()));
    }
    if let Some(old) = &plan.old_published_path {
        edit.remove.push(old);
    }
    let subject = format!("publish: {} (revision {})", plan.slug, plan.revision);
    let text = states::message(
        &subject,
        message,
        &[
            (states::ACTION, "publish".to_owned()),
            (STORY, plan.slug.clone()),
            (REVISION, plan.revision.to_string()),
            (ITEMS, plan.items.clone()),
            (
                APPROVED_BY,
                plan.approved_by
                    .clone()
                    .unwrap_or_else(|| "(approval not required)".to_owned()),
            ),
            (WORKING_BLOB, plan.working_blob.clone()),
        ],
    );
    git.commit_to_branch(branch, tip.as_deref(), &edit, &text)
}

/// The working branch's commit message for a plan (step 2).
pub fn working_message(plan: &Plan, published_commit: Option<&str>) -> String {
    let mut trailers = vec![
        (states::ACTION, "publish".to_owned()),
        (STORY, plan.slug.clone()),
        (REVISION, plan.revision.to_string()),
        (ITEMS, plan.items.clone()),
    ];
    if let Some(commit) = published_commit {
        trailers.push(("Published-Commit", commit.to_owned()));
    }
    states::message(
        &format!("publish: {} (revision {})", plan.slug, plan.revision),
        None,
        &trailers,
    )
}
