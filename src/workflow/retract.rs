//! Who may retract a story, and with what reason. A retraction removes a
//! story from the public side, so with `distinct_reviewer` on it takes two
//! people: one asks (a commit on the working branch that changes no file),
//! a second carries it out; an editor listed in lede.toml acts alone.

use crate::git::{Git, GitError, Identity};
use crate::newsroom::config::WorkflowConfig;
use crate::workflow::states::{self, ACTION, ACTOR, STORY, same_person, trailer, trailers};

/// The trailer on a retraction naming who asked for it.
pub const REQUESTED_BY: &str = "Requested-by";
/// The reason, on the request commit: one line, read back exactly.
pub const REASON: &str = "Reason";

/// A retraction someone asked for that nobody has carried out yet.
#[derive(Debug, Clone)]
pub struct Request {
    pub commit: String,
    pub by: Identity,
    pub time: i64,
    pub reason: String,
}

/// What a `lede retract` does.
#[derive(Debug)]
pub enum Decision {
    /// Retract now, alone: `distinct_reviewer` is off, or the actor is an
    /// editor.
    Alone,
    /// Record the request for a second person.
    Ask,
    /// Carry out another person's request.
    Confirm(Request),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RetractRefusal {
    #[error(
        "you asked for this retraction yourself; a second person carries it out (distinct_reviewer is on)"
    )]
    OwnRequest,
    #[error(
        "{by} asked for this retraction with another reason: \"{requested}\"; carry it out with that reason (leave out --reason), or agree on one text"
    )]
    OtherReason { by: String, requested: String },
    #[error("{0}")]
    Reason(String),
}

/// A reason readers will see: a whole sentence, at least three words ending
/// in a full stop, question or exclamation mark.
pub fn check_reason(reason: &str) -> Result<(), String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("a retraction needs a reason".to_owned());
    }
    let words = reason.split_whitespace().count();
    // Chinese and Japanese write a sentence without spaces.
    let unspaced_script = reason
        .chars()
        .any(|c| ('\u{2E80}'..='\u{9FFF}').contains(&c));
    let words = if unspaced_script {
        words.max(reason.chars().count() / 2)
    } else {
        words
    };
    let last = reason
        .trim_end_matches(['"', '\'', '”', '’', ')', '»'])
        .chars()
        .last();
    let ends_a_sentence = matches!(last, Some('.' | '!' | '?' | '。' | '？' | '！' | '؟' | '।'));
    if words < 3 || !ends_a_sentence {
        return Err(format!(
            "the reason \"{reason}\" is not a full sentence; readers see it in place of the story"
        ));
    }
    Ok(())
}

/// Decides what `actor`'s retraction does, given the open request, if any,
/// and the reason given on the command line, if any.
pub fn decide(
    workflow: &WorkflowConfig,
    actor: &Identity,
    pending: Option<Request>,
    reason: Option<&str>,
) -> Result<Decision, RetractRefusal> {
    let check = |reason: Option<&str>| {
        check_reason(reason.unwrap_or_default()).map_err(RetractRefusal::Reason)
    };
    match pending {
        Some(request) if workflow.distinct_reviewer => {
            if same_person(&request.by, actor) && !workflow.is_editor(&actor.email) {
                return Err(RetractRefusal::OwnRequest);
            }
            if let Some(reason) = reason
                && one_line(reason) != one_line(&request.reason)
            {
                return Err(RetractRefusal::OtherReason {
                    by: request.by.to_string(),
                    requested: request.reason,
                });
            }
            Ok(Decision::Confirm(request))
        }
        _ => {
            check(reason)?;
            if !workflow.distinct_reviewer || workflow.is_editor(&actor.email) {
                Ok(Decision::Alone)
            } else {
                Ok(Decision::Ask)
            }
        }
    }
}

/// The newest retraction request for `slug` on the working branch since
/// the story was last published or retracted, if it is still open.
pub fn pending_request(git: &Git, head: &str, slug: &str) -> Result<Option<Request>, GitError> {
    // The newest commit that published or retracted the story bounds the
    // search: a request made before it was answered, or overtaken.
    let touches = git.history_while(head, "stories", &format!("{slug}.toml"), None, &mut |t| {
        let trailers = trailers(&t.commit.message);
        !matches!(trailer(&trailers, ACTION), Some("publish" | "retract"))
    })?;
    let Some(bound) = touches.last().filter(|touch| {
        let trailers = trailers(&touch.commit.message);
        matches!(trailer(&trailers, ACTION), Some("publish" | "retract"))
    }) else {
        return Ok(None);
    };
    let mut newest = None;
    for (commit, _) in git.range(&bound.commit.id, head)? {
        let trailers = trailers(&commit.message);
        if trailer(&trailers, ACTION) == Some("retract-request")
            && trailer(&trailers, STORY) == Some(slug)
        {
            newest = Some(Request {
                reason: trailer(&trailers, REASON).unwrap_or_default().to_owned(),
                commit: commit.id,
                by: commit.author,
                time: commit.time,
            });
        }
    }
    Ok(newest)
}

/// The message of a request commit.
pub fn request_message(slug: &str, reason: &str, actor: &Identity) -> String {
    states::message(
        &format!("retract (requested): {slug}"),
        Some(reason),
        &[
            (ACTION, "retract-request".to_owned()),
            (STORY, slug.to_owned()),
            (REASON, one_line(reason)),
            (ACTOR, actor.to_string()),
        ],
    )
}

/// The reason with its line breaks and runs of spaces made single spaces,
/// as the tombstone and the request's trailer hold it.
pub fn one_line(reason: &str) -> String {
    reason.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(email: &str) -> Identity {
        Identity {
            name: email.split('@').next().unwrap_or_default().to_owned(),
            email: email.to_owned(),
        }
    }

    const REASON: &str = "The central claim could not be verified.";

    fn request(by: &str) -> Request {
        Request {
            commit: "c0ffee".to_owned(),
            by: person(by),
            time: 0,
            reason: REASON.to_owned(),
        }
    }

    #[test]
    fn a_reason_is_a_whole_sentence() {
        assert!(check_reason(REASON).is_ok());
        assert!(check_reason("Fabricated quotes were found!").is_ok());
        assert!(check_reason("“The interview never took place.”").is_ok());
        assert!(check_reason("报道的核心内容无法核实。").is_ok());
        for bad in ["", "   ", "x", "wrong", "Legal reasons", "Not verified."] {
            assert!(check_reason(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn with_distinct_reviewer_one_person_asks_and_another_carries_it_out() {
        let workflow = WorkflowConfig::default();
        let ada = person("ada@example.org");
        let bo = person("Bo@Example.org");
        assert!(matches!(
            decide(&workflow, &ada, None, Some(REASON)),
            Ok(Decision::Ask)
        ));
        assert_eq!(
            decide(&workflow, &ada, Some(request("ada@example.org")), None).err(),
            Some(RetractRefusal::OwnRequest)
        );
        assert!(matches!(
            decide(&workflow, &bo, Some(request("ada@example.org")), None),
            Ok(Decision::Confirm(_))
        ));
        assert!(matches!(
            decide(
                &workflow,
                &bo,
                Some(request("ada@example.org")),
                Some(REASON)
            ),
            Ok(Decision::Confirm(_))
        ));
        assert!(matches!(
            decide(
                &workflow,
                &bo,
                Some(request("ada@example.org")),
                Some("Something else entirely happened.")
            ),
            Err(RetractRefusal::OtherReason { .. })
        ));
        assert!(matches!(
            decide(&workflow, &ada, None, Some("oops")),
            Err(RetractRefusal::Reason(_))
        ));
    }

    #[test]
    fn an_editor_or_a_newsroom_without_distinct_reviewer_retracts_alone() {
        let mut workflow = WorkflowConfig {
            editors: vec!["Cy Chief <CY@example.org>".to_owned()],
            ..WorkflowConfig::default()
        };
        let cy = person("cy@example.org");
        assert!(matches!(
            decide(&workflow, &cy, None, Some(REASON)),
            Ok(Decision::Alone)
        ));
        assert!(matches!(
            decide(&workflow, &cy, Some(request("cy@example.org")), None),
            Ok(Decision::Confirm(_))
        ));
        workflow.distinct_reviewer = false;
        assert!(matches!(
            decide(&workflow, &person("ada@example.org"), None, Some(REASON)),
            Ok(Decision::Alone)
        ));
        assert!(matches!(
            decide(&workflow, &person("ada@example.org"), None, None),
            Err(RetractRefusal::Reason(_))
        ));
    }
}
