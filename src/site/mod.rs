//! The public site: records (from the published branch, or the working tree
//! for a preview) rendered into static HTML pages, JSON documents, feeds
//! and a sitemap.
//!
//! The pipeline gathers, decides, then renders and writes: `load` reads
//! the records as text with their blob ids, and the templates; `records`
//! decides what is public (embargoes, retractions, records that do not
//! parse); `render` plans the pages and renders each one, and `feeds` the
//! machine-readable lists — neither touches the disk, so both are tested
//! without files. `build` below is the only part that writes, page by
//! page in parallel. Templates are
//! minijinja, built into the binary and overridable one file at a time
//! from `templates/` in the content repository; every value is escaped
//! unless a template marks it `safe`, which the built-in ones do only for
//! Markdown already sanitised (`markdown::to_html`) and for JSON-LD
//! serialised so that it cannot end its `<script>` element.
//!
//! Rebuilds are incremental: `.lede-build.json` in the output directory
//! records, for each page, a fingerprint of everything it was made from
//! (its records' blob ids, the templates, the configuration, lede's
//! version). A page whose fingerprint is unchanged is neither rendered nor
//! written; the index, feeds and sitemap are rendered each time and written
//! only when their bytes change. Files a previous build made that are no
//! longer part of the site (a story retracted from the feeds, a removed
//! topic) are deleted; nothing else in the directory is touched.

pub mod feeds;
pub mod load;
pub mod markdown;
pub mod records;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::newsroom::config::Config;

const MANIFEST: &str = ".lede-build.json";

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(
        "the output directory {0} is a symbolic link; lede writes only into a real directory inside the repository"
    )]
    SymlinkOut(PathBuf),
    #[error("the output directory {out} is outside the repository ({root})")]
    OutsideRepository { out: PathBuf, root: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A record file as the site reads it.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: String,
    /// Git's blob id of the text: what the page fingerprints are made of.
    pub blob: String,
    pub text: String,
}

/// What a build did.
#[derive(Debug, Default, Serialize)]
pub struct BuildReport {
    pub stories: usize,
    pub retracted: usize,
    pub topics: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Stories left out until their embargo passes.
    pub embargoed: Vec<String>,
    /// Records left out, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Options of one build.
pub struct Options<'a> {
    pub config: &'a Config,
    /// The repository root: where `templates/` overrides are read from.
    pub root: &'a Path,
    pub out: &'a Path,
    /// Seconds since 1970: stories embargoed past this are left out.
    pub now: i64,
    /// A preview of the working tree: every page says it is a draft.
    pub draft: bool,
}

/// Checks the output directory: a real directory (or none yet) inside the
/// repository. Returns its absolute path.
pub fn output_dir(root: &Path, out: &Path) -> Result<PathBuf, SiteError> {
    let root = root.canonicalize().map_err(|source| SiteError::Read {
        path: root.to_owned(),
        source,
    })?;
    let absolute = if out.is_absolute() {
        out.to_owned()
    } else {
        root.join(out)
    };
    if std::fs::symlink_metadata(&absolute).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(SiteError::SymlinkOut(absolute));
    }
    let parent = absolute.parent().unwrap_or(&absolute);
    std::fs::create_dir_all(parent).map_err(|source| SiteError::Write {
        path: parent.to_owned(),
        source,
    })?;
    let resolved = parent
        .canonicalize()
        .map_err(|source| SiteError::Read {
            path: parent.to_owned(),
            source,
        })?
        .join(absolute.file_name().unwrap_or_default());
    if !resolved.starts_with(&root) || resolved == root {
        return Err(SiteError::OutsideRepository {
            out: resolved,
            root,
        });
    }
    Ok(resolved)
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// Fingerprint of what every page depends on.
    global: String,
    /// Output file (relative to the output directory) → fingerprint.
    pages: BTreeMap<String, String>,
}

/// Renders `inputs` (story and topic records) into `options.out`.
pub fn build(inputs: &[Input], options: &Options<'_>) -> Result<BuildReport, SiteError> {
    let templates = load::templates(options.root)?;
    let renderer = render::Renderer::new(&templates, options.config, options.draft)?;
    let records = records::public(inputs, options.now);
    let plan = render::plan(&records, &renderer);
    let mut report = BuildReport {
        stories: records.stories.len(),
        retracted: records.tombstones.len(),
        topics: records.topics.len(),
        embargoed: records.embargoed.clone(),
        skipped: records.skipped.clone(),
        ..BuildReport::default()
    };

    std::fs::create_dir_all(options.out).map_err(|source| SiteError::Write {
        path: options.out.to_owned(),
        source,
    })?;
    let manifest_path = options.out.join(MANIFEST);
    let old_manifest: Manifest = std::fs::read_to_string(&manifest_path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let old_pages = if old_manifest.global == renderer.global {
        old_manifest.pages.clone()
    } else {
        BTreeMap::new()
    };

    // Rendered and written page by page, so no more than a page per thread
    // is held. Per output file: its path, fingerprint and whether it was
    // written.
    type Outputs = Vec<(String, String, bool)>;
    let results: Vec<Result<Outputs, SiteError>> =
        plan.pages
            .par_iter()
            .map(|page| {
                let print = &page.fingerprint;
                let current = page.paths.iter().all(|path| {
                    old_pages.get(path) == Some(print) && options.out.join(path).is_file()
                });
                if current {
                    return Ok(page
                        .paths
                        .iter()
                        .map(|path| (path.clone(), print.clone(), false))
                        .collect());
                }
                let mut done = Vec::new();
                for (path, bytes) in page.paths.iter().zip(plan.render(page)?) {
                    let written = write_if_changed(&options.out.join(path), bytes.as_bytes())?;
                    done.push((path.clone(), print.clone(), written));
                }
                Ok(done)
            })
            .collect();
    let mut new_pages = BTreeMap::new();
    for result in results {
        for (path, print, written) in result? {
            if written {
                report.written += 1;
            } else {
                report.unchanged += 1;
            }
            new_pages.insert(path, print);
        }
    }
    for (path, bytes) in plan.lists()? {
        if write_if_changed(&options.out.join(path), bytes.as_bytes())? {
            report.written += 1;
        } else {
            report.unchanged += 1;
        }
    }

    // Pages of the last build that are no longer part of the site.
    let wanted: BTreeSet<&String> = new_pages.keys().collect();
    for stale in old_manifest.pages.keys().filter(|p| !wanted.contains(p)) {
        let safe = !stale.starts_with('/')
            && !stale.split('/').any(|part| part == ".." || part.is_empty());
        if safe && std::fs::remove_file(options.out.join(stale)).is_ok() {
            report.removed += 1;
            if let Some(dir) = options.out.join(stale).parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
    let manifest = Manifest {
        global: renderer.global.clone(),
        pages: new_pages,
    };
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    write_if_changed(&manifest_path, text.as_bytes())?;
    Ok(report)
}

/// Writes `bytes` unless the file already holds exactly them. Returns
/// whether it wrote.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, SiteError> {
    if std::fs::read(path).is_ok_and(|existing| existing == bytes) {
        return Ok(false);
    }
    // Replaced by rename, so a reader never sees half a page; not synced to
    // disk file by file, since a site is rebuilt from git after a crash.
    crate::fs::replace(path, bytes, &crate::fs::Replace::default()).map_err(|source| {
        SiteError::Write {
            path: path.to_owned(),
            source,
        }
    })?;
    Ok(true)
}

/// Renders `inputs` as of the current time (`LEDE_NOW` pins it).
pub fn build_at_now(
    root: &Path,
    config: &Config,
    inputs: &[Input],
    out: &Path,
    draft: bool,
) -> Result<BuildReport, SiteError> {
    let now = crate::record::document::now()
        .parse::<toml::value::Datetime>()
        .ok()
        .and_then(|n| crate::record::document::instant(&n))
        .map_or(0, |(seconds, _)| seconds);
    build(
        inputs,
        &Options {
            config,
            root,
            out,
            now,
            draft,
        },
    )
}
