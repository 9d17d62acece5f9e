//! Problems found in records, with stable codes, and the three ways of
//! printing them: code frames for people, one JSON document for programs and
//! GitHub Actions workflow commands for pull-request annotations.
//!
//! A diagnostic keeps its byte span and the line/column computed from it while
//! the file's text was at hand. The human renderer reads each file once more to
//! draw its code frames, so that a run over a large archive never holds the
//! text of every record at once; a file that cannot be read again is printed
//! without its frame.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use crate::text::source::{LineIndex, Position, strip_bom};

/// How serious a problem is. `Allow` only exists as a configured level: such
/// diagnostics are dropped before they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Allow,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Allow => "allow",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $severity:ident, $summary:literal; )*) => {
        /// Every kind of problem lede reports. The codes are stable: scripts and
        /// `[validate.levels]` in lede.toml refer to them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One line saying what the code means, as listed in the README.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            pub fn parse(text: &str) -> Option<Code> {
                match text { $( $code => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    Unreadable = "L001", Error, "the file could not be read";
    TooLarge = "L002", Error, "the file is larger than `validate.max_file_size` and was not read";
    Symlink = "L003", Error, "the record is a symbolic link or resolves outside the repository";
    NotAFile = "L004", Error, "a directory or special file is named like a record";
    NotUtf8 = "L005", Error, "the file is not valid UTF-8";
    NotARecord = "L006", Error, "the path is not a record: records are stories/**/*.toml and topics/*.toml";
    Conflict = "L007", Error, "the file holds an unresolved merge conflict: git's conflict markers, or git's index still holds it unmerged";
    Syntax = "L010", Error, "TOML syntax error, including a key defined twice";
    UnknownKey = "L020", Error, "a key the schema does not allow";
    MissingKey = "L021", Error, "a required key is missing";
    WrongType = "L022", Error, "a value has the wrong type";
    NotAllowedValue = "L023", Error, "a value is not one of those the schema allows";
    PatternMismatch = "L024", Error, "a string does not have the form the schema requires";
    BadFormat = "L025", Error, "a date-time, URL or other formatted value is malformed";
    BadLength = "L026", Error, "a string, list or table is too long or too short";
    OutOfRange = "L027", Error, "a number is out of range";
    DuplicateItem = "L028", Error, "a list holds the same value twice";
    SchemaOther = "L029", Error, "another schema rule is not met";
    TooManyWords = "L030", Error, "a text is longer than its `x-lede-max-words`";
    TooFewWords = "L031", Error, "a text is shorter than its `x-lede-min-words`";
    IdMismatch = "L040", Error, "`slug` or `id` differs from the file name";
    DuplicateSlug = "L041", Error, "two stories have the same slug";
    DuplicateFaqId = "L042", Error, "two FAQ entries of a story have the same id";
    UnknownTopic = "L043", Error, "a story refers to a topic that has no record in topics/";
    CreatedAfterUpdated = "L044", Error, "`created` is later than `updated`";
    UnknownDesk = "L045", Error, "a story's desk is not one of `newsroom.desks` in lede.toml";
    ControlCharacter = "L050", Error, "text contains a control character";
    BidiCharacter = "L051", Error, "text contains a bidirectional override or isolate character";
    SchemaDirective = "L060", Warning, "the `#:schema` line is missing or points at another schema";
    IllegalTransition = "L070", Error, "a commit moves a story's status in a way the workflow does not allow (`validate --since`)";
    PublishedEdited = "L071", Error, "a commit changes a published story's content and keeps it published (`validate --since`)";
    CorrectionRewritten = "L072", Error, "a commit rewrites or removes an earlier correction (`validate --since`)";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in a file a problem is: the byte span in the text (after any
/// byte-order mark) and the positions computed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
}

impl Location {
    pub fn new(text: &str, index: &LineIndex, span: Range<usize>) -> Location {
        let (start, end) = index.range(text, &span);
        Location { span, start, end }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the repository root, with `/` separators.
    pub file: String,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// A few words drawn under the offending text in a code frame.
    pub label: Option<String>,
    pub hint: Option<String>,
    pub location: Option<Location>,
    /// The JSON pointer of the offending value in the record, when it has one.
    pub pointer: Option<String>,
}

impl Diagnostic {
    /// Messages, labels and hints quote the user's text, which may hold
    /// control or bidirectional characters: they are shown escaped, so that a
    /// record cannot rewrite the terminal or a pull-request page that shows
    /// its diagnostics.
    pub fn new(file: impl Into<String>, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: printable(file.into()),
            code,
            severity: code.default_severity(),
            message: printable(message.into()),
            label: None,
            hint: None,
            location: None,
            pointer: None,
        }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(printable(label.into()));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(printable(hint.into()));
        self
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint.map(printable);
        self
    }

    pub fn pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = Some(pointer.into());
        self
    }

    /// The order reports are printed in: by file, then by position; problems
    /// without a position come first in their file.
    pub fn sort_key(&self) -> (&str, usize, usize, Code) {
        let (line, column) = self.location.as_ref().map_or((0, 0), |location| {
            (location.start.line, location.start.column)
        });
        (&self.file, line, column, self.code)
    }
}

/// Text with control and bidirectional characters written as `\u{..}`
/// escapes.
pub fn printable(text: String) -> String {
    escape_unprintable(text, false)
}

/// Like `printable`, keeping line breaks and tabs: for multi-line text such
/// as a story's body.
pub fn printable_lines(text: String) -> String {
    escape_unprintable(text, true)
}

fn escape_unprintable(text: String, keep_lines: bool) -> String {
    let unprintable = |ch: char| is_unprintable(ch) && !(keep_lines && matches!(ch, '\n' | '\t'));
    if !text.chars().any(unprintable) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if unprintable(ch) {
            let _ = write!(out, "\\u{{{:04X}}}", u32::from(ch));
        } else {
            out.push(ch);
        }
    }
    out
}

fn is_unprintable(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Counts for the closing summary and the JSON document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub files_with_problems: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(files_checked: usize, diagnostics: &[Diagnostic]) -> Summary {
        let mut files: Vec<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
        files.dedup();
        Summary {
            files_checked,
            files_with_problems: files.len(),
            errors: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count(),
            warnings: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count(),
        }
    }
}

/// Code frames in the style of rustc, drawn with annotate-snippets. `root` is
/// the repository root the diagnostics' file names are relative to; each
/// file with problems is read again for its frames.
pub fn render_human(diagnostics: &[Diagnostic], root: &Path, color: bool) -> String {
    render_human_from(diagnostics, color, |file| {
        std::fs::read(root.join(file))
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    })
}

/// Code frames drawn from the texts `read` returns for each file name: for
/// diagnostics of a text that is not (yet) on disk.
pub fn render_human_from(
    diagnostics: &[Diagnostic],
    color: bool,
    read: impl Fn(&str) -> Option<String>,
) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let mut current_file: Option<(&str, Option<String>)> = None;
    for diagnostic in diagnostics {
        if current_file.as_ref().map(|(name, _)| *name) != Some(diagnostic.file.as_str()) {
            let text = read(&diagnostic.file).map(|text| strip_bom(&text).to_owned());
            current_file = Some((&diagnostic.file, text));
        }
        let text = current_file.as_ref().and_then(|(_, text)| text.as_deref());
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            _ => Level::WARNING,
        };
        let title = level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.as_str());
        let frame = match (&diagnostic.location, text) {
            (Some(location), Some(text)) if location.span.end <= text.len() => {
                let mut annotation = AnnotationKind::Primary.span(location.span.clone());
                if let Some(label) = &diagnostic.label {
                    annotation = annotation.label(label.as_str());
                }
                Some(
                    Snippet::source(text)
                        .path(diagnostic.file.as_str())
                        .annotation(annotation),
                )
            }
            _ => None,
        };
        let mut group = match frame {
            Some(snippet) => title.element(snippet),
            None => {
                let mut origin = Origin::path(diagnostic.file.as_str());
                if let Some(location) = &diagnostic.location {
                    origin = origin
                        .line(location.start.line)
                        .char_column(location.start.column);
                }
                title.element(origin)
            }
        };
        if let Some(hint) = &diagnostic.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        let report: [Group<'_>; 1] = [group];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    hint: Option<&'a str>,
    pointer: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// One JSON document: `{"version": 1, "summary": {...}, "diagnostics": [...]}`.
/// Field names are part of lede's interface; see the README.
pub fn render_json(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let report = JsonReport {
        version: 1,
        summary,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                file: &d.file,
                line: d.location.as_ref().map(|l| l.start.line),
                column: d.location.as_ref().map(|l| l.start.column),
                end_line: d.location.as_ref().map(|l| l.end.line),
                end_column: d.location.as_ref().map(|l| l.end.column),
                severity: d.severity.as_str(),
                code: d.code.as_str(),
                message: &d.message,
                hint: d.hint.as_deref(),
                pointer: d.pointer.as_deref(),
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("a report always serialises");
    out.push('\n');
    out
}

/// GitHub Actions workflow commands, one line per diagnostic:
/// `::error file=...,line=...,col=...,endLine=...,endColumn=...,title=L024::message`.
pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let _ = write!(out, "::{command} file={}", escape_property(&d.file));
        if let Some(location) = &d.location {
            let _ = write!(
                out,
                ",line={},col={},endLine={},endColumn={}",
                location.start.line, location.start.column, location.end.line, location.end.column
            );
        }
        let _ = write!(out, ",title={}", escape_property(d.code.as_str()));
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhelp: ");
            message.push_str(hint);
        }
        let _ = writeln!(out, "::{}", escape_data(&message));
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} listed twice");
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
        assert_eq!(Code::parse("L999"), None);
    }

    #[test]
    fn user_text_cannot_reach_the_terminal_raw() {
        let d = Diagnostic::new("f.toml", Code::UnknownDesk, "desk \"a\u{1b}[2Jb\u{202E}c\"")
            .hint("create topics/x\u{7}.toml")
            .label("\n");
        assert_eq!(d.message, "desk \"a\\u{001B}[2Jb\\u{202E}c\"");
        assert_eq!(d.hint.as_deref(), Some("create topics/x\\u{0007}.toml"));
        assert_eq!(d.label.as_deref(), Some("\\u{000A}"));
        assert_eq!(printable("Zoë — ok".into()), "Zoë — ok");
        assert_eq!(printable_lines("a\nb\tc\u{1b}".into()), "a\nb\tc\\u{001B}");
    }

    #[test]
    fn github_escapes_separators_and_newlines() {
        let d = Diagnostic::new("stories/a,b:c.toml", Code::Syntax, "50% done").hint("fix it");
        assert_eq!(
            render_github(&[d]),
            "::error file=stories/a%2Cb%3Ac.toml,title=L010::50%25 done%0Ahelp: fix it\n"
        );
    }
}

#[cfg(test)]
mod readme_tests {
    use super::*;

    /// The README's table is the users' reference: every code must be in it
    /// with its default level and meaning.
    #[test]
    fn every_code_is_documented_in_the_readme() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        for code in Code::ALL {
            let row = format!(
                "| `{}` | {} | {} |",
                code.as_str(),
                code.default_severity().as_str(),
                code.summary()
            );
            assert!(readme.contains(&row), "README.md lacks the row:\n{row}");
        }
    }
}
