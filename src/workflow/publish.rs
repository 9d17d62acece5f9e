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

use std::ops::Range;

use crate::git::{Git, GitError, TreeEdit};
use crate::record::edit::RecordEditor;
use crate::workflow::states::{self, APPROVED_BY, ITEMS, REVISION, STORY, WORKING_BLOB};

/// One part of a story that `--only` publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Headline,
    Section(String),
    Faq(String),
}

impl std::str::FromStr for Item {
    type Err = String;

    fn from_str(text: &str) -> Result<Item, String> {
        match text.split_once(':') {
            None if text == "headline" => Ok(Item::Headline),
            Some(("section", id)) if crate::check::validate::is_valid_id(id) => {
                Ok(Item::Section(id.to_owned()))
            }
            Some(("faq", id)) if crate::check::validate::is_valid_id(id) => {
                Ok(Item::Faq(id.to_owned()))
            }
            _ => Err(format!(
                "`{text}` is not an item: write headline, section:<id> or faq:<id>"
            )),
        }
    }
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Headline => write!(f, "headline"),
            Item::Section(id) => write!(f, "section:{id}"),
            Item::Faq(id) => write!(f, "faq:{id}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ItemError {
    #[error("there is no {0} in the working story or in the published one")]
    Missing(Item),
    #[error("cannot read the {which} record: {message}")]
    Parse {
        which: &'static str,
        message: String,
    },
    #[error("the {which} record's {what} has no table header lede can find")]
    Layout { which: &'static str, what: String },
}

/// The published record with `items` taken from the working record and
/// everything else byte for byte as it was published.
pub fn apply_items(published: &str, working: &str, items: &[Item]) -> Result<String, ItemError> {
    let mut text = published.to_owned();
    for item in items {
        text = match item {
            Item::Headline => {
                let headline = toml::from_str::<toml::Table>(working)
                    .ok()
                    .and_then(|t| t.get("headline")?.as_str().map(str::to_owned))
                    .ok_or_else(|| ItemError::Missing(item.clone()))?;
                let mut editor = RecordEditor::parse(&text).map_err(|e| ItemError::Parse {
                    which: "published",
                    message: e.to_string(),
                })?;
                editor.set_top_text("headline", &headline);
                editor.render()
            }
            Item::Section(id) => splice(&text, working, item, &Block::Section(id))?,
            Item::Faq(id) => splice(&text, working, item, &Block::Faq(id))?,
        };
    }
    Ok(text)
}

/// The text of each `[[corrections]]` entry of a record, in order (with
/// the comment lines just above it).
pub fn correction_blocks(text: &str) -> Result<Vec<String>, ItemError> {
    let headers = headers(text, "other")?;
    Ok(headers
        .iter()
        .enumerate()
        .filter(|(_, header)| header.path == ["corrections"])
        .map(|(index, header)| {
            let end = headers.get(index + 1).map_or(text.len(), |next| next.start);
            text[header.start..end].to_owned()
        })
        .collect())
}

enum Block<'a> {
    Section(&'a str),
    Faq(&'a str),
}

/// A table header in a record: its byte span and the key path it opens.
#[derive(Debug, Clone)]
struct Header {
    /// Where the block starts: the header line, or the comment lines just
    /// above it.
    start: usize,
    path: Vec<String>,
    /// For `[[faq]]` entries, the entry's id.
    faq_id: Option<String>,
}

fn headers(text: &str, which: &'static str) -> Result<Vec<Header>, ItemError> {
    type Found = Vec<(usize, Vec<String>, Option<String>)>;
    fn walk(table: &toml_edit::Table, path: &mut Vec<String>, found: &mut Found) {
        for (key, item) in table.iter() {
            path.push(key.to_owned());
            match item {
                toml_edit::Item::Table(child) => {
                    // An implicit table (`sections` of `[sections.a]`) has no
                    // header of its own.
                    if let Some(span) = child
                        .span()
                        .filter(|s| !s.is_empty() && !child.is_implicit())
                    {
                        found.push((span.start, path.clone(), None));
                    }
                    walk(child, path, found);
                }
                toml_edit::Item::ArrayOfTables(array) => {
                    for child in array.iter() {
                        if let Some(span) = child.span().filter(|s| !s.is_empty()) {
                            let id = child.get("id").and_then(|v| v.as_str()).map(str::to_owned);
                            found.push((span.start, path.clone(), id));
                        }
                        walk(child, path, found);
                    }
                }
                _ => {}
            }
            path.pop();
        }
    }
    let document = toml_edit::Document::parse(text).map_err(|e| ItemError::Parse {
        which,
        message: e.to_string(),
    })?;
    let mut found = Found::new();
    walk(document.as_table(), &mut Vec::new(), &mut found);
    found.sort_by_key(|(start, _, _)| *start);
    Ok(found
        .into_iter()
        .map(|(at, path, faq_id)| Header {
            start: block_start(text, at),
            path,
            faq_id,
        })
        .collect())
}

impl Block<'_> {
    fn id(&self) -> &str {
        match self {
            Block::Section(id) | Block::Faq(id) => id,
        }
    }

    fn opens(&self, header: &Header) -> bool {
        match self {
            Block::Section(id) => {
                header.path.len() == 2 && header.path[0] == "sections" && header.path[1] == *id
            }
            Block::Faq(id) => {
                header.path.len() == 1
                    && header.path[0] == "faq"
                    && header.faq_id.as_deref() == Some(*id)
            }
        }
    }

    /// Whether `header` lies inside a block this kind of block opens
    /// (`[[sections.x.sources]]` inside `[sections.x]`).
    fn contains(&self, opener: &Header, header: &Header) -> bool {
        match self {
            Block::Section(_) => header.path.len() > 2 && header.path[..2] == opener.path[..2],
            Block::Faq(_) => header.path.len() > 1 && header.path[0] == "faq",
        }
    }

    /// The ids of this kind of block in `headers`, in order.
    fn siblings(&self, headers: &[Header]) -> Vec<String> {
        headers
            .iter()
            .filter_map(|h| match self {
                Block::Section(_) if h.path.len() == 2 && h.path[0] == "sections" => {
                    Some(h.path[1].clone())
                }
                Block::Faq(_) if h.path.len() == 1 && h.path[0] == "faq" => h.faq_id.clone(),
                _ => None,
            })
            .collect()
    }

    fn with_id<'b>(&self, id: &'b str) -> Block<'b> {
        match self {
            Block::Section(_) => Block::Section(id),
            Block::Faq(_) => Block::Faq(id),
        }
    }

    /// Where a block of this kind goes when none of its siblings is there:
    /// sections before the FAQ and corrections, FAQ entries before the
    /// corrections.
    fn fallback_position(&self, text: &str, headers: &[Header]) -> usize {
        let later: &[&str] = match self {
            Block::Section(_) => &["faq", "corrections"],
            Block::Faq(_) => &["corrections"],
        };
        headers
            .iter()
            .find(|h| later.contains(&h.path[0].as_str()))
            .map_or(text.len(), |h| h.start)
    }
}

/// The byte range of the block `block` opens in `text`.
fn find_block(text: &str, headers: &[Header], block: &Block<'_>) -> Option<Range<usize>> {
    let index = headers.iter().position(|h| block.opens(h))?;
    let opener = &headers[index];
    let end = headers[index + 1..]
        .iter()
        .find(|h| !block.contains(opener, h))
        .map_or(text.len(), |h| h.start);
    Some(opener.start..end)
}

/// The start of the line at `at`, moved up over comment lines directly
/// above it, which belong to the table they precede.
fn block_start(text: &str, at: usize) -> usize {
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 {
        let previous_start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        if text[previous_start..start].trim_start().starts_with('#') {
            start = previous_start;
        } else {
            break;
        }
    }
    start
}

fn splice(
    published: &str,
    working: &str,
    item: &Item,
    block: &Block<'_>,
) -> Result<String, ItemError> {
    let published_headers = headers(published, "published")?;
    let working_headers = headers(working, "working")?;
    let source = find_block(working, &working_headers, block);
    let target = find_block(published, &published_headers, block);
    let layout = |which: &'static str| ItemError::Layout {
        which,
        what: item.to_string(),
    };
    // An item that exists as a value but has no header of its own (written
    // inline) cannot be cut out safely.
    if source.is_none() && has_item(working, item) {
        return Err(layout("working"));
    }
    if target.is_none() && has_item(published, item) {
        return Err(layout("published"));
    }
    let mut result = String::with_capacity(published.len() + 1024);
    match (source, target) {
        (Some(source), Some(target)) => {
            result.push_str(&published[..target.start]);
            result.push_str(&separated(&working[source], target.end < published.len()));
            result.push_str(&published[target.end..]);
        }
        (None, Some(target)) => {
            result.push_str(&published[..target.start]);
            result.push_str(&published[target.end..]);
            if target.end == published.len() {
                // The last block went: the blank line before it goes too.
                let kept = result.trim_end_matches('\n').len();
                result.truncate(kept);
                result.push('\n');
            }
        }
        (Some(source), None) => {
            // After the nearest earlier sibling (in the working order) that
            // is published; else before the first published sibling.
            let order = block.siblings(&working_headers);
            let own = order.iter().position(|id| id == block.id());
            let earlier = own.map_or(&order[..], |own| &order[..own]);
            let published_ids = block.siblings(&published_headers);
            let at = earlier
                .iter()
                .rev()
                .find_map(|id| find_block(published, &published_headers, &block.with_id(id)))
                .map(|range| range.end)
                .or_else(|| {
                    published_ids
                        .first()
                        .and_then(|id| {
                            find_block(published, &published_headers, &block.with_id(id))
                        })
                        .map(|range| range.start)
                })
                .unwrap_or_else(|| block.fallback_position(published, &published_headers));
            let before = &published[..at];
            result.push_str(before);
            if !before.is_empty() && !before.ends_with("\n\n") {
                result.push_str(if before.ends_with('\n') { "\n" } else { "\n\n" });
            }
            result.push_str(&separated(&working[source], at < published.len()));
            result.push_str(&published[at..]);
        }
        (None, None) => return Err(ItemError::Missing(item.clone())),
    }
    Ok(result)
}

/// A block's text ending in a line break, and in a blank line when more
/// follows it.
fn separated(block: &str, more_follows: bool) -> String {
    let mut text = block.trim_end_matches('\n').to_owned();
    text.push('\n');
    if more_follows {
        text.push('\n');
    }
    text
}

fn has_item(text: &str, item: &Item) -> bool {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return false;
    };
    match item {
        Item::Headline => table.contains_key("headline"),
        Item::Section(id) => table.get("sections").and_then(|s| s.get(id)).is_some(),
        Item::Faq(id) => table
            .get("faq")
            .and_then(|f| f.as_array())
            .is_some_and(|entries| {
                entries
                    .iter()
                    .any(|e| e.get("id").and_then(|v| v.as_str()) == Some(id))
            }),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLISHED: &str = r#"#:schema ../../schemas/story.schema.json
slug = "s"
headline = "Old headline"
status = "published"

# The first section.
[sections.a]
title = "A"
body = "Published A."

[sections.b]
title = "B"
body = "Published B."

[[sections.b.sources]]
outlet = "X"
gist = "Old gist."

[[faq]]
id = "one"
question = "One?"
answer = "Published one."

[[faq]]
id = "two"
question = "Two?"
answer = "Published two."
"#;

    fn working() -> String {
        PUBLISHED
            .replace("Old headline", "New headline")
            .replace("Published A.", "Working A.")
            .replace("Old gist.", "New gist.")
            .replace("Published one.", "Working one.")
            .replace(
                "[[faq]]\nid = \"two\"",
                "[[faq]]\nid = \"new\"\nquestion = \"New?\"\nanswer = \"Added.\"\n\n[[faq]]\nid = \"two\"",
            )
    }

    #[test]
    fn one_faq_entry_changes_and_nothing_else() {
        let result = apply_items(PUBLISHED, &working(), &[Item::Faq("one".into())]).unwrap();
        assert_eq!(result, PUBLISHED.replace("Published one.", "Working one."));
    }

    #[test]
    fn a_new_faq_entry_goes_where_the_working_story_has_it() {
        let result = apply_items(PUBLISHED, &working(), &[Item::Faq("new".into())]).unwrap();
        assert_eq!(
            result,
            PUBLISHED.replace(
                "[[faq]]\nid = \"two\"",
                "[[faq]]\nid = \"new\"\nquestion = \"New?\"\nanswer = \"Added.\"\n\n[[faq]]\nid = \"two\""
            )
        );
    }

    #[test]
    fn a_section_moves_with_its_sources_and_comments() {
        let result = apply_items(PUBLISHED, &working(), &[Item::Section("b".into())]).unwrap();
        assert_eq!(result, PUBLISHED.replace("Old gist.", "New gist."));
        let result = apply_items(PUBLISHED, &working(), &[Item::Section("a".into())]).unwrap();
        assert_eq!(result, PUBLISHED.replace("Published A.", "Working A."));
    }

    #[test]
    fn removed_items_are_removed_and_the_headline_is_set() {
        let without_two = working().replace(
            "\n\n[[faq]]\nid = \"two\"\nquestion = \"Two?\"\nanswer = \"Published two.\"\n",
            "\n",
        );
        let result = apply_items(
            PUBLISHED,
            &without_two,
            &[Item::Faq("two".into()), Item::Headline],
        )
        .unwrap();
        assert_eq!(
            result,
            PUBLISHED
                .replace(
                    "\n[[faq]]\nid = \"two\"\nquestion = \"Two?\"\nanswer = \"Published two.\"\n",
                    ""
                )
                .replace("Old headline", "New headline")
        );
        assert!(toml::from_str::<toml::Table>(&result).is_ok());
    }

    #[test]
    fn missing_items_and_bad_names_are_refused() {
        assert!(matches!(
            apply_items(PUBLISHED, &working(), &[Item::Faq("nope".into())]),
            Err(ItemError::Missing(_))
        ));
        assert!("faq:Bad Id".parse::<Item>().is_err());
        assert!("sources:x".parse::<Item>().is_err());
        assert_eq!(
            "section:how-we-got-here".parse::<Item>(),
            Ok(Item::Section("how-we-got-here".into()))
        );
    }
}
