//! `lede preview`: the site served on 127.0.0.1 while editing, rebuilt
//! when records change.
//!
//! The server is deliberately small: GET and HEAD of files under the built
//! directory, nothing else. It listens on the loopback address only.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::git::Git;
use crate::newsroom::config::Config;
use crate::newsroom::layout;

/// Serve the site on this machine while you edit.
///
/// Renders the published branch (or, with --working, the working tree with
/// every page marked as a draft) into .git/lede-preview, serves it at
/// http://127.0.0.1:PORT/ and rebuilds when records change. Stop it with
/// Ctrl-C.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,

    /// Show the working tree, drafts included, instead of the published
    /// branch.
    #[arg(long)]
    pub working: bool,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let listener = TcpListener::bind(("127.0.0.1", args.port)).map_err(|error| {
        CommandError::new(format!("cannot listen on 127.0.0.1:{}: {error}", args.port))
            .hint("choose another port with --port")
    })?;
    let port = listener.local_addr()?.port();
    let base_url = format!("http://127.0.0.1:{port}/");
    let git = Git::open(root)?;
    let out =
        git.git_dir()
            .join("lede-preview")
            .join(if args.working { "working" } else { "published" });
    drop(git);

    let working = args.working;
    let rebuild = {
        let out = out.clone();
        let ui = ui.clone();
        move |root: &Path| -> Result<(), CommandError> {
            // Read anew for every build, so that an edit of lede.toml shows.
            let mut config = Config::load(root)?;
            config.site.base_url = base_url.clone();
            let (from, inputs) = if working {
                (
                    "the working tree".to_owned(),
                    crate::site::load::working(root)?,
                )
            } else {
                let (from, inputs) = crate::site::load::published(root, &config)?;
                let from = from.map_or_else(|| "nothing published yet".to_owned(), |f| f.name);
                (from, inputs)
            };
            let report = crate::site::build_at_now(root, &config, &inputs, &out, working)?;
            errln!(
                ui,
                "Built {} stories from {from} ({} files written, {} unchanged).",
                report.stories,
                report.written,
                report.unchanged
            );
            Ok(())
        }
    };
    // What the first build is made of, taken before it: an edit made
    // while it runs, or before the watcher below starts, is still seen.
    let config_branch = Config::load(root).unwrap_or_default();
    let built_from = source_state(root, working, &config_branch);
    rebuild(root)?;
    let what = if args.working {
        "the working tree (drafts included)"
    } else {
        "the published branch"
    };
    outln!(
        ui,
        "Serving {what} at http://127.0.0.1:{port}/ (Ctrl-C to stop)"
    )?;
    ui.flush()?;

    // Rebuild when what the site is made of changes.
    let watched_root = root.to_path_buf();
    let watcher_ui = ui.clone();
    std::thread::spawn(move || {
        let mut last = built_from;
        // Looking costs a stat of every record with --working: on a large
        // archive the watcher waits ten times as long as a look took, so
        // it never takes more than a tenth of a core.
        let mut pause = Duration::from_millis(500);
        loop {
            std::thread::sleep(pause);
            let started = std::time::Instant::now();
            let now = source_state(&watched_root, working, &config_branch);
            pause = Duration::from_millis(500).max(started.elapsed() * 10);
            if now != last {
                last = now;
                if let Err(error) = rebuild(&watched_root) {
                    errln!(watcher_ui, "{}", error.render());
                }
            }
        }
    });

    let out = Arc::new(out);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let out = Arc::clone(&out);
        std::thread::spawn(move || {
            let _ = serve(stream, &out);
        });
    }
    Ok(Outcome::Success)
}

/// What a rebuild depends on: the published branch's tip, or the records',
/// templates' and configuration's modification times.
fn source_state(root: &Path, working: bool, config: &Config) -> Vec<(String, Option<SystemTime>)> {
    let mut state = Vec::new();
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    state.push(("lede.toml".to_owned(), modified(&root.join("lede.toml"))));
    for entry in std::fs::read_dir(root.join("templates"))
        .into_iter()
        .flatten()
        .flatten()
    {
        state.push((entry.path().display().to_string(), modified(&entry.path())));
    }
    if working {
        for entry in layout::walk_records(root).unwrap_or_default() {
            state.push((entry.display.clone(), modified(&entry.path)));
        }
    } else if let Ok(git) = Git::open(root) {
        state.push((
            crate::newsroom::published::published_ref(&git, config)
                .ok()
                .flatten()
                .map(|p| p.tip)
                .unwrap_or_default(),
            None,
        ));
    }
    state
}

fn serve(mut stream: TcpStream, out: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // The headers are read and ignored.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("/"),
    );
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"GET only\n",
            method == "HEAD",
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(relative) = decode(path) else {
        return respond(
            &mut stream,
            "400 Bad Request",
            "text/plain; charset=utf-8",
            b"bad path\n",
            false,
        );
    };
    let mut file = out.to_path_buf();
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        if part == ".." || part.starts_with('.') || part.contains('\\') {
            return respond(
                &mut stream,
                "404 Not Found",
                "text/plain; charset=utf-8",
                b"not found\n",
                false,
            );
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => respond(
            &mut stream,
            "200 OK",
            content_type(&file),
            &bytes,
            method == "HEAD",
        ),
        Err(_) => respond(
            &mut stream,
            "404 Not Found",
            "text/html; charset=utf-8",
            b"<!doctype html><title>Not found</title><p>Not found.</p>\n",
            method == "HEAD",
        ),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Percent-decoding of a URL path; `None` for a malformed escape or bytes
/// that are not UTF-8.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(bytes.get(index + 1..index + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_decode_and_bad_escapes_are_refused() {
        assert_eq!(decode("/stories/a%20b/").as_deref(), Some("/stories/a b/"));
        assert_eq!(decode("/%2e%2e/etc"), Some("/../etc".to_owned()));
        assert_eq!(decode("/%zz"), None);
        assert_eq!(decode("/%ff"), None);
    }
}
