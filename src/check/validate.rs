//! `lede validate`'s engine: every check on every record, in parallel, with
//! every problem located.
//!
//! Each file is read, parsed and checked on its own (rayon), and then dropped:
//! what survives a file is its diagnostics and its slug, the one fact the
//! cross-record rules need that a directory listing cannot give. Topic
//! references are checked against the names of the files in `topics/`, which
//! the walk already knows, so memory stays small on an archive of hundreds of
//! thousands of stories.
//!
//! When paths are given, only those files are read; the rest of the
//! repository takes part in the cross-record rules through its file names
//! (a story's slug must equal its file stem, which is checked whenever that
//! story is validated itself).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
use toml::de::DeValue;

use crate::check::schema::{Schemas, closest};
use crate::newsroom::config::Config;
use crate::newsroom::layout::{self, Entry, EntryKind, RepoError};
use crate::record::collection::Collection;
use crate::record::conflict;
use crate::record::document::{self, Document, Step, display_path};
use crate::text::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::text::source::{LineIndex, Position, strip_bom, tidy_span};

/// The shape of a slug or id lives with the record model, where the
/// splicer of `lede publish --only` needs it too; callers here keep it.
pub use crate::record::model::is_valid_id;

/// Which files to check.
pub enum Targets {
    /// Every record in the repository.
    All,
    /// These paths (files or directories), relative to `cwd`.
    Paths { cwd: PathBuf, paths: Vec<PathBuf> },
}

pub struct Report {
    /// Sorted by file, then position. Diagnostics whose configured level is
    /// `allow` are not included.
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    pub fn has_warnings(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
    }
}

/// Most diagnostics of one kind reported for one file, so that a file full of
/// stray characters does not bury everything else.
const MAX_PER_KIND_PER_FILE: usize = 20;

/// Checks the records. `on_file` is called once per file checked, from any
/// thread, for progress reporting; `on_start` first, with the number of files.
pub fn validate(
    root: &Path,
    config: &Config,
    schemas: &Schemas,
    targets: Targets,
    on_start: &dyn Fn(usize),
    on_file: &(dyn Fn() + Sync),
) -> Result<Report, RepoError> {
    let all = layout::walk_records(root)?;
    let named;
    let named_paths = matches!(targets, Targets::Paths { .. });
    let selected: &[Entry] = match targets {
        Targets::All => &all,
        Targets::Paths { cwd, paths } => {
            named = layout::resolve_paths(root, &cwd, &paths)?;
            &named
        }
    };
    on_start(selected.len());

    let topic_ids: HashSet<&str> = all
        .iter()
        .filter(|entry| entry.kind == EntryKind::Record(Collection::Topic))
        .map(Entry::stem)
        .collect();
    let context = Context {
        config,
        schemas,
        topic_ids: &topic_ids,
    };

    let results: Vec<FileResult> = selected
        .par_iter()
        .map(|entry| {
            let result = check_entry(entry, &context);
            on_file();
            result
        })
        .collect();

    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut holders: Vec<SlugHolder<'_>> = Vec::with_capacity(all.len());
    for (entry, result) in selected.iter().zip(results) {
        diagnostics.extend(result.diagnostics);
        if let Some(slug) = result.slug {
            holders.push(SlugHolder {
                slug: Cow::Owned(slug.value),
                file: &entry.display,
                read: true,
                location: slug.location,
            });
        }
    }
    if named_paths {
        // Stories not read in this run take part by their file names.
        let read: HashSet<&str> = selected.iter().map(|e| e.display.as_str()).collect();
        holders.extend(
            all.iter()
                .filter(|entry| entry.kind == EntryKind::Record(Collection::Story))
                .filter(|entry| !read.contains(entry.display.as_str()))
                .map(|entry| SlugHolder {
                    slug: Cow::Borrowed(entry.stem()),
                    file: &entry.display,
                    read: false,
                    location: None,
                }),
        );
    }
    diagnostics.extend(duplicate_slugs(holders));

    diagnostics.retain_mut(|diagnostic| {
        diagnostic.severity = config.level(diagnostic.code);
        diagnostic.severity != Severity::Allow
    });
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Report {
        diagnostics,
        files_checked: selected.len(),
    })
}

/// A story's slug and where it comes from: kept for every story of the
/// run, so it is small (the location only exists for stories read here).
struct SlugHolder<'a> {
    slug: Cow<'a, str>,
    file: &'a str,
    /// Read in this run: only these are reported.
    read: bool,
    location: Option<Box<Location>>,
}

fn duplicate_slugs(mut holders: Vec<SlugHolder<'_>>) -> Vec<Diagnostic> {
    holders.sort_unstable_by(|a, b| (&a.slug, a.file).cmp(&(&b.slug, b.file)));
    let mut out = Vec::new();
    for group in holders.chunk_by(|a, b| a.slug == b.slug) {
        if group.len() < 2 {
            continue;
        }
        for holder in group.iter().filter(|holder| holder.read) {
            let others: Vec<&str> = group
                .iter()
                .map(|other| other.file)
                .filter(|other| *other != holder.file)
                .collect();
            let mut diagnostic = Diagnostic::new(
                holder.file,
                Code::DuplicateSlug,
                format!(
                    "the slug `{}` is also used by {}",
                    holder.slug,
                    others.join(", ")
                ),
            )
            .label("used by another story too")
            .hint("slugs are the stories' addresses and must be unique; rename one of the stories")
            .pointer("/slug");
            if let Some(location) = &holder.location {
                diagnostic = diagnostic.at((**location).clone());
            }
            out.push(diagnostic);
        }
    }
    out
}

struct Context<'a> {
    config: &'a Config,
    schemas: &'a Schemas,
    topic_ids: &'a HashSet<&'a str>,
}

struct SlugFact {
    value: String,
    location: Option<Box<Location>>,
}

#[derive(Default)]
struct FileResult {
    diagnostics: Vec<Diagnostic>,
    slug: Option<SlugFact>,
}

fn check_entry(entry: &Entry, context: &Context<'_>) -> FileResult {
    let file = entry.display.as_str();
    let problem = |code: Code, message: String, hint: &str| FileResult {
        diagnostics: vec![Diagnostic::new(file, code, message).hint(hint)],
        slug: None,
    };
    match &entry.kind {
        EntryKind::Symlink => problem(
            Code::Symlink,
            format!("{file} is a symbolic link; lede does not follow links among records"),
            "replace the link with the file it points to",
        ),
        EntryKind::Outside => problem(
            Code::Symlink,
            format!("{file} is outside the repository"),
            "only records inside the repository can be validated",
        ),
        EntryKind::NotAFile => problem(
            Code::NotAFile,
            if entry.path.is_dir() {
                format!("{file} is a directory, not a record file")
            } else {
                format!("{file} is not a regular file")
            },
            "rename it so that its name does not end in .toml",
        ),
        EntryKind::NotARecord => problem(
            Code::NotARecord,
            format!("{file} is not a record: lede checks stories/**/*.toml and topics/*.toml"),
            "move it into stories/ or topics/, or leave it out of the paths to check",
        ),
        EntryKind::Record(collection) => check_record(entry, *collection, context),
    }
}

fn check_record(entry: &Entry, collection: Collection, context: &Context<'_>) -> FileResult {
    let file = entry.display.as_str();
    let stem_fact = || {
        Some(SlugFact {
            value: entry.stem().to_owned(),
            location: None,
        })
    };
    let max_size = context.config.validate.max_file_size;
    let bytes = match read_capped(&entry.path, max_size) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return FileResult {
                diagnostics: vec![
                    Diagnostic::new(
                        file,
                        Code::TooLarge,
                        format!("{file} is larger than {max_size} bytes and was not read"),
                    )
                    .hint("records are limited by `validate.max_file_size` in lede.toml; split the story or raise the limit"),
                ],
                slug: stem_fact(),
            };
        }
        Err(error) => {
            return FileResult {
                diagnostics: vec![
                    Diagnostic::new(
                        file,
                        Code::Unreadable,
                        format!("cannot read {file}: {error}"),
                    )
                    .hint("check the file's permissions"),
                ],
                slug: stem_fact(),
            };
        }
    };
    check_bytes(entry, collection, context, &bytes)
}

/// Every check of one record whose bytes are at hand.
fn check_bytes(
    entry: &Entry,
    collection: Collection,
    context: &Context<'_>,
    bytes: &[u8],
) -> FileResult {
    let file = entry.display.as_str();
    let stem_fact = || {
        Some(SlugFact {
            value: entry.stem().to_owned(),
            location: None,
        })
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let offset = prefix.len();
            let position = LineIndex::new(prefix).position(prefix, offset);
            let location = Location {
                span: offset..offset,
                start: position,
                end: position,
            };
            return FileResult {
                diagnostics: vec![
                    Diagnostic::new(
                        file,
                        Code::NotUtf8,
                        format!(
                            "{file} is not valid UTF-8: byte {offset} starts an invalid sequence"
                        ),
                    )
                    .at(location)
                    .hint("save the file as UTF-8 in your editor"),
                ],
                slug: stem_fact(),
            };
        }
    };
    let text = strip_bom(text);
    let conflicts = conflict::hunks(text);
    if !conflicts.is_empty() {
        // The markers make the file a TOML syntax error in many places; the
        // one problem to fix is the conflict.
        return FileResult {
            diagnostics: vec![conflict_diagnostic(file, text, &conflicts)],
            slug: stem_fact(),
        };
    }
    let mut checker = RecordChecker {
        file,
        text,
        index: OnceLock::new(),
        diagnostics: Vec::new(),
    };
    let strings_need_check = checker.scan_source();
    let document = match Document::parse(text) {
        Ok(document) => document,
        Err(errors) => {
            checker.syntax(&errors);
            return FileResult {
                diagnostics: checker.diagnostics,
                slug: stem_fact(),
            };
        }
    };
    checker.schema_directive(entry, collection);
    if strings_need_check {
        checker.escaped_characters(&document);
    }
    let schema = context.schemas.get(collection);
    if !schema.is_valid(&document) {
        for problem in schema.problems(&document, text) {
            let diagnostic = Diagnostic::new(file, problem.code, problem.message)
                .maybe_hint(problem.hint)
                .pointer(problem.pointer);
            let diagnostic = match problem.label {
                Some(label) => diagnostic.label(label),
                None => diagnostic,
            };
            checker.push(diagnostic, problem.span);
        }
    }
    let slug = checker.id_matches_file(&document, entry, collection);
    if collection == Collection::Story {
        checker.faq_ids_unique(&document);
        checker.topics_resolve(&document, context.topic_ids);
        checker.created_before_updated(&document);
        checker.desk_known(&document, &context.config.newsroom.desks);
    }
    FileResult {
        diagnostics: checker.diagnostics,
        slug: Some(slug.unwrap_or_else(|| SlugFact {
            value: entry.stem().to_owned(),
            location: None,
        })),
    }
}

/// "unresolved conflict in <file>", at the first conflict marker, with the
/// parts of the story the conflicting blocks touch.
fn conflict_diagnostic(file: &str, text: &str, conflicts: &[conflict::Hunk]) -> Diagnostic {
    let first = &conflicts[0];
    let index = LineIndex::new(text);
    let marker_end = text[first.span.clone()]
        .find('\n')
        .map_or(first.span.end, |end| first.span.start + end);
    let location = Location {
        span: first.span.start..marker_end,
        start: index.position(text, first.span.start),
        end: index.position(text, marker_end),
    };
    Diagnostic::new(
        file,
        Code::Conflict,
        format!(
            "unresolved conflict in {file}: {}",
            conflict::summary(conflicts)
        ),
    )
    .at(location)
    .hint(format!(
        "in each block keep the text you want and delete the <<<<<<<, ======= and >>>>>>> lines, then `git add {file}`"
    ))
}

/// L007 for each file git's index holds unmerged that `diagnostics` do not
/// already name as a conflict (its markers are gone, or it was deleted on
/// one side).
pub fn unmerged_diagnostics(
    diagnostics: &[Diagnostic],
    unmerged: Vec<crate::newsroom::conflicts::Unresolved>,
) -> Vec<Diagnostic> {
    unmerged
        .into_iter()
        .filter(|conflict| {
            !diagnostics
                .iter()
                .any(|d| d.code == Code::Conflict && d.file == conflict.path)
        })
        .map(|conflict| Diagnostic::new(&conflict.path, Code::Conflict, conflict.to_string()))
        .collect()
}

/// Checks a record's new text before it is written: everything `validate`
/// checks for that file, against the rest of the repository as it is now.
/// `relative` is the path the text will be written to.
pub fn check_text(
    root: &Path,
    config: &Config,
    schemas: &Schemas,
    relative: &str,
    text: &str,
) -> Result<Vec<Diagnostic>, RepoError> {
    let topics = KnownTopics::read(root)?;
    Ok(check_text_against(
        root, config, schemas, &topics, relative, text,
    ))
}

/// The topic ids of a repository (the file names in `topics/`), read once
/// for a command that checks many texts, such as the `lede new` dialogue.
pub struct KnownTopics(HashSet<String>);

impl KnownTopics {
    pub fn read(root: &Path) -> Result<KnownTopics, RepoError> {
        Ok(KnownTopics(
            layout::walk_topics(root)?
                .iter()
                .filter(|entry| entry.kind == EntryKind::Record(Collection::Topic))
                .map(|entry| entry.stem().to_owned())
                .collect(),
        ))
    }
}

/// `check_text` against topics already read.
pub fn check_text_against(
    root: &Path,
    config: &Config,
    schemas: &Schemas,
    topics: &KnownTopics,
    relative: &str,
    text: &str,
) -> Vec<Diagnostic> {
    let topic_ids: HashSet<&str> = topics.0.iter().map(String::as_str).collect();
    let collection = Collection::of(Path::new(relative)).unwrap_or(Collection::Story);
    let entry = Entry {
        path: root.join(relative),
        display: relative.to_owned(),
        kind: EntryKind::Record(collection),
    };
    let context = Context {
        config,
        schemas,
        topic_ids: &topic_ids,
    };
    let mut diagnostics = check_bytes(&entry, collection, &context, text.as_bytes()).diagnostics;
    diagnostics.retain_mut(|diagnostic| {
        diagnostic.severity = config.level(diagnostic.code);
        diagnostic.severity != Severity::Allow
    });
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics
}

/// Reads a file unless it is larger than `max` bytes (`Ok(None)`). The size is
/// checked before reading and again while reading, in case the file grows.
fn read_capped(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    let length = file.metadata()?.len();
    if length > max {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(None);
    }
    Ok(Some(bytes))
}

struct RecordChecker<'t> {
    file: &'t str,
    text: &'t str,
    /// Built on the first problem: most files have none.
    index: OnceLock<LineIndex>,
    diagnostics: Vec<Diagnostic>,
}

impl RecordChecker<'_> {
    fn location(&self, span: Range<usize>) -> Location {
        let span = tidy_span(self.text, span);
        let index = self.index.get_or_init(|| LineIndex::new(self.text));
        Location::new(self.text, index, span)
    }

    fn push(&mut self, diagnostic: Diagnostic, span: Option<Range<usize>>) {
        let diagnostic = match span {
            Some(span) => diagnostic.at(self.location(span)),
            None => diagnostic,
        };
        self.diagnostics.push(diagnostic);
    }

    fn count(&self, code: Code) -> usize {
        self.diagnostics.iter().filter(|d| d.code == code).count()
    }

    fn syntax(&mut self, errors: &[toml::de::Error]) {
        let mut seen = HashSet::new();
        // After a table defined twice, the parser also reports each key of
        // the second definition; those add nothing and are skipped up to the
        // next table header.
        let mut skip_until: Option<usize> = None;
        for error in errors {
            let span = error.span().unwrap_or(0..0);
            if skip_until.is_some_and(|end| span.start < end) {
                continue;
            }
            if !seen.insert((span.start, error.message().to_owned())) {
                continue;
            }
            let (message, label, hint) =
                self.explain_syntax(error.message(), &span, &mut skip_until);
            let diagnostic =
                Diagnostic::new(self.file, Code::Syntax, format!("TOML syntax: {message}"))
                    .label(label)
                    .maybe_hint(hint);
            self.push(diagnostic, Some(span));
            if self.count(Code::Syntax) >= MAX_PER_KIND_PER_FILE {
                break;
            }
        }
    }

    /// The parser's message, made specific where the text shows what went
    /// wrong: which key is defined twice and where first, a key with no
    /// value, a control character typed into text.
    fn explain_syntax(
        &self,
        parser_message: &str,
        span: &Range<usize>,
        skip_until: &mut Option<usize>,
    ) -> (String, String, Option<String>) {
        let text = self.text;
        let parser_message = parser_message.trim().replace('\n', " ");
        let line_start = text[..span.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line_end = text[span.start.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        let line = &text[line_start..line_end];
        let rest_of_line = text.get(span.start..line_end).unwrap_or_default();
        let offending = text.get(span.start..).and_then(|rest| rest.chars().next());

        if let Some(ch) =
            offending.filter(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t'))
        {
            return (
                format!("{} is written into the text as it is", describe_char(ch)),
                "control character here".into(),
                Some("TOML does not allow control characters in text; remove it".into()),
            );
        }
        if parser_message.starts_with("duplicate key") {
            let name = text.get(span.clone()).unwrap_or_default();
            if line.trim_start().starts_with('[') {
                let header = line.trim();
                let next_header = text[line_end..]
                    .find("\n[")
                    .map_or(text.len(), |i| line_end + i + 1);
                *skip_until = Some(next_header);
                let first = self.first_line_matching(0, line_start, |l| l.trim() == header);
                return (
                    format!("the table `{header}` is defined twice{}", first_note(first)),
                    "defined again here".into(),
                    Some("merge the two tables into one, or rename one of them".into()),
                );
            }
            // The first definition is in the same table: after the last
            // header before this line.
            let table_start = text[..line_start].rfind("\n[").map_or(0, |i| i + 1);
            let first = self.first_line_matching(table_start, line_start, |l| {
                l.trim_start()
                    .strip_prefix(name)
                    .is_some_and(|after| after.trim_start().starts_with('='))
            });
            return (
                format!("the key `{name}` is defined twice{}", first_note(first)),
                "defined again here".into(),
                Some("each key may appear once per table; remove or rename one of them".into()),
            );
        }
        if parser_message.starts_with("string values must be quoted") {
            let remainder = rest_of_line.trim();
            if remainder.is_empty() || remainder.starts_with('#') {
                let key = line.split('=').next().unwrap_or_default().trim();
                return (
                    format!("`{key}` has no value"),
                    "a value is needed here".into(),
                    Some(format!("write a value after `=`, such as {key} = \"text\"")),
                );
            }
            return (
                parser_message,
                "here".into(),
                Some("text values need quotes: key = \"text\"".into()),
            );
        }
        let hint = if parser_message.starts_with("unclosed table") {
            Some("close the table header with `]`".into())
        } else if parser_message.contains("string") && parser_message.contains("expected `\"`") {
            Some(
                "close the string with the same quotes that open it (\" or \"\"\" for long text)"
                    .into(),
            )
        } else {
            None
        };
        (parser_message, "here".into(), hint)
    }

    /// The number of the first line between the byte offsets `from` and
    /// `before` that satisfies `matches`.
    fn first_line_matching(
        &self,
        from: usize,
        before: usize,
        matches: impl Fn(&str) -> bool,
    ) -> Option<usize> {
        let lines_before = self.text[..from].matches('\n').count();
        self.text[from..before]
            .lines()
            .position(matches)
            .map(|index| lines_before + index + 1)
    }

    /// One pass over the source for invisible characters. Bidirectional
    /// controls written as they are are reported here, wherever they stand:
    /// in text, keys or comments they can make the file read differently
    /// from what it says. Returns whether the strings need a closer look:
    /// only an escape (`\u`, `\U`, `\x`, `\e`, `\b`, `\f`, `\r`) or a C1
    /// control character can put a control character into a string that
    /// parsed, since TOML refuses the others as they are.
    fn scan_source(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        let mut strings_need_check = false;
        for at in memchr::memchr3_iter(b'\\', 0xC2, 0xE2, bytes) {
            let next = bytes.get(at + 1).copied().unwrap_or(0);
            match bytes[at] {
                b'\\' => {
                    strings_need_check |=
                        matches!(next, b'u' | b'U' | b'x' | b'e' | b'b' | b'f' | b'r');
                }
                0xC2 => strings_need_check |= (0x80..=0x9F).contains(&next),
                _ => {
                    let Some(ch) = self.text.get(at..).and_then(|rest| rest.chars().next()) else {
                        continue;
                    };
                    if !is_bidi_control(ch)
                        || self.count(Code::BidiCharacter) >= MAX_PER_KIND_PER_FILE
                    {
                        continue;
                    }
                    let diagnostic = Diagnostic::new(
                        self.file,
                        Code::BidiCharacter,
                        format!("the file contains {}", describe_char(ch)),
                    )
                    .label("invisible character here")
                    .hint(BIDI_HINT);
                    self.push(diagnostic, Some(at..at + ch.len_utf8()));
                }
            }
        }
        strings_need_check
    }

    /// Control and bidirectional characters that reach a string through an
    /// escape (`\u202E`, `\u0007`, `\e`), which the source scan cannot see.
    fn escaped_characters(&mut self, document: &Document<'_>) {
        let mut found = Vec::new();
        document.for_each_string(|value, span, pointer| {
            if !needs_character_check(value) {
                return;
            }
            let raw = &self.text[span.clone()];
            // Escapes are found in order, so a character escaped twice is
            // located twice.
            let mut search_from = 0;
            let mut chars = value.chars().peekable();
            while let Some(ch) = chars.next() {
                let bad = match ch {
                    '\r' => chars.peek() != Some(&'\n'),
                    '\t' | '\n' => false,
                    _ => ch.is_control() || is_bidi_control(ch),
                };
                if !bad || (is_bidi_control(ch) && raw.contains(ch)) {
                    continue;
                }
                let escape = find_escape(&raw[search_from..], ch)
                    .map(|r| search_from + r.start..search_from + r.end);
                let at = match escape {
                    Some(r) => {
                        search_from = r.end;
                        span.start + r.start..span.start + r.end
                    }
                    None => span.clone(),
                };
                found.push((ch, at, pointer.to_owned()));
            }
        });
        found.dedup_by(|a, b| a.1 == b.1);
        for (ch, span, pointer) in found {
            let code = if is_bidi_control(ch) {
                Code::BidiCharacter
            } else {
                Code::ControlCharacter
            };
            if self.count(code) >= MAX_PER_KIND_PER_FILE {
                continue;
            }
            let steps = document::pointer_steps(&pointer);
            let steps: Vec<Step<'_>> = steps
                .iter()
                .map(|(key, index)| index.map_or(Step::Key(key), Step::Index))
                .collect();
            let hint = if code == Code::BidiCharacter {
                BIDI_HINT
            } else {
                "remove it: control characters can hide or overwrite text in terminals and break pages"
            };
            let diagnostic = Diagnostic::new(
                self.file,
                code,
                format!("`{}` contains {}", display_path(&steps), describe_char(ch)),
            )
            .label("written as an escape here")
            .hint(hint)
            .pointer(pointer);
            self.push(diagnostic, Some(span));
        }
    }

    /// The first line should point editors at the collection's schema.
    fn schema_directive(&mut self, entry: &Entry, collection: Collection) {
        let depth = entry.display.matches('/').count();
        let expected = format!("{}{}", "../".repeat(depth), collection.schema_file());
        let first_line = self.text.lines().next().unwrap_or_default();
        let line_span = 0..first_line.len();
        let Some(target) = first_line.strip_prefix("#:schema") else {
            let diagnostic = Diagnostic::new(
                self.file,
                Code::SchemaDirective,
                "the record does not start with a `#:schema` line",
            )
            .label("expected `#:schema` here")
            .hint(format!(
                "add `#:schema {expected}` as the first line, so that editors check the record as you type"
            ));
            self.push(diagnostic, Some(0..0));
            return;
        };
        let target = target.trim();
        if target.contains("://") || normalise(&entry.display, target) == collection.schema_file() {
            return;
        }
        let diagnostic = Diagnostic::new(
            self.file,
            Code::SchemaDirective,
            format!(
                "the `#:schema` line points at `{target}`, not at the {} schema",
                collection.noun()
            ),
        )
        .label("points elsewhere")
        .hint(format!("write `#:schema {expected}`"));
        self.push(diagnostic, Some(line_span));
    }

    fn id_matches_file(
        &mut self,
        document: &Document<'_>,
        entry: &Entry,
        collection: Collection,
    ) -> Option<SlugFact> {
        let key = collection.id_key();
        let declared = document.str_at(key)?;
        let span = document
            .find(&[Step::Key(key)])
            .map(|found| found.value.span());
        let stem = entry.stem();
        if declared != stem {
            let diagnostic = Diagnostic::new(
                self.file,
                Code::IdMismatch,
                format!("`{key}` is \"{declared}\" but the file is named {stem}.toml"),
            )
            .label(format!("should be \"{stem}\""))
            .hint(if is_valid_id(declared) {
                format!(
                    "the {key} and the file name must agree: rename the file to {declared}.toml or set {key} = \"{stem}\""
                )
            } else {
                format!("the {key} and the file name must agree: set {key} = \"{stem}\"")
            })
            .pointer(format!("/{key}"));
            self.push(diagnostic, span.clone());
        }
        // Every story keeps this location, so it is computed directly rather
        // than through a line index of the whole file.
        let location = span.map(|span| {
            let span = tidy_span(self.text, span);
            let start = Position::of(self.text, span.start);
            let end = Position::of(self.text, span.end);
            Box::new(Location { span, start, end })
        });
        Some(SlugFact {
            value: declared.to_owned(),
            location,
        })
    }

    fn faq_ids_unique(&mut self, document: &Document<'_>) {
        let Some(entries) = document.array_at("faq") else {
            return;
        };
        let mut first_seen: HashMap<&str, usize> = HashMap::new();
        for (index, faq) in entries.iter().enumerate() {
            let Some(id) = faq
                .get_ref()
                .as_table()
                .and_then(|table| table.get("id"))
                .and_then(|id| id.get_ref().as_str())
            else {
                continue;
            };
            let Some(first) = first_seen.get(id).copied() else {
                first_seen.insert(id, index);
                continue;
            };
            let span = document
                .find(&[Step::Key("faq"), Step::Index(index), Step::Key("id")])
                .map(|found| found.value.span());
            let first_line = document
                .find(&[Step::Key("faq"), Step::Index(first), Step::Key("id")])
                .map(|found| self.location(found.value.span()).start.line);
            let also = first_line.map_or(String::new(), |line| format!(" (first on line {line})"));
            let diagnostic = Diagnostic::new(
                self.file,
                Code::DuplicateFaqId,
                format!("FAQ entries {} and {} both have the id `{id}`{also}", first + 1, index + 1),
            )
            .label("used again here")
            .hint("each FAQ entry needs its own id: it is the entry's address on the page and when publishing")
            .pointer(format!("/faq/{index}/id"));
            self.push(diagnostic, span);
        }
    }

    fn topics_resolve(&mut self, document: &Document<'_>, topic_ids: &HashSet<&str>) {
        let Some(topics) = document.array_at("topics") else {
            return;
        };
        for (index, topic) in topics.iter().enumerate() {
            let Some(id) = topic.get_ref().as_str() else {
                continue;
            };
            if topic_ids.contains(id) {
                continue;
            }
            let span = document
                .find(&[Step::Key("topics"), Step::Index(index)])
                .map(|found| found.value.span());
            let hint = match closest(id, topic_ids.iter().copied()) {
                Some(near) => format!("did you mean \"{near}\"? Otherwise create topics/{id}.toml"),
                None => format!("create topics/{id}.toml, or remove the reference"),
            };
            let diagnostic = Diagnostic::new(
                self.file,
                Code::UnknownTopic,
                format!("the topic \"{id}\" has no record in topics/"),
            )
            .label("unknown topic")
            .hint(hint)
            .pointer(format!("/topics/{index}"));
            self.push(diagnostic, span);
        }
    }

    fn created_before_updated(&mut self, document: &Document<'_>) {
        let datetime = |key: &str| {
            document
                .find(&[Step::Key(key)])
                .and_then(|found| match found.value.get_ref() {
                    DeValue::Datetime(datetime) => document::instant(datetime)
                        .map(|instant| (instant, found.value.span(), *datetime)),
                    _ => None,
                })
        };
        let (Some(created), Some(updated)) = (datetime("created"), datetime("updated")) else {
            return;
        };
        if created.0 > updated.0 {
            let diagnostic = Diagnostic::new(
                self.file,
                Code::CreatedAfterUpdated,
                format!(
                    "`updated` ({}) is earlier than `created` ({})",
                    updated.2, created.2
                ),
            )
            .label("earlier than `created`")
            .hint("a story cannot be updated before it was created; check both dates")
            .pointer("/updated");
            self.push(diagnostic, Some(updated.1));
        }
    }

    fn desk_known(&mut self, document: &Document<'_>, desks: &[String]) {
        if desks.is_empty() {
            return;
        }
        let Some(desk) = document.str_at("desk") else {
            return;
        };
        if desks.iter().any(|known| known == desk) {
            return;
        }
        let span = document
            .find(&[Step::Key("desk")])
            .map(|found| found.value.span());
        let near = closest(desk, desks.iter().map(String::as_str))
            .map(|near| format!("did you mean \"{near}\"? "))
            .unwrap_or_default();
        let diagnostic = Diagnostic::new(
            self.file,
            Code::UnknownDesk,
            format!("the desk \"{desk}\" is not one of the newsroom's desks"),
        )
        .label("unknown desk")
        .hint(format!(
            "{near}The desks are listed in lede.toml under [newsroom] desks: {}",
            desks.join(", ")
        ))
        .pointer("/desk");
        self.push(diagnostic, span);
    }
}

const BIDI_HINT: &str = "remove it: bidirectional controls make text display in a different order from how it is stored, which can hide what it says";

fn is_bidi_control(ch: char) -> bool {
    matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A cheap test that lets the common clean string skip the character walk:
/// ASCII controls other than tab and newlines, DEL, C1 controls (UTF-8 lead
/// byte 0xC2) and the bidi controls (lead byte 0xE2).
fn needs_character_check(value: &str) -> bool {
    value.bytes().any(|b| SUSPICIOUS_BYTE[usize::from(b)])
}

const SUSPICIOUS_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = byte != 0x09 && byte != 0x0A;
        byte += 1;
    }
    table[0x7F] = true;
    table[0xC2] = true;
    table[0xE2] = true;
    table
};

fn describe_char(ch: char) -> String {
    let name = match ch {
        '\0' => "NULL",
        '\u{7}' => "BELL",
        '\u{8}' => "BACKSPACE",
        '\u{b}' => "LINE TABULATION",
        '\u{c}' => "FORM FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1b}' => "ESCAPE",
        '\u{7f}' => "DELETE",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ if ch.is_control() => "a control character",
        _ => "a character",
    };
    format!("U+{:04X} ({name})", u32::from(ch))
}

/// Where in a string's source text the first escape that produces `ch` is.
fn find_escape(raw: &str, ch: char) -> Option<Range<usize>> {
    let bytes = raw.as_bytes();
    let mut at = 0;
    while let Some(found) = raw[at..].find('\\') {
        let start = at + found;
        let (decoded, length) = match bytes.get(start + 1) {
            Some(b'b') => (Some('\u{8}'), 2),
            Some(b'f') => (Some('\u{c}'), 2),
            Some(b'e') => (Some('\u{1b}'), 2),
            Some(b'r') => (Some('\r'), 2),
            Some(b'x') => (hex_char(raw.get(start + 2..start + 4)), 4),
            Some(b'u') => (hex_char(raw.get(start + 2..start + 6)), 6),
            Some(b'U') => (hex_char(raw.get(start + 2..start + 10)), 10),
            _ => (None, 2),
        };
        if decoded == Some(ch) {
            return Some(start..(start + length).min(raw.len()));
        }
        at = (start + length).min(raw.len());
        if at >= raw.len() {
            break;
        }
    }
    None
}

fn hex_char(digits: Option<&str>) -> Option<char> {
    u32::from_str_radix(digits?, 16)
        .ok()
        .and_then(char::from_u32)
}

/// `target` resolved against the directory of `file` (both relative to the
/// root), with `.` and `..` folded; `..` past the root is kept so that it
/// never compares equal to a path inside it.
fn normalise(file: &str, target: &str) -> String {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return format!("../{target}");
                }
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn first_note(line: Option<usize>) -> String {
    line.map_or(String::new(), |line| format!(" (first on line {line})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_targets_resolve_relative_to_the_file() {
        assert_eq!(
            normalise("stories/2025/a.toml", "../../schemas/story.schema.json"),
            "schemas/story.schema.json"
        );
        assert_eq!(
            normalise("topics/a.toml", "../schemas/topic.schema.json"),
            "schemas/topic.schema.json"
        );
        assert_ne!(
            normalise("topics/a.toml", "../../schemas/topic.schema.json"),
            "schemas/topic.schema.json"
        );
    }

    #[test]
    fn escapes_are_found_in_source() {
        assert_eq!(find_escape(r#""a\u202Eb""#, '\u{202E}'), Some(2..8));
        assert_eq!(find_escape(r#""a\eb""#, '\u{1b}'), Some(2..4));
        assert_eq!(find_escape(r#""a\\u202Eb""#, '\u{202E}'), None);
        assert_eq!(find_escape(r#""\U0000202E""#, '\u{202E}'), Some(1..11));
    }

    #[test]
    fn ids_follow_the_schema_pattern() {
        assert!(is_valid_id("kazakhstan-joins-abraham-accords"));
        assert!(is_valid_id("a"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("A"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(&"a".repeat(81)));
    }

    #[test]
    fn clean_text_skips_the_character_walk() {
        assert!(!needs_character_check("Plain text.\n\tIndented"));
        assert!(needs_character_check("bell\u{7}"));
        assert!(needs_character_check("\u{202E}"));
    }
}
