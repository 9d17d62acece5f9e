//! The editorial workflow: which status moves are legal, how each step is
//! recorded in git, and what the history says about a story's approval.
//!
//! Every workflow step is one commit whose message ends in trailers
//! (`Lede-Action`, `Story`, `Transition`, `Actor`, ...), so the history is the
//! record of who did what: `lede log` shows it, `lede publish` reads the
//! approval from it, and `lede validate --since` checks it.
//!
//! Identities are what git records: the author name and email of a commit,
//! which anyone can set. Unless commits are signed and `require_signed` is
//! on, "distinct reviewer" means a second person who is honest about their
//! git identity, not a guarantee (docs/workflow.md).

use serde::Serialize;

use crate::git::{Git, GitError, Identity, Touch};
use crate::record::model::Status;

pub const ACTION: &str = "Lede-Action";
pub const STORY: &str = "Story";
pub const TRANSITION: &str = "Transition";
pub const ACTOR: &str = "Actor";
pub const REVISION: &str = "Revision";
pub const ITEMS: &str = "Items";
pub const APPROVED_BY: &str = "Approved-by";
/// On the published branch: the blob id of the working record a publish
/// was made from, so that an interrupted publish can be recognised.
pub const WORKING_BLOB: &str = "Working-Blob";

/// Fields that the workflow itself maintains; a change to them alone is
/// not a change of the story's content.
pub const WORKFLOW_FIELDS: [&str; 5] = ["status", "updated", "revision", "published", "embargo"];

pub fn status_name(status: Status) -> &'static str {
    match status {
        Status::Draft => "draft",
        Status::InReview => "in_review",
        Status::Approved => "approved",
        Status::Published => "published",
        Status::Retracted => "retracted",
    }
}

pub fn parse_status(name: &str) -> Option<Status> {
    Some(match name {
        "draft" => Status::Draft,
        "in_review" => Status::InReview,
        "approved" => Status::Approved,
        "published" => Status::Published,
        "retracted" => Status::Retracted,
        _ => return None,
    })
}

/// The moves out of a status, with the command that makes each.
pub fn legal_moves(from: Status) -> &'static [(Status, &'static str)] {
    match from {
        Status::Draft => &[(Status::InReview, "lede submit")],
        Status::InReview => &[
            (Status::Approved, "lede approve"),
            (Status::Draft, "lede reject"),
        ],
        Status::Approved => &[
            (Status::Published, "lede publish"),
            (Status::Draft, "any edit"),
        ],
        Status::Published => &[
            (Status::Retracted, "lede retract"),
            (Status::Draft, "any edit"),
        ],
        Status::Retracted => &[],
    }
}

/// Whether `from → to` is a legal move; the error names the legal ones.
pub fn check_move(from: Status, to: Status) -> Result<(), String> {
    if legal_moves(from).iter().any(|(next, _)| *next == to) {
        return Ok(());
    }
    let legal: Vec<String> = legal_moves(from)
        .iter()
        .map(|(next, command)| format!("{} ({command})", status_name(*next)))
        .collect();
    let legal = if legal.is_empty() {
        "none: a retracted story stays retracted".to_owned()
    } else {
        legal.join(", ")
    };
    Err(format!(
        "a story cannot go from {} to {}; from {} it can go to: {legal}",
        status_name(from),
        status_name(to),
        status_name(from)
    ))
}

/// A commit message: subject, optional body, then trailers.
pub fn message(subject: &str, body: Option<&str>, trailers: &[(&str, String)]) -> String {
    let mut text = subject.to_owned();
    if let Some(body) = body.map(str::trim).filter(|body| !body.is_empty()) {
        text.push_str("\n\n");
        text.push_str(body);
    }
    text.push_str("\n\n");
    for (key, value) in trailers {
        // A trailer is one line; a value with a line break would end it.
        let value = value.replace(['\n', '\r'], " ");
        text.push_str(&format!("{key}: {value}\n"));
    }
    text
}

/// The `Key: value` lines of a message's last paragraph, as git's
/// `interpret-trailers` reads them.
pub fn trailers(message: &str) -> Vec<(String, String)> {
    let Some((_, last)) = message.trim_end().rsplit_once("\n\n") else {
        return Vec::new();
    };
    let parsed: Option<Vec<(String, String)>> = last
        .lines()
        .map(|line| {
            let (key, value) = line.split_once(": ")?;
            let is_token =
                !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            is_token.then(|| (key.to_owned(), value.trim().to_owned()))
        })
        .collect();
    parsed.unwrap_or_default()
}

pub fn trailer<'a>(trailers: &'a [(String, String)], key: &str) -> Option<&'a str> {
    trailers
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// A record's content: the table without the fields the workflow maintains.
/// `None` when the text is not a TOML table.
pub fn content(text: &str) -> Option<toml::Table> {
    let mut table: toml::Table = toml::from_str(crate::text::source::strip_bom(text)).ok()?;
    for field in WORKFLOW_FIELDS {
        table.remove(field);
    }
    Some(table)
}

pub fn same_content(a: &str, b: &str) -> bool {
    matches!((content(a), content(b)), (Some(a), Some(b)) if a == b)
}

/// What a story's history says about its review since it was last
/// published.
#[derive(Debug, Default, Serialize)]
pub struct Review {
    /// The newest approval, if the story was approved since its last
    /// publish.
    pub approval: Option<Approval>,
    /// Everyone who changed the story's content since its last publish.
    pub content_authors: Vec<Identity>,
    /// When the story was last submitted for review (seconds since 1970).
    pub submitted_at: Option<i64>,
    /// The revision last published from the working branch.
    pub last_revision: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub commit: String,
    pub approver: Identity,
    pub time: i64,
    /// The record as approved.
    #[serde(skip)]
    pub text: String,
}

impl serde::Serialize for Identity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Reads a story's history on the working branch, newest first, back to its
/// last publish.
pub fn review(git: &Git, start: &str, slug: &str) -> Result<Review, GitError> {
    review_at(git, start, slug, None)
}

/// `review`, with the story's path at `start` when it is known.
pub fn review_at(
    git: &Git,
    start: &str,
    slug: &str,
    path: Option<&str>,
) -> Result<Review, GitError> {
    // The walk stops at the last whole publish: nothing older counts.
    let touches = git.history_while(
        start,
        "stories",
        &format!("{slug}.toml"),
        path,
        &mut |touch| {
            let trailers = trailers(&touch.commit.message);
            !(trailer(&trailers, ACTION) == Some("publish")
                && trailer(&trailers, ITEMS).is_none_or(|items| items == "all"))
        },
    )?;
    review_from(git, &touches)
}

fn text_of(git: &Git, file: &Option<crate::git::FileRef>) -> Option<String> {
    let blob = file.as_ref()?.blob.as_ref()?;
    String::from_utf8(git.read_blob(blob).ok()?).ok()
}

pub fn review_from(git: &Git, touches: &[Touch]) -> Result<Review, GitError> {
    let mut review = Review::default();
    for touch in touches {
        let trailers = trailers(&touch.commit.message);
        let action = trailer(&trailers, ACTION);
        if action == Some("publish") {
            review.last_revision = review
                .last_revision
                .or_else(|| trailer(&trailers, REVISION).and_then(|r| r.parse().ok()));
            // After publishing single items, the rest of the approved
            // version still waits: its approval and authors still count.
            if trailer(&trailers, ITEMS).is_none_or(|items| items == "all") {
                break;
            }
            continue;
        }
        let old = text_of(git, &touch.old);
        let new = text_of(git, &touch.new);
        if review.approval.is_none() && action == Some("approve") {
            review.approval = Some(Approval {
                commit: touch.commit.id.clone(),
                approver: touch.commit.author.clone(),
                time: touch.commit.time,
                text: new.clone().unwrap_or_default(),
            });
        }
        if review.submitted_at.is_none() && action == Some("submit") {
            review.submitted_at = Some(touch.commit.time);
        }
        let changed_content = match (&old, &new) {
            (Some(old), Some(new)) => !same_content(old, new),
            (None, Some(_)) => true,
            _ => false,
        };
        if changed_content {
            for writer in writers(&touch.commit.author, &touch.commit.message) {
                if !review
                    .content_authors
                    .iter()
                    .any(|a| same_person(a, &writer))
                {
                    review.content_authors.push(writer);
                }
            }
        }
    }
    Ok(review)
}

/// Who wrote what a commit brings: its author, or, for a squash that git
/// made (`git merge --squash` keeps "Squashed commit of the following:"
/// and each squashed commit's `Author:` line), the authors of the squashed
/// commits; plus anyone named in a `Co-authored-by` trailer, as hosting
/// sites write them on squash merges.
pub fn writers(author: &Identity, message: &str) -> Vec<Identity> {
    let mut writers = Vec::new();
    if message.starts_with("Squashed commit of the following:") {
        writers.extend(
            message
                .lines()
                .filter_map(|line| line.strip_prefix("Author: "))
                .filter_map(parse_identity),
        );
    }
    if writers.is_empty() {
        writers.push(author.clone());
    }
    writers.extend(
        trailers(message)
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case("Co-authored-by"))
            .filter_map(|(_, value)| parse_identity(value)),
    );
    writers
}

/// `Name <email>` as git writes a person.
fn parse_identity(text: &str) -> Option<Identity> {
    let (name, rest) = text.trim().rsplit_once('<')?;
    let email = rest.strip_suffix('>')?.trim();
    (!email.is_empty()).then(|| Identity {
        name: name.trim().to_owned(),
        email: email.to_owned(),
    })
}

/// Two identities are one person when their emails match (case aside).
pub fn same_person(a: &Identity, b: &Identity) -> bool {
    a.email.eq_ignore_ascii_case(&b.email)
}

/// The workflow rules for the commits after `since` up to `head`, for a
/// pull request's CI: status moves are legal (a story reaches `published`
/// only from `approved`, in a publish commit), a published story's content
/// is not changed while it stays published, and corrections are only ever
/// appended. One diagnostic per broken rule, naming the commit.
pub fn check_history(
    git: &Git,
    since: &str,
    head: &str,
) -> Result<Vec<crate::text::diagnostic::Diagnostic>, GitError> {
    use crate::text::diagnostic::{Code, Diagnostic};
    let mut diagnostics = Vec::new();
    for (commit, parent) in git.range(since, head)? {
        if commit.parents > 1 {
            // A merge's changes are checked in the commits it brings in.
            continue;
        }
        let deltas = match &parent {
            Some(parent) => git.changed_files(parent, Some(&commit.id), &["stories/"])?,
            None => git
                .files_at(&commit.id, "stories/")?
                .into_iter()
                .map(|path| crate::git::FileDelta {
                    old: None,
                    new: Some(crate::git::FileRef { path, blob: None }),
                })
                .collect(),
        };
        let action = trailer(&trailers(&commit.message), ACTION).map(str::to_owned);
        let short = &commit.id[..12];
        let subject = commit.message.lines().next().unwrap_or_default();
        let read = |file: &Option<crate::git::FileRef>| -> Option<String> {
            let file = file.as_ref()?;
            let bytes = match &file.blob {
                Some(blob) => git.read_blob(blob).ok()?,
                None => git.read_file_at(&commit.id, &file.path).ok()??,
            };
            String::from_utf8(bytes).ok()
        };
        for delta in deltas {
            let Some(new_file) = &delta.new else { continue };
            if crate::record::collection::Collection::of(std::path::Path::new(&new_file.path))
                != Some(crate::record::collection::Collection::Story)
            {
                continue;
            }
            let path = new_file.path.clone();
            let Some(new_text) = read(&delta.new) else {
                continue;
            };
            let old_text = read(&delta.old);
            let status_of = |text: &str| -> Option<Status> {
                let table: toml::Table =
                    toml::from_str(crate::text::source::strip_bom(text)).ok()?;
                parse_status(table.get("status")?.as_str()?)
            };
            let Some(new_status) = status_of(&new_text) else {
                continue;
            };
            let at = format!("commit {short} ({subject})");
            let Some(old_text) = old_text else {
                if !matches!(new_status, Status::Draft | Status::InReview) {
                    diagnostics.push(
                        Diagnostic::new(&path, Code::IllegalTransition, format!("{at} adds the story as {}", status_name(new_status)))
                            .hint("a new story starts as a draft and is submitted, approved and published with lede"),
                    );
                }
                continue;
            };
            let Some(old_status) = status_of(&old_text) else {
                continue;
            };
            let content_changed = !same_content(&old_text, &new_text);
            if old_status != new_status {
                let back_to_draft = new_status == Status::Draft && old_status != Status::Retracted;
                let published_by_lede = new_status != Status::Published
                    || (old_status == Status::Approved && action.as_deref() == Some("publish"));
                if !(back_to_draft
                    || check_move(old_status, new_status).is_ok() && published_by_lede)
                {
                    let why = check_move(old_status, new_status).err().unwrap_or_else(|| {
                        "a story is published only by `lede publish`".to_owned()
                    });
                    diagnostics.push(
                        Diagnostic::new(
                            &path,
                            Code::IllegalTransition,
                            format!(
                                "{at} moves the story from {} to {}",
                                status_name(old_status),
                                status_name(new_status)
                            ),
                        )
                        .hint(why),
                    );
                }
            } else if new_status == Status::Published && content_changed {
                diagnostics.push(
                    Diagnostic::new(&path, Code::PublishedEdited, format!("{at} changes the published story and keeps it published"))
                        .hint("an edit of a published story sends it back to draft (lede's edit commands do this); set status = \"draft\""),
                );
            }
            if let Err(change) = crate::record::integrity::corrections_kept(&old_text, &new_text) {
                diagnostics.push(
                    Diagnostic::new(
                        &path,
                        Code::CorrectionRewritten,
                        format!("{at} {change}"),
                    )
                    .hint("corrections are appended, never rewritten: add a new one with `lede correct`"),
                );
            }
        }
    }
    Ok(diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_squash_is_written_by_the_squashed_commits_authors_and_co_authors() {
        let bo = Identity {
            name: "Bo Desk".to_owned(),
            email: "bo@example.org".to_owned(),
        };
        let emails = |message: &str| -> Vec<String> {
            writers(&bo, message).into_iter().map(|w| w.email).collect()
        };
        assert_eq!(emails("Tighten the opening\n"), ["bo@example.org"]);
        let squash = "Squashed commit of the following:\n\ncommit 1f2e\nAuthor: Ada Reporter <ada@example.org>\nDate:   Sat Nov 8 12:00:00 2025 +0000\n\n    Tighten the opening\n\ncommit 3a4b\nAuthor: Cy Chief <cy@example.org>\nDate:   Sat Nov 8 12:05:00 2025 +0000\n\n    Add a source\n";
        assert_eq!(emails(squash), ["ada@example.org", "cy@example.org"]);
        assert_eq!(
            emails(
                "Tighten the opening (#12)\n\n* Add a source\n\nCo-authored-by: Cy Chief <cy@example.org>\n"
            ),
            ["bo@example.org", "cy@example.org"]
        );
        // An `Author:` line outside a squash message is just text.
        assert_eq!(
            emails("Quote fixed\n\nAuthor: of the quote\n"),
            ["bo@example.org"]
        );
    }

    #[test]
    fn illegal_moves_name_the_legal_ones() {
        assert!(check_move(Status::Draft, Status::InReview).is_ok());
        assert_eq!(
            check_move(Status::Draft, Status::Published).unwrap_err(),
            "a story cannot go from draft to published; from draft it can go to: in_review (lede submit)"
        );
        assert_eq!(
            check_move(Status::InReview, Status::Published).unwrap_err(),
            "a story cannot go from in_review to published; from in_review it can go to: approved (lede approve), draft (lede reject)"
        );
        assert!(
            check_move(Status::Retracted, Status::Draft)
                .unwrap_err()
                .contains("stays retracted")
        );
    }

    #[test]
    fn messages_end_in_trailers_that_read_back() {
        let text = message(
            "reject: s",
            Some("Needs a second source.\nAnd a date."),
            &[
                (ACTION, "reject".into()),
                (STORY, "s".into()),
                (ACTOR, "Bo <bo@x>".into()),
            ],
        );
        assert_eq!(
            text,
            "reject: s\n\nNeeds a second source.\nAnd a date.\n\nLede-Action: reject\nStory: s\nActor: Bo <bo@x>\n"
        );
        let read = trailers(&text);
        assert_eq!(trailer(&read, "lede-action"), Some("reject"));
        assert_eq!(trailer(&read, ACTOR), Some("Bo <bo@x>"));
    }

    #[test]
    fn trailers_come_from_the_last_paragraph_only() {
        assert!(trailers("subject only").is_empty());
        assert!(trailers("subject\n\nA paragraph that: is prose\nand goes on").is_empty());
        let value_with_newline = message("s", None, &[(STORY, "a\nb".into())]);
        assert_eq!(trailer(&trailers(&value_with_newline), STORY), Some("a b"));
    }

    #[test]
    fn workflow_fields_are_not_content() {
        let a = "status = \"approved\"\nupdated = 2025-01-01T00:00:00Z\nheadline = \"H\"\n";
        let b = "status = \"published\"\nupdated = 2025-02-01T00:00:00Z\nrevision = 2\nheadline = \"H\"\n";
        assert!(same_content(a, b));
        assert!(!same_content(a, &b.replace("\"H\"", "\"H2\"")));
    }
}
