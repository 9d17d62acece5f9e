//! `diff-long-body`: how long `lede diff` takes on one very long body.
//!
//! ```text
//! cargo run --release --example diff-long-body -- [ITERATIONS (50)] [LIMIT_MS (50)]
//! ```
//!
//! Builds a deterministic Markdown body of at least 20,000 words (about 150
//! paragraphs of varied newsroom prose, hard-wrapped at 72 columns) and a
//! second version with 20 scattered edits: 16 word replacements, a number
//! changed, a sentence inserted, a paragraph deleted and a paragraph
//! re-wrapped at 60 columns (white space only, so no change for the diff).
//! Then it times, ITERATIONS times each:
//!
//! - `word_diff::diff_text(&old, &new, Granularity::Word)`,
//! - the same with `Granularity::Char`,
//! - the same (Word) against the second version re-wrapped throughout at 60
//!   columns, so that almost no line is left as it was and nearly every word
//!   goes through the word-level comparison (the worst case for the line
//!   pass),
//! - `record_diff::diff_records(&old, &new, Granularity::Word)` on the two
//!   versions of a story (a `toml::Table` from `toml::from_str`) whose one
//!   section body is that text,
//! - parsing both records and diffing them, which is what `lede diff` does
//!   per changed record once it has the two blobs.
//!
//! With DIFF_LONG_BODY_DUMP=DIR in the environment it also writes the
//! texts and records there (old.md, new.md, new-rewrapped.md and the same as
//! .toml stories), for `lede diff --files DIR/old.toml DIR/new.toml`.
//!
//! It prints min / median / max in ms with the words added and removed and
//! the hunk count, and the words the edits should account for. Exit status:
//! 0 when every checked median is under LIMIT_MS, 1 when one is not, 2 on bad
//! arguments. The all-re-wrapped row is a stress case outside the target
//! (20 edits in a body otherwise left as it was): it is shown, and named
//! when over the limit, but not checked.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lede::diff::record_diff::diff_records;
use lede::diff::word_diff::{Granularity, diff_text};
use lede::text::words::count_words;

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

const OPENERS: &[&str] = &[
    "Meanwhile,",
    "Still,",
    "By contrast,",
    "At the same time,",
    "For now,",
    "In practice,",
    "Notably,",
    "Even so,",
    "In the meantime,",
    "Separately,",
    "On Tuesday,",
    "Last month,",
    "Earlier this year,",
    "According to officials,",
    "Privately,",
    "Publicly,",
];
const SUBJECTS: &[&str] = &[
    "the finance ministry",
    "regional governors",
    "the central bank",
    "opposition lawmakers",
    "the port authority",
    "farmers' unions",
    "the coastal towns",
    "the health regulator",
    "independent auditors",
    "the railway operator",
    "most economists",
    "the trade delegation",
    "the city council",
    "several hospitals",
    "the energy company",
    "the school boards",
    "local employers",
    "the court of appeal",
    "the water utility",
    "the fishing cooperatives",
    "Ministers",
    "Diplomats",
    "Residents",
    "Analysts",
    "Negotiators",
    "Investors",
    "Teachers",
    "Nurses",
    "Engineers",
    "Prosecutors",
    "Shipping firms",
    "Bondholders",
];
const VERBS: &[&str] = &[
    "warned that",
    "argued that",
    "conceded that",
    "insisted that",
    "estimated that",
    "reported that",
    "acknowledged that",
    "suggested that",
    "denied that",
    "confirmed that",
    "predicted that",
    "complained that",
    "noted that",
    "calculated that",
    "feared that",
];
const CLAUSES: &[&str] = &[
    "the budget would not cover the rising cost of fuel",
    "the new tariffs could push freight prices higher before winter",
    "the harvest was smaller than in any year since the drought",
    "the proposal leaves too many questions about enforcement unanswered",
    "hospital waiting lists have grown steadily since the spring",
    "the bridge repairs are running well behind schedule",
    "wages in the northern provinces have barely kept pace with inflation",
    "the agreement gives inspectors access to sites they could not visit before",
    "the reservoir levels are dangerously low for this time of year",
    "the housing programme has delivered fewer homes than promised",
    "exports of machinery fell sharply in the third quarter",
    "the reform would shift responsibility from the capital to the regions",
    "the pension fund is exposed to losses on foreign bonds",
    "turnout among younger voters could decide the outcome",
    "the timetable for the rail link is no longer realistic",
    "the ceasefire has largely held along the northern border",
    "the licensing rules favour large operators over newcomers",
    "the flood defences protected most of the old town",
    "the vaccine campaign reached rural districts faster than expected",
    "the subsidy has mainly benefited households with higher incomes",
    "grain shipments resumed after a pause of nearly six weeks",
    "the audit found gaps in how contracts were awarded",
    "the mining licence was granted without a proper consultation",
    "the new curriculum places more weight on mathematics and languages",
];
const TAILS: &[&str] = &[
    "",
    "",
    "",
    "",
    " according to figures published on Monday",
    " despite repeated assurances from the government",
    " in a statement released late on Friday",
    " although the details remain disputed",
    " citing internal documents",
    " a view shared by several independent observers",
    " in an interview with local radio",
    " though few expect a quick resolution",
    " after weeks of closed-door talks",
];
const SHORT: &[&str] = &[
    "That matters.",
    "Few were surprised.",
    "The reaction was muted.",
    "Markets barely moved.",
    "The numbers tell a different story.",
    "Not everyone agrees.",
    "Critics were unconvinced.",
    "The debate is far from over.",
];
const REPLACEMENTS: &[(&str, &str)] = &[
    ("warned", "cautioned"),
    ("argued", "maintained"),
    ("reported", "disclosed"),
    ("higher", "upward"),
    ("smaller", "weaker"),
    ("steadily", "sharply"),
    ("sharply", "steeply"),
    ("dangerously", "unusually"),
    ("fewer", "far fewer"),
    ("largely", "mostly"),
    ("faster", "sooner"),
    ("mainly", "chiefly"),
    ("Analysts", "Economists"),
    ("Residents", "Shopkeepers"),
    ("quick", "swift"),
    ("weeks", "months"),
    ("bonds", "debt"),
    ("proper", "full"),
    ("Monday", "Thursday"),
    ("muted", "subdued"),
];

fn number(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("{}", 2 + rng.below(98)),
        1 => format!("{}.{}%", 1 + rng.below(40), rng.below(10)),
        2 => format!("{},{:03}", 1 + rng.below(90), rng.below(1000)),
        _ => format!("{}", 1990 + rng.below(35)),
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn sentence(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => rng.pick(SHORT).to_owned(),
        1 | 2 => format!(
            "{} about {} people were affected, and officials expect the figure to reach {} by {}.",
            capitalize(rng.pick(SUBJECTS)),
            number(rng),
            number(rng),
            1990 + rng.below(40)
        ),
        _ => {
            let opener = if rng.below(3) == 0 {
                format!("{} ", rng.pick(OPENERS))
            } else {
                String::new()
            };
            let subject = rng.pick(SUBJECTS);
            let subject = if opener.is_empty() {
                capitalize(subject)
            } else {
                subject.to_owned()
            };
            format!(
                "{opener}{subject} {} {}{}.",
                rng.pick(VERBS),
                rng.pick(CLAUSES),
                rng.pick(TAILS)
            )
        }
    }
}

/// A paragraph as its words (each with its punctuation).
fn paragraph(rng: &mut Rng) -> Vec<String> {
    let sentences = 6 + rng.below(5);
    (0..sentences)
        .flat_map(|_| {
            sentence(rng)
                .split(' ')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn wrap(words: &[String], width: usize) -> String {
    let mut out = String::new();
    let mut column = 0;
    for word in words {
        let len = word.chars().count();
        if column > 0 && column + 1 + len > width {
            out.push('\n');
            column = 0;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out
}

/// Paragraphs (as words) to text, with the widths each one is wrapped at.
fn render(paragraphs: &[(Vec<String>, usize)]) -> String {
    paragraphs
        .iter()
        .map(|(words, width)| wrap(words, *width))
        .collect::<Vec<_>>()
        .join("\n\n")
}

struct Versions {
    old: String,
    new: String,
    /// The same edits with every paragraph re-wrapped at 60 columns: almost
    /// no line is left as it was, so nearly every word goes through the
    /// word-level pass.
    new_rewrapped: String,
    paragraphs: usize,
    edits: Vec<String>,
    expected_added: usize,
    expected_removed: usize,
}

fn build() -> Versions {
    let mut rng = Rng(20_000);
    let mut paragraphs: Vec<(Vec<String>, usize)> = Vec::new();
    let mut words = 0;
    while words < 20_000 {
        let p = paragraph(&mut rng);
        words += count_words(&p.join(" "));
        paragraphs.push((p, 72));
    }
    let old = render(&paragraphs);
    let count = paragraphs.len();

    let mut edits = Vec::new();
    let (mut added, mut removed) = (0, 0);
    let mut edited = paragraphs.clone();
    // The paragraphs that get the structural edits; the word edits stay clear of them.
    let insert_at = count / 3 + 2;
    let rewrap_at = count / 2;
    let delete_at = 9 * count / 10 + 3;
    let reserved = [insert_at, rewrap_at, delete_at];
    // 16 replacements spread evenly: in paragraph i * count / 17, the first
    // word that has a replacement (searching onwards if that paragraph has none).
    let mut touched = Vec::new();
    let mut at = 0;
    while touched.len() < 16 && at < count {
        at = at.max((touched.len() + 1) * count / 17);
        if reserved.contains(&at) {
            at += 1;
            continue;
        }
        let words = &mut edited[at].0;
        let hit = words.iter().enumerate().find_map(|(index, word)| {
            let bare = word.trim_end_matches(['.', ',']);
            REPLACEMENTS
                .iter()
                .find(|(from, _)| *from == bare)
                .map(|(from, to)| (index, *from, *to))
        });
        if let Some((index, from, to)) = hit {
            let word = &mut words[index];
            *word = word.replacen(from, to, 1);
            removed += count_words(from);
            added += count_words(to);
            edits.push(format!("paragraph {}: {from} -> {to}", at + 1));
            touched.push(at);
        }
        at += 1;
    }
    // A number changed: the first one from 70% of the way on, in a paragraph
    // no other edit touched.
    let number_at = (7 * count / 10..count).find_map(|p| {
        if touched.contains(&p) || reserved.contains(&p) {
            return None;
        }
        let index = edited[p]
            .0
            .iter()
            .position(|w| w.starts_with(|c: char| c.is_ascii_digit() && c != '9'))?;
        Some((p, index))
    });
    if let Some((p, index)) = number_at {
        let word = &mut edited[p].0[index];
        let old_word = word.clone();
        *word = word.replacen(|c: char| c.is_ascii_digit(), "9", 1);
        removed += 1;
        added += 1;
        edits.push(format!("paragraph {}: {old_word} -> {word}", p + 1));
    }
    // A sentence inserted after the first sentence of a paragraph.
    let inserted = "The ministry declined to comment on the leaked figures, saying only that a review was under way.";
    let words = &mut edited[insert_at].0;
    let middle = words.iter().position(|w| w.ends_with('.')).unwrap_or(0) + 1;
    added += count_words(inserted);
    words.splice(middle..middle, inserted.split(' ').map(str::to_owned));
    edits.push(format!("paragraph {}: sentence inserted", insert_at + 1));
    // One paragraph re-wrapped at 60 columns: no change in words.
    edited[rewrap_at].1 = 60;
    edits.push(format!(
        "paragraph {}: re-wrapped at 60 columns",
        rewrap_at + 1
    ));
    // One paragraph deleted (last, so the numbers above stand).
    removed += count_words(&edited[delete_at].0.join(" "));
    edited.remove(delete_at);
    edits.push(format!("paragraph {}: deleted", delete_at + 1));

    Versions {
        old,
        new: render(&edited),
        new_rewrapped: render(
            &edited
                .iter()
                .map(|(words, _)| (words.clone(), 60))
                .collect::<Vec<_>>(),
        ),
        paragraphs: count,
        edits,
        expected_added: added,
        expected_removed: removed,
    }
}

/// A story record whose one section body is `body`.
fn story(body: &str) -> String {
    format!(
        r#"slug = "long-read"
headline = "The long read: a year of budgets, floods and elections"
status = "published"
desk = "world"
authors = ["Ana Ruiz <ana.ruiz@newsroom.example>"]
topics = ["budget", "floods"]
created = 2025-01-10T09:00:00Z
updated = 2025-01-12T09:00:00Z
revision = 3

[sections.whats-happened]
title = "What's happened"
body = """
{body}"""

[[faq]]
id = "why-now"
question = "Why now?"
answer = "Because the budget is due."
"#
    )
}

struct Stats {
    min: f64,
    median: f64,
    max: f64,
}

fn time<T>(iterations: usize, mut f: impl FnMut() -> T) -> Stats {
    let mut runs: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    runs.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Stats {
        min: ms(runs[0]),
        median: ms(runs[runs.len() / 2]),
        max: ms(runs[runs.len() - 1]),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse = |index: usize, default: f64| -> Option<f64> {
        args.get(index).map_or(Some(default), |a| a.parse().ok())
    };
    let (Some(iterations), Some(limit)) = (parse(0, 50.0), parse(1, 50.0)) else {
        eprintln!("usage: diff-long-body [ITERATIONS (50)] [LIMIT_MS (50)]");
        return ExitCode::from(2);
    };
    let iterations = (iterations as usize).max(1);

    let v = build();
    let old_words = count_words(&v.old);
    let new_words = count_words(&v.new);
    println!(
        "old body: {old_words} words, {} paragraphs, {} lines, {} bytes",
        v.paragraphs,
        v.old.lines().count(),
        v.old.len()
    );
    println!(
        "new body: {new_words} words, {} lines, {} bytes; {} edits:",
        v.new.lines().count(),
        v.new.len(),
        v.edits.len()
    );
    for edit in &v.edits {
        println!("  {edit}");
    }
    println!(
        "the edits add {} words and remove {}",
        v.expected_added, v.expected_removed
    );

    let old_story = story(&v.old);
    let new_story = story(&v.new);
    if let Some(dir) = std::env::var_os("DIFF_LONG_BODY_DUMP") {
        let dir = std::path::PathBuf::from(dir);
        let files = [
            ("old.md", &v.old),
            ("new.md", &v.new),
            ("new-rewrapped.md", &v.new_rewrapped),
            ("old.toml", &old_story),
            ("new.toml", &new_story),
            ("new-rewrapped.toml", &story(&v.new_rewrapped)),
        ];
        for (name, text) in files {
            if let Err(e) =
                std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join(name), text))
            {
                eprintln!("diff-long-body: {}: {e}", dir.join(name).display());
                return ExitCode::from(2);
            }
        }
        println!("wrote the versions to {}", dir.display());
    }
    let old_table: toml::Table = toml::from_str(&old_story).expect("old record parses");
    let new_table: toml::Table = toml::from_str(&new_story).expect("new record parses");

    let word = diff_text(&v.old, &v.new, Granularity::Word);
    let char = diff_text(&v.old, &v.new, Granularity::Char);
    let rewrapped = diff_text(&v.old, &v.new_rewrapped, Granularity::Word);
    let changes = diff_records(&old_table, &new_table, Granularity::Word);
    let record_added: usize = changes.iter().map(|c| c.words_added()).sum();
    let record_removed: usize = changes.iter().map(|c| c.words_removed()).sum();
    let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();

    let rows = [
        (
            "diff_text, Word",
            true,
            time(iterations, || diff_text(&v.old, &v.new, Granularity::Word)),
            format!(
                "+{} -{} words, {} hunks",
                word.words_added,
                word.words_removed,
                word.hunks.len()
            ),
        ),
        (
            "diff_text, Char",
            true,
            time(iterations, || diff_text(&v.old, &v.new, Granularity::Char)),
            format!(
                "+{} -{} words, {} hunks",
                char.words_added,
                char.words_removed,
                char.hunks.len()
            ),
        ),
        (
            "diff_text, Word, all re-wrapped",
            false,
            time(iterations, || {
                diff_text(&v.old, &v.new_rewrapped, Granularity::Word)
            }),
            format!(
                "+{} -{} words, {} hunks",
                rewrapped.words_added,
                rewrapped.words_removed,
                rewrapped.hunks.len()
            ),
        ),
        (
            "diff_records, Word",
            true,
            time(iterations, || {
                diff_records(&old_table, &new_table, Granularity::Word)
            }),
            format!(
                "{} change(s) {paths:?}, +{record_added} -{record_removed} words",
                changes.len()
            ),
        ),
        (
            "parse both + diff_records",
            true,
            time(iterations, || {
                let old: toml::Table = toml::from_str(&old_story).unwrap();
                let new: toml::Table = toml::from_str(&new_story).unwrap();
                diff_records(&old, &new, Granularity::Word)
            }),
            format!(
                "records of {} and {} bytes",
                old_story.len(),
                new_story.len()
            ),
        ),
    ];

    println!();
    println!("{iterations} iterations each; limit {limit} ms on the median");
    println!();
    println!("| operation | min ms | median ms | max ms | result |");
    println!("| --- | ---: | ---: | ---: | --- |");
    let mut ok = true;
    let mut over = Vec::new();
    for (name, gated, stats, result) in &rows {
        let mark = if *gated { "" } else { " (not checked)" };
        println!(
            "| {name}{mark} | {:.3} | {:.3} | {:.3} | {result} |",
            stats.min, stats.median, stats.max
        );
        if stats.median >= limit {
            over.push(*name);
            ok &= !gated;
        }
    }
    println!();
    for (name, diff) in [("word", &word), ("all re-wrapped", &rewrapped)] {
        if diff.words_added != v.expected_added || diff.words_removed != v.expected_removed {
            println!(
                "note: the {name} diff counts +{} -{} words, the edits +{} -{}",
                diff.words_added, diff.words_removed, v.expected_added, v.expected_removed
            );
        }
    }
    if !over.is_empty() {
        println!("over {limit} ms: {}", over.join(", "));
    }
    if ok {
        println!("OK: every checked median is under {limit} ms");
        ExitCode::SUCCESS
    } else {
        println!("FAILED: a checked median is {limit} ms or more");
        ExitCode::from(1)
    }
}
