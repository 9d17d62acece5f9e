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
//!
//! What a publish will do is planned before anything is written, in two
//! parts: reading (`gather`, and `gather_checks` for a story that is to go
//! out now) puts the working record, the published version, the review
//! from history and the topic records into plain values; deciding
//! (`settle`, `decide`) is pure functions over them, so every refusal can
//! be tested without a repository.

use std::collections::BTreeMap;

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
    #[error(
        "{slug} {change} that is already public; corrections are appended, never rewritten or removed"
    )]
    CorrectionsRewritten {
        slug: String,
        change: crate::record::integrity::CorrectionChange,
    },
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

/// What publishing one story depends on, read from the repository by
/// [`gather`]: the working record, the story's newest version on the
/// published branch and the topic records either of them names. Plain
/// values, so that the decision over them ([`settle`], [`decide`]) can be
/// tested without a repository.
#[derive(Debug, Clone)]
pub struct PublishFacts {
    pub slug: String,
    /// The working record's path, which is also its path on the published
    /// branch.
    pub path: String,
    /// The working record as the working tree has it.
    pub text: String,
    /// Git's blob id of `text`: the published branch's `Working-Blob`
    /// trailer names the working record a publish was made from.
    pub working_blob: String,
    /// The story's newest version on the published branch.
    pub published: Option<Published>,
    /// Topic records from the working tree (path → text) that the working
    /// or the published story names. The published branch gets those the
    /// story as published names: the site needs their names and blurbs.
    pub topics: BTreeMap<String, String>,
}

/// A story's newest version on the published branch.
#[derive(Debug, Clone)]
pub struct Published {
    pub path: String,
    pub text: String,
    /// The trailers of the commit that wrote it (`Working-Blob`, `Items`,
    /// `Approved-by`).
    pub trailers: Vec<(String, String)>,
}

/// What only a story that is to be published now needs: read by
/// [`gather_checks`] once [`settle`] has found that the story's own state
/// does not decide it.
#[derive(Debug, Default)]
pub struct Checks {
    /// Whether HEAD holds the working record's text: changes that are not
    /// committed (and so were never approved) are not published.
    pub committed: bool,
    /// What history says of the story's review since it was last
    /// published; read only when lede.toml requires approval.
    pub review: Option<states::Review>,
    /// Whether the approval's commit carries a good signature; asked only
    /// when lede.toml requires signed approvals and there is an approval.
    pub approval_signed: Option<bool>,
}

/// Decides what publishing `slug` means now, or why it cannot happen:
/// the facts are read first ([`gather`], then [`gather_checks`] and the
/// schemas when the story's state leaves it open) and the decision is made
/// over them ([`settle`], [`decide`]).
pub fn plan(
    root: &std::path::Path,
    config: &crate::newsroom::config::Config,
    git: &Git,
    slug: &str,
    items: Option<&[Item]>,
    now: &str,
) -> Result<Plan, PublishError> {
    let facts = gather(root, config, git, slug)?;
    // A story that needs no checks does not wait for history to be walked
    // or the schemas to be compiled.
    if let Some(settled) = settle(&facts, now) {
        return settled;
    }
    let checks = gather_checks(config, git, &facts)?;
    let schemas = crate::check::schema::Schemas::load(root)?;
    let known_topics = crate::check::validate::KnownTopics::read(root)?;
    // `lede validate`'s engine, now a pure function of a text.
    let errors_in = |candidate: &str| {
        crate::check::validate::check_text_against(
            root,
            config,
            &schemas,
            &known_topics,
            &facts.path,
            candidate,
        )
        .iter()
        .filter(|d| d.severity == crate::text::diagnostic::Severity::Error)
        .count()
    };
    decide(&facts, &checks, &config.workflow, items, now, &errors_in)
}

/// Reads what publishing `slug` depends on: the working record, its
/// newest version on the published branch (with that commit's trailers),
/// and the topic records they name.
pub fn gather(
    root: &std::path::Path,
    config: &crate::newsroom::config::Config,
    git: &Git,
    slug: &str,
) -> Result<PublishFacts, PublishError> {
    use crate::newsroom::stories::{Source, story_text};
    let (path, text) = story_text(root, slug, &Source::WorkingTree)?;
    let file_name = format!("{slug}.toml");
    let mut published = None;
    if let Some(tip) = crate::workflow::team::published_ref(git, config)?.map(|r| r.tip)
        && let Some(touch) = git
            .history_limited(&tip, "stories", &file_name, 1)?
            .into_iter()
            .next()
        && let Some(file) = touch.new
    {
        let bytes = git.read_blob(file.blob.as_deref().unwrap_or_default())?;
        published = Some(Published {
            path: file.path,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            trailers: states::trailers(&touch.commit.message),
        });
    }
    let working_blob = Git::blob_id(text.as_bytes())?;
    let mut topics = BTreeMap::new();
    let named = topic_ids(&text)
        .into_iter()
        .chain(published.iter().flat_map(|p| topic_ids(&p.text)));
    // Topics as committed, never as the working tree has them: an edit
    // nobody committed (or reviewed) does not go public with the story.
    let head = git.resolve("HEAD")?;
    for id in named {
        let topic_path = format!("topics/{id}.toml");
        if !topics.contains_key(&topic_path)
            && let Some(topic) = git.read_file_at(&head, &topic_path)?
        {
            topics.insert(topic_path, String::from_utf8_lossy(&topic).into_owned());
        }
    }
    Ok(PublishFacts {
        slug: slug.to_owned(),
        path,
        text,
        working_blob,
        published,
        topics,
    })
}

/// Reads the checks a story to be published now must pass: whether it is
/// committed, its review, and the approval's signature, each only when
/// lede.toml asks for it.
pub fn gather_checks(
    config: &crate::newsroom::config::Config,
    git: &Git,
    facts: &PublishFacts,
) -> Result<Checks, PublishError> {
    let committed = git.is_committed(&facts.path, facts.text.as_bytes())?;
    let review = if config.workflow.require_approval {
        Some(states::review_at(
            git,
            "HEAD",
            &facts.slug,
            Some(&facts.path),
        )?)
    } else {
        None
    };
    let approval_signed = match review.as_ref().and_then(|r| r.approval.as_ref()) {
        Some(approval) if config.workflow.require_signed => {
            Some(git.verify_commit(&approval.commit))
        }
        _ => None,
    };
    Ok(Checks {
        committed,
        review,
        approval_signed,
    })
}

/// What the texts of the facts say, parsed once per decision.
struct State {
    table: Option<toml::Table>,
    previous_table: Option<toml::Table>,
    /// The working record's `status`.
    status: String,
    /// The published version's `revision` (0 when none).
    previous_revision: u64,
}

impl State {
    fn of(facts: &PublishFacts) -> State {
        let table = parse_table(&facts.text);
        let previous_table = facts.published.as_ref().and_then(|p| parse_table(&p.text));
        let status = field(&table, "status")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let previous_revision = field(&previous_table, "revision")
            .and_then(|v| v.as_integer())
            .map_or(0, |r| r.max(0) as u64);
        State {
            table,
            previous_table,
            status,
            previous_revision,
        }
    }
}

/// The plan when the story's own state decides it, with no check needed:
/// completing a publish an earlier run was stopped in, refusing a
/// retracted story, or finding a published one already out (or edited
/// without going back to review). `None`: the story is to be published
/// now, and [`decide`] says whether it may.
pub fn settle(facts: &PublishFacts, now: &str) -> Option<Result<Plan, PublishError>> {
    settle_with(facts, &State::of(facts), now)
}

fn settle_with(
    facts: &PublishFacts,
    state: &State,
    now: &str,
) -> Option<Result<Plan, PublishError>> {
    let text_of = |value: Option<&toml::Value>| value.map(|v| v.to_string());
    // An earlier run made the published commit from this very working
    // record and was stopped before committing the working record.
    if let Some(published) = &facts.published
        && states::trailer(&published.trailers, WORKING_BLOB) == Some(facts.working_blob.as_str())
    {
        let trailers = &published.trailers;
        let published_at =
            text_of(field(&state.previous_table, "published")).unwrap_or_else(|| now.to_owned());
        let updated =
            text_of(field(&state.previous_table, "updated")).unwrap_or_else(|| now.to_owned());
        let whole = states::trailer(trailers, ITEMS) == Some("all");
        let status =
            (whole || states::same_content(&published.text, &facts.text)).then_some("published");
        let working_text = match with_fields(
            facts,
            &facts.text,
            status,
            state.previous_revision,
            &published_at,
            &updated,
        ) {
            Ok(text) => text,
            Err(error) => return Some(Err(error)),
        };
        let items = states::trailer(trailers, ITEMS).unwrap_or("all").to_owned();
        let approved_by = states::trailer(trailers, APPROVED_BY).map(str::to_owned);
        return Some(Ok(plan_with(
            facts,
            Step::WorkingOnly,
            state.previous_revision,
            published.text.clone(),
            working_text,
            items,
            approved_by,
        )));
    }
    if state.status == "retracted" {
        return Some(Err(Refusal::Retracted {
            slug: facts.slug.clone(),
        }
        .into()));
    }
    if state.status == "published" {
        let working_revision = field(&state.table, "revision")
            .and_then(|v| v.as_integer())
            .map_or(0, |r| r.max(0) as u64);
        return Some(match &facts.published {
            Some(published)
                if working_revision == state.previous_revision
                    && states::same_content(&published.text, &facts.text) =>
            {
                Ok(plan_with(
                    facts,
                    Step::Done,
                    state.previous_revision,
                    published.text.clone(),
                    facts.text.clone(),
                    String::new(),
                    None,
                ))
            }
            _ => Err(Refusal::PublishedEdited {
                slug: facts.slug.clone(),
            }
            .into()),
        });
    }
    None
}

/// Whether the story may be published now, and what both commits will
/// hold: every check of a publish, over values already read. It settles
/// first what [`settle`] settles, so it is the whole decision on its own.
/// `errors_in` counts the errors `lede validate` finds in a text (the
/// working record, then the record as it would go public). The error is a
/// [`Refusal`], or an [`PublishError::Edit`] when a record cannot be edited.
pub fn decide(
    facts: &PublishFacts,
    checks: &Checks,
    rules: &crate::newsroom::config::WorkflowConfig,
    items: Option<&[Item]>,
    now: &str,
    errors_in: &dyn Fn(&str) -> usize,
) -> Result<Plan, PublishError> {
    let state = State::of(facts);
    if let Some(settled) = settle_with(facts, &state, now) {
        return settled;
    }
    let slug = &facts.slug;
    let text = &facts.text;
    if !checks.committed {
        return Err(Refusal::Uncommitted {
            path: facts.path.clone(),
        }
        .into());
    }
    let errors = errors_in(text);
    if errors > 0 {
        return Err(Refusal::Invalid {
            path: facts.path.clone(),
            errors,
        }
        .into());
    }
    if let Some(published) = &facts.published
        && let Err(change) = crate::record::integrity::corrections_kept(&published.text, text)
    {
        return Err(Refusal::CorrectionsRewritten {
            slug: slug.clone(),
            change,
        }
        .into());
    }
    let mut approved_by = None;
    if rules.require_approval {
        if state.status != "approved" {
            return Err(Refusal::NotApproved {
                slug: slug.clone(),
                status: state.status.clone(),
            }
            .into());
        }
        let review = checks.review.as_ref();
        let approval = review
            .and_then(|review| review.approval.as_ref())
            .ok_or_else(|| Refusal::NoApproval { slug: slug.clone() })?;
        if !states::same_content(&approval.text, text) {
            return Err(Refusal::EditedAfterApproval {
                slug: slug.clone(),
                approver: approval.approver.to_string(),
                commit: short(&approval.commit),
            }
            .into());
        }
        if rules.distinct_reviewer
            && review
                .into_iter()
                .flat_map(|review| &review.content_authors)
                .any(|a| states::same_person(a, &approval.approver))
        {
            return Err(Refusal::SelfApproved {
                slug: slug.clone(),
                approver: approval.approver.to_string(),
            }
            .into());
        }
        if rules.require_signed && checks.approval_signed != Some(true) {
            return Err(Refusal::Unsigned {
                slug: slug.clone(),
                commit: short(&approval.commit),
            }
            .into());
        }
        approved_by = Some(approval.approver.to_string());
    }
    if let Some(embargo) = field(&state.table, "embargo").and_then(|v| v.as_datetime())
        && let (Some((until, _)), Some(now_seconds)) = (
            crate::record::document::instant(embargo),
            now.parse()
                .ok()
                .and_then(|n: toml::value::Datetime| crate::record::document::instant(&n)),
        )
        && until > now_seconds.0
    {
        return Err(Refusal::Embargoed {
            slug: slug.clone(),
            until: embargo.to_string(),
        }
        .into());
    }
    let revision = state.previous_revision + 1;
    let published_at = field(&state.previous_table, "published")
        .map(|v| v.to_string())
        .unwrap_or_else(|| now.to_owned());
    let (base, items_label) = match items {
        None => (text.clone(), "all".to_owned()),
        Some(items) => {
            let previous = facts
                .published
                .as_ref()
                .ok_or_else(|| Refusal::NothingPublished { slug: slug.clone() })?;
            let label = items
                .iter()
                .map(Item::to_string)
                .collect::<Vec<_>>()
                .join(",");
            (
                apply_items(&previous.text, text, items).map_err(Refusal::from)?,
                label,
            )
        }
    };
    let published_text = with_fields(
        facts,
        &base,
        Some("published"),
        revision,
        &published_at,
        now,
    )?;
    let errors = errors_in(&published_text);
    if errors > 0 {
        return Err(Refusal::InvalidResult { errors }.into());
    }
    let everything_out = items.is_none() || states::same_content(&published_text, text);
    let working_text = with_fields(
        facts,
        text,
        everything_out.then_some("published"),
        revision,
        &published_at,
        now,
    )?;
    Ok(plan_with(
        facts,
        Step::Start,
        revision,
        published_text,
        working_text,
        items_label,
        approved_by,
    ))
}

/// A commit id as refusals show it: its first 12 digits.
fn short(commit: &str) -> String {
    commit.get(..12).unwrap_or(commit).to_owned()
}

/// `base` with the fields a publish maintains set.
fn with_fields(
    facts: &PublishFacts,
    base: &str,
    status: Option<&str>,
    revision: u64,
    published: &str,
    updated: &str,
) -> Result<String, PublishError> {
    let edit_error = |message: String| PublishError::Edit {
        path: facts.path.clone(),
        message,
    };
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
}

fn plan_with(
    facts: &PublishFacts,
    step: Step,
    revision: u64,
    published_text: String,
    working_text: String,
    items: String,
    approved_by: Option<String>,
) -> Plan {
    // The topic records the story as published names, in its order.
    let topics = topic_ids(&published_text)
        .into_iter()
        .filter_map(|id| {
            let path = format!("topics/{id}.toml");
            let text = facts.topics.get(&path)?.clone();
            Some((path, text))
        })
        .collect();
    Plan {
        slug: facts.slug.clone(),
        path: facts.path.clone(),
        old_published_path: facts
            .published
            .as_ref()
            .map(|p| p.path.clone())
            .filter(|p| p != &facts.path),
        previous: facts.published.as_ref().map(|p| p.text.clone()),
        revision,
        items,
        approved_by,
        published_text,
        working_text,
        working_blob: facts.working_blob.clone(),
        step,
        topics,
    }
}

/// The topic ids a story names (those that can be file names).
fn topic_ids(story: &str) -> Vec<String> {
    parse_table(story)
        .and_then(|t| t.get("topics")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .filter(|id| crate::record::model::is_valid_id(id))
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

#[cfg(test)]
mod tests {
    //! The decision over hand-made facts: no repository, no files.

    use super::*;
    use crate::git::Identity;
    use crate::newsroom::config::WorkflowConfig;
    use crate::workflow::states::{Approval, Review};

    const NOW: &str = "2026-01-10T12:00:00Z";
    const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
    const EDITOR: &str = "Sam Editor <sam@example.org>";
    const AUTHOR: &str = "Ines Moreau <ines@example.org>";

    /// A working record, approved and never published.
    const WORKING: &str = r#"slug = "harbour"
headline = "Harbour expansion approved"
status = "approved"
desk = "business"
authors = ["Ines Moreau <ines@example.org>"]
topics = ["port-alder"]
created = 2025-10-02T08:15:00Z
updated = 2025-10-03T16:40:00Z

[sections.whats-happened]
title = "What's happened"
body = "The authority approved the plan."

[[faq]]
id = "why-now"
question = "Why now?"
answer = "The terminal is full."
"#;

    /// What the published branch holds after a first publish of an older
    /// version of `WORKING`.
    const PUBLISHED: &str = r#"slug = "harbour"
headline = "Harbour plan goes to a vote"
status = "published"
desk = "business"
authors = ["Ines Moreau <ines@example.org>"]
topics = ["port-alder"]
created = 2025-10-02T08:15:00Z
updated = 2025-10-05T09:00:00Z
revision = 1
published = 2025-10-05T09:00:00Z

[sections.whats-happened]
title = "What's happened"
body = "The authority approved the plan."

[[faq]]
id = "why-now"
question = "Why now?"
answer = "The vote is due."
"#;

    fn identity(text: &str) -> Identity {
        let (name, email) = text.split_once(" <").unwrap();
        Identity {
            name: name.to_owned(),
            email: email.trim_end_matches('>').to_owned(),
        }
    }

    fn facts(text: &str, published: Option<&str>) -> PublishFacts {
        PublishFacts {
            slug: "harbour".into(),
            path: "stories/harbour.toml".into(),
            text: text.into(),
            working_blob: "b10b".into(),
            published: published.map(|text| Published {
                path: "stories/harbour.toml".into(),
                text: text.into(),
                trailers: vec![(ITEMS.into(), "all".into())],
            }),
            topics: BTreeMap::from([(
                "topics/port-alder.toml".to_owned(),
                "id = \"port-alder\"\n".to_owned(),
            )]),
        }
    }

    /// Committed, and approved by `approver` with the text `approved`.
    fn approved(approved: &str, approver: &str) -> Checks {
        Checks {
            committed: true,
            review: Some(Review {
                approval: Some(Approval {
                    commit: COMMIT.into(),
                    approver: identity(approver),
                    time: 0,
                    text: approved.into(),
                }),
                content_authors: vec![identity(AUTHOR)],
                ..Review::default()
            }),
            approval_signed: None,
        }
    }

    fn valid(_: &str) -> usize {
        0
    }

    fn decide_default(
        facts: &PublishFacts,
        checks: &Checks,
        items: Option<&[Item]>,
    ) -> Result<Plan, PublishError> {
        decide(
            facts,
            checks,
            &WorkflowConfig::default(),
            items,
            NOW,
            &valid,
        )
    }

    fn refusal(result: Result<Plan, PublishError>) -> Refusal {
        match result {
            Err(PublishError::Refused(refusal)) => refusal,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn an_approved_story_goes_out_whole() {
        let facts = facts(WORKING, None);
        assert!(
            settle(&facts, NOW).is_none(),
            "nothing settles a story to publish"
        );
        let plan = decide_default(&facts, &approved(WORKING, EDITOR), None).unwrap();
        assert_eq!(plan.step, Step::Start);
        assert_eq!(plan.revision, 1);
        assert_eq!(plan.items, "all");
        assert_eq!(plan.approved_by.as_deref(), Some(EDITOR));
        assert_eq!(plan.previous, None);
        assert_eq!(plan.old_published_path, None);
        let published: toml::Table = toml::from_str(&plan.published_text).unwrap();
        assert_eq!(published["status"].as_str(), Some("published"));
        assert_eq!(published["revision"].as_integer(), Some(1));
        assert_eq!(published["published"].to_string(), NOW);
        assert_eq!(published["updated"].to_string(), NOW);
        assert!(states::same_content(&plan.published_text, WORKING));
        // The working record says what the published one says.
        assert_eq!(plan.working_text, plan.published_text);
        assert_eq!(
            plan.topics,
            [(
                "topics/port-alder.toml".to_owned(),
                "id = \"port-alder\"\n".to_owned()
            )]
        );
    }

    #[test]
    fn a_story_that_is_not_approved_is_refused() {
        let text = WORKING.replace("status = \"approved\"", "status = \"in_review\"");
        let result = decide_default(&facts(&text, None), &approved(&text, EDITOR), None);
        assert!(matches!(
            refusal(result),
            Refusal::NotApproved { status, .. } if status == "in_review"
        ));
        let no_approval = Checks {
            committed: true,
            review: Some(Review::default()),
            approval_signed: None,
        };
        assert!(matches!(
            refusal(decide_default(&facts(WORKING, None), &no_approval, None)),
            Refusal::NoApproval { .. }
        ));
        // Without require_approval a draft goes out, approved by nobody.
        let draft = WORKING.replace("status = \"approved\"", "status = \"draft\"");
        let rules = WorkflowConfig {
            require_approval: false,
            ..WorkflowConfig::default()
        };
        let checks = Checks {
            committed: true,
            ..Checks::default()
        };
        let plan = decide(&facts(&draft, None), &checks, &rules, None, NOW, &valid).unwrap();
        assert_eq!(plan.approved_by, None);
    }

    #[test]
    fn an_approval_holds_for_the_text_approved_by_someone_else_signed_if_required() {
        let edited = WORKING.replace("The terminal is full.", "The terminal is full now.");
        assert!(matches!(
            refusal(decide_default(&facts(&edited, None), &approved(WORKING, EDITOR), None)),
            Refusal::EditedAfterApproval { commit, .. } if commit == COMMIT[..12]
        ));
        // Only the workflow's fields changed since: the approval holds.
        let touched = WORKING.replace("2025-10-03T16:40:00Z", "2025-10-04T08:00:00Z");
        assert!(decide_default(&facts(&touched, None), &approved(WORKING, EDITOR), None).is_ok());
        let own = "Ines Moreau <INES@example.org>";
        assert!(matches!(
            refusal(decide_default(
                &facts(WORKING, None),
                &approved(WORKING, own),
                None
            )),
            Refusal::SelfApproved { .. }
        ));
        let signed = WorkflowConfig {
            require_signed: true,
            ..WorkflowConfig::default()
        };
        let mut checks = approved(WORKING, EDITOR);
        for (signature, ok) in [(None, false), (Some(false), false), (Some(true), true)] {
            checks.approval_signed = signature;
            let result = decide(&facts(WORKING, None), &checks, &signed, None, NOW, &valid);
            match ok {
                true => assert!(result.is_ok()),
                false => assert!(matches!(refusal(result), Refusal::Unsigned { .. })),
            }
        }
    }

    #[test]
    fn uncommitted_and_invalid_records_are_refused() {
        let facts = facts(WORKING, None);
        let uncommitted = Checks {
            committed: false,
            ..approved(WORKING, EDITOR)
        };
        assert!(matches!(
            refusal(decide_default(&facts, &uncommitted, None)),
            Refusal::Uncommitted { path } if path == "stories/harbour.toml"
        ));
        let checks = approved(WORKING, EDITOR);
        let rules = WorkflowConfig::default();
        let two = |_: &str| 2;
        assert!(matches!(
            refusal(decide(&facts, &checks, &rules, None, NOW, &two)),
            Refusal::Invalid { errors: 2, .. }
        ));
        // Valid as it is, invalid as it would go public.
        let once_published = |text: &str| usize::from(text.contains("status = \"published\""));
        assert!(matches!(
            refusal(decide(&facts, &checks, &rules, None, NOW, &once_published)),
            Refusal::InvalidResult { errors: 1 }
        ));
    }

    #[test]
    fn an_embargoed_story_waits_for_its_time() {
        let text = WORKING.replace(
            "updated = 2025-10-03T16:40:00Z",
            "updated = 2025-10-03T16:40:00Z\nembargo = 2026-01-10T12:30:00Z",
        );
        let facts = facts(&text, None);
        let checks = approved(&text, EDITOR);
        assert!(matches!(
            refusal(decide_default(&facts, &checks, None)),
            Refusal::Embargoed { until, .. } if until == "2026-01-10T12:30:00Z"
        ));
        let later = "2026-01-10T12:30:00Z";
        let rules = WorkflowConfig::default();
        let plan = decide(&facts, &checks, &rules, None, later, &valid).unwrap();
        assert!(
            plan.published_text
                .contains("published = 2026-01-10T12:30:00Z")
        );
    }

    #[test]
    fn one_faq_entry_goes_into_the_published_record() {
        let working = WORKING
            .replace(
                "The terminal is full.",
                "The terminal is full; ships divert.",
            )
            .replace(
                "updated = 2025-10-03T16:40:00Z",
                "updated = 2025-10-06T10:00:00Z\nrevision = 1\npublished = 2025-10-05T09:00:00Z",
            );
        let republish = facts(&working, Some(PUBLISHED));
        let only = [Item::Faq("why-now".into())];
        let plan = decide_default(&republish, &approved(&working, EDITOR), Some(&only)).unwrap();
        assert_eq!(plan.step, Step::Start);
        assert_eq!(plan.items, "faq:why-now");
        assert_eq!(plan.revision, 2);
        assert_eq!(plan.previous.as_deref(), Some(PUBLISHED));
        // The entry and the publish fields change; the headline stays as
        // published, and so does the first publication time.
        assert_eq!(
            plan.published_text,
            PUBLISHED
                .replace("The vote is due.", "The terminal is full; ships divert.")
                .replace("revision = 1", "revision = 2")
                .replace(
                    "updated = 2025-10-05T09:00:00Z",
                    &format!("updated = {NOW}")
                )
        );
        // The working story still has a headline to publish: it stays
        // approved, with the revision it is now at.
        let working_after: toml::Table = toml::from_str(&plan.working_text).unwrap();
        assert_eq!(working_after["status"].as_str(), Some("approved"));
        assert_eq!(working_after["revision"].as_integer(), Some(2));
        assert_eq!(
            working_after["headline"].as_str(),
            Some("Harbour expansion approved")
        );

        // Items of a story never published are refused.
        let never = facts(&working, None);
        assert!(matches!(
            refusal(decide_default(
                &never,
                &approved(&working, EDITOR),
                Some(&only)
            )),
            Refusal::NothingPublished { .. }
        ));
        // So is an item neither version has.
        let missing = [Item::Faq("nope".into())];
        assert!(matches!(
            refusal(decide_default(
                &republish,
                &approved(&working, EDITOR),
                Some(&missing)
            )),
            Refusal::Items(ItemError::Missing(_))
        ));
    }

    #[test]
    fn a_retracted_story_is_not_published_again() {
        let text = WORKING.replace("status = \"approved\"", "status = \"retracted\"");
        let facts = facts(&text, Some(PUBLISHED));
        assert!(matches!(
            settle(&facts, NOW).map(refusal),
            Some(Refusal::Retracted { .. })
        ));
        // decide settles it the same way, whatever the checks say.
        assert!(matches!(
            refusal(decide_default(&facts, &approved(&text, EDITOR), None)),
            Refusal::Retracted { .. }
        ));
    }

    #[test]
    fn a_published_story_is_done_unless_it_was_edited() {
        let same = PUBLISHED.replace(
            "updated = 2025-10-05T09:00:00Z",
            "updated = 2025-10-05T09:00:01Z",
        );
        let plan = settle(&facts(&same, Some(PUBLISHED)), NOW)
            .unwrap()
            .unwrap();
        assert_eq!(plan.step, Step::Done);
        assert_eq!(plan.revision, 1);
        assert_eq!(plan.published_text, PUBLISHED);
        let edited = PUBLISHED.replace("The vote is due.", "The vote was held.");
        assert!(matches!(
            settle(&facts(&edited, Some(PUBLISHED)), NOW).map(refusal),
            Some(Refusal::PublishedEdited { .. })
        ));
        // Published, says the record, but the branch has no version of it.
        assert!(matches!(
            settle(&facts(PUBLISHED, None), NOW).map(refusal),
            Some(Refusal::PublishedEdited { .. })
        ));
    }

    #[test]
    fn a_story_that_drops_a_public_correction_is_refused() {
        let correction =
            "\n[[corrections]]\nat = 2025-10-06T09:00:00Z\nnote = \"The vote date was wrong.\"\n";
        let published = format!("{PUBLISHED}{correction}");
        // Edited again, approved, but without the correction.
        let facts = facts(WORKING, Some(&published));
        assert!(matches!(
            refusal(decide_default(&facts, &approved(WORKING, EDITOR), None)),
            Refusal::CorrectionsRewritten { .. }
        ));
        let kept = format!("{WORKING}{correction}");
        let facts = super::tests::facts(&kept, Some(&published));
        assert!(decide_default(&facts, &approved(&kept, EDITOR), None).is_ok());
    }

    #[test]
    fn an_interrupted_publish_is_completed_not_made_again() {
        // The published branch has a commit made from this working record
        // (its Working-Blob): only the working record's commit is left.
        let mut facts = facts(WORKING, Some(PUBLISHED));
        let published = facts.published.as_mut().unwrap();
        published.trailers = vec![
            (ITEMS.into(), "all".into()),
            (APPROVED_BY.into(), EDITOR.into()),
            (WORKING_BLOB.into(), "b10b".into()),
        ];
        let plan = settle(&facts, NOW).unwrap().unwrap();
        assert_eq!(plan.step, Step::WorkingOnly);
        assert_eq!(plan.revision, 1);
        assert_eq!(plan.items, "all");
        assert_eq!(plan.approved_by.as_deref(), Some(EDITOR));
        assert_eq!(plan.published_text, PUBLISHED);
        let working: toml::Table = toml::from_str(&plan.working_text).unwrap();
        assert_eq!(working["status"].as_str(), Some("published"));
        assert_eq!(working["revision"].as_integer(), Some(1));
        assert_eq!(working["published"].to_string(), "2025-10-05T09:00:00Z");
        assert_eq!(working["updated"].to_string(), "2025-10-05T09:00:00Z");
        // Completing it asks for none of the checks.
        assert!(decide_default(&facts, &Checks::default(), None).is_ok());
    }
}
