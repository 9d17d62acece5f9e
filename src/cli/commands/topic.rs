//! `lede topic new`: a topic record that stories can refer to.

use crate::cli::editing;
use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::record::draft;
use crate::record::model::TopicKind;
use crate::text::diagnostic::Severity;

/// Create a topic record in topics/.
///
/// Every value can be given as a flag; on a terminal lede asks for the
/// missing ones. The record is validated before it is written and committed
/// as "topic: <id>".
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The topic's id, which is also its file name (lower-case letters,
    /// digits and hyphens); made from the name when not given.
    #[arg(long)]
    pub id: Option<String>,

    /// The name readers see.
    #[arg(long, allow_hyphen_values = true)]
    pub name: Option<String>,

    /// What the topic is.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(TopicKind::NAMES))]
    pub kind: Option<String>,

    /// One paragraph about the topic (Markdown).
    #[arg(long, allow_hyphen_values = true)]
    pub blurb: Option<String>,

    /// Never prompt: fail, naming the missing flags, instead.
    #[arg(long)]
    pub no_input: bool,

    /// Leave the new file uncommitted.
    #[arg(long)]
    pub no_commit: bool,
}

pub fn new(ui: &Ui, ws: &Workspace, args: &NewArgs) -> Result<Outcome, CommandError> {
    let interactive = editing::can_ask(args.no_input);
    let missing: Vec<&str> = [
        (args.name.is_none(), "--name"),
        (args.kind.is_none(), "--kind"),
        (args.blurb.is_none(), "--blurb"),
    ]
    .into_iter()
    .filter_map(|(absent, flag)| absent.then_some(flag))
    .collect();
    editing::require_answers("lede topic new", &missing, interactive)?;
    let cancelled = |_| CommandError::new("cancelled; nothing was changed");
    let name = match &args.name {
        Some(name) => name.trim().to_owned(),
        None => dialoguer::Input::<String>::new()
            .with_prompt("Name")
            .interact_text()
            .map_err(cancelled)?,
    };
    let kind = match &args.kind {
        Some(kind) => kind.clone(),
        None => {
            let index = dialoguer::Select::new()
                .with_prompt("Kind")
                .items(TopicKind::NAMES)
                .default(0)
                .interact()
                .map_err(cancelled)?;
            TopicKind::NAMES[index].to_owned()
        }
    };
    let blurb = match &args.blurb {
        Some(blurb) => blurb.trim().to_owned(),
        None => dialoguer::Input::<String>::new()
            .with_prompt("Blurb (one paragraph)")
            .interact_text()
            .map_err(cancelled)?,
    };
    let id = match &args.id {
        Some(id) => id.clone(),
        None => draft::id_from(&name),
    };

    let root = ws.root()?;
    let config = ws.config()?;
    let schemas = ws.schemas()?;
    let path = format!("topics/{id}.toml");
    if root.join(&path).exists() {
        return Err(CommandError::new(format!("{path} already exists"))
            .hint("choose another --id; nothing was changed"));
    }
    let text = draft::topic_text(&id, &name, &kind, &blurb);
    let diagnostics = crate::check::validate::check_text(root, config, schemas, &path, &text)?;
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        editing::show_problems(ui, &path, &text, &diagnostics)?;
        errln!(ui, "The topic would not be valid; nothing was written.");
        return Ok(Outcome::Problems);
    }
    let commit = editing::create(
        ui,
        root,
        &[(&path, &text)],
        !args.no_commit,
        &format!("topic: {id}"),
    )?;
    if !ui.quiet {
        match commit {
            Some(commit) => outln!(ui, "topic: {id} ({})", &commit[..12.min(commit.len())])?,
            None => outln!(ui, "Wrote {path} (not committed).")?,
        }
    }
    Ok(Outcome::Success)
}
