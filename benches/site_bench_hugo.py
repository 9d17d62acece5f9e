#!/usr/bin/env python3
"""benches/site_bench_hugo.py — a Hugo site equivalent to what `lede build` makes of a corpus.

Usage:  python3 benches/site_bench_hugo.py CORPUS_DIR SITE_DIR [--base-url URL] [--title T]
            [--language L] [--latest K] [--style FILE]

Called by benches/site_bench.sh. Reads the records of a content repository
written by gen-corpus (stories/<yyyy>/<slug>.toml and topics/<id>.toml,
from the working tree) and writes SITE_DIR, replacing its content/,
layouts/ and static/:

  hugo.toml                      baseURL, title, taxonomies = {topic = "topics"}, page and
                                 home JSON outputs; RSS and sitemap as Hugo makes them, the
                                 RSS feeds limited to the latest K items like lede's feeds
  content/stories/<slug>.md      TOML front matter: title = headline, date = published (else
                                 created), lastmod = updated, topics = the story's topic ids,
                                 params: desk, status, revision, authors, sources, faq,
                                 corrections. Body: each section's Markdown under a
                                 "## Title {#id}" heading, in lede's order (the four standard
                                 sections, then the others in file order)
  content/topics/<id>/_index.md  the term page: title = the topic's name, body = its blurb
  layouts/                       lede's built-in templates (src/templates/*.html) in Hugo's
                                 template language: baseof, page (sections, sources, "Go
                                 deeper", "More on these topics", corrections, JSON-LD through
                                 jsonify), home (the latest K), term (every story of a topic),
                                 taxonomy and section (the latest K), page.json and home.json
  static/style.css               lede's stylesheet (--style)

Every value is rendered by Hugo: summaries, FAQ answers (RenderString), JSON-LD
and author names ("Name <email>" cut at " <") are not precomputed here.
Differences from lede that remain: Hugo prints a section's sources after the
whole body rather than under their section (its Markdown is one document),
and the JSON-LD is at the end of the article instead of in <head>.
"""

import argparse
import datetime
import json
import os
import shutil
import sys
import tomllib
from pathlib import Path

SECTION_ORDER = ["whats-happened", "behind-the-headline", "what-the-papers-say", "how-we-got-here"]

HUGO_TOML = """\
# Written by benches/site_bench_hugo.py: the Hugo side of benches/site_bench.sh.
baseURL = {base_url}
title = {title}
locale = {language}
disableHugoGeneratorInject = true

[taxonomies]
topic = "topics"

# lede's index and feeds list the latest {latest} stories; Hugo's RSS feeds would list all.
[services.rss]
limit = {latest}

[params]
latest = {latest}

# Hugo's defaults (html + rss for lists, sitemap) plus a JSON document per story, as lede
# writes stories/<slug>.json, and a JSON feed on the home page, as lede writes feed.json.
[outputs]
home = ["html", "rss", "json"]
page = ["html", "json"]
"""

LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
{{ block "meta" . }}{{ end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
<link rel="alternate" type="application/rss+xml" title="{{ site.Title }}" href="{{ "index.xml" | relURL }}">
<link rel="alternate" type="application/feed+json" title="{{ site.Title }}" href="{{ "index.json" | relURL }}">
</head>
<body>
<a class="skip" href="#content">Skip to the story</a>
<header class="masthead">
<p class="site-name"><a href="{{ "" | relURL }}">{{ site.Title }}</a></p>
</header>
<main id="content">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
<p><a href="{{ "" | relURL }}">All stories</a> · <a href="{{ "index.xml" | relURL }}">RSS feed</a> · <a href="{{ "index.json" | relURL }}">JSON feed</a></p>
</footer>
</body>
</html>
""",
    "page.html": """\
{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "meta" }}
<meta name="description" content="{{ .Summary | plainify | truncate 200 }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ end }}
{{ define "main" }}
{{ $iso := "2006-01-02T15:04:05Z07:00" }}
{{ $authors := slice }}
{{ range .Params.authors }}{{ $authors = $authors | append (index (split . " <") 0) }}{{ end }}
<article class="story">
<header>
<h1>{{ .Title }}</h1>
<p class="byline">{{ with $authors }}By {{ delimit . ", " }} · {{ end }}Updated <time datetime="{{ .Lastmod.Format $iso }}">{{ .Lastmod.Format "2 January 2006" }}</time></p>
</header>
{{ .Content }}
{{ with .Params.sources }}
<ul class="sources">
{{ range . }}
<li><strong class="outlet">{{ if .url }}<a href="{{ .url }}" rel="noopener noreferrer">{{ .outlet }}</a>{{ else }}{{ .outlet }}{{ end }}</strong>: {{ .gist }}</li>
{{ end }}
</ul>
{{ end }}
{{ $questions := slice }}
{{ with .Params.faq }}
<section id="go-deeper" aria-labelledby="go-deeper-title" class="faq">
<h2 id="go-deeper-title">Go deeper</h2>
{{ range . }}
{{ $html := $.RenderString (dict "display" "block") .answer }}
<div class="faq-entry" id="faq-{{ .id }}">
<h3>{{ .question }}</h3>
{{ $html }}
</div>
{{ $questions = $questions | append (dict "@type" "Question" "name" .question "acceptedAnswer" (dict "@type" "Answer" "text" ($html | plainify | strings.TrimSpace))) }}
{{ end }}
</section>
{{ end }}
{{ with .GetTerms "topics" }}
<section id="more-on-these-topics" aria-labelledby="topics-title" class="topics">
<h2 id="topics-title">More on these topics</h2>
<ul>
{{ range . }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ with .Plain }}: {{ . }}{{ end }}</li>
{{ end }}
</ul>
</section>
{{ end }}
{{ $corrections := slice }}
{{ with .Params.corrections }}
<section id="corrections" aria-labelledby="corrections-title" class="corrections">
<h2 id="corrections-title">Corrections</h2>
<ul>
{{ range . }}
{{ $at := time.AsTime .at }}
<li><time datetime="{{ $at.Format $iso }}">{{ $at.Format "2 January 2006" }}</time>: {{ .note }}</li>
{{ $corrections = $corrections | append (dict "@type" "CorrectionComment" "text" .note "datePublished" ($at.Format $iso)) }}
{{ end }}
</ul>
</section>
{{ end }}
{{ $people := slice }}
{{ range $authors }}{{ $people = $people | append (dict "@type" "Person" "name" .) }}{{ end }}
{{ $ld := slice (dict "@context" "https://schema.org" "@type" "NewsArticle" "headline" .Title "datePublished" (.Date.Format $iso) "dateModified" (.Lastmod.Format $iso) "author" $people "mainEntityOfPage" .Permalink "description" (.Summary | plainify | truncate 200) "correction" $corrections) }}
{{ with $questions }}{{ $ld = $ld | append (dict "@context" "https://schema.org" "@type" "FAQPage" "mainEntity" .) }}{{ end }}
<script type="application/ld+json">{{ $ld | jsonify | safeJS }}</script>
</article>
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
<h1>Latest stories</h1>
<ul class="story-list">
{{ range first site.Params.latest (where site.RegularPages "Section" "stories").ByLastmod.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Lastmod.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Lastmod.Format "2 January 2006" }}</time><p>{{ .Summary | plainify | truncate 200 }}</p></li>
{{ else }}
<li>Nothing is published yet.</li>
{{ end }}
</ul>
{{ end }}
""",
    "term.html": """\
{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<h2>Stories</h2>
<ul class="story-list">
{{ range .Pages.ByLastmod.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Lastmod.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Lastmod.Format "2 January 2006" }}</time></li>
{{ else }}
<li>No published story is about this topic yet.</li>
{{ end }}
</ul>
{{ end }}
""",
    # Hugo makes these two list pages by default; lede has no equivalent. Kept small.
    "taxonomy.html": """\
{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>
{{ end }}
</ul>
{{ end }}
""",
    "section.html": """\
{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="story-list">
{{ range first site.Params.latest .Pages.ByLastmod.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
""",
    "page.json": """\
{{- $iso := "2006-01-02T15:04:05Z07:00" -}}
{{- $authors := slice -}}
{{- range .Params.authors }}{{ $authors = $authors | append (index (split . " <") 0) }}{{ end -}}
{{- $topics := slice -}}
{{- range .GetTerms "topics" }}{{ $topics = $topics | append (dict "id" .Data.Term "name" .LinkTitle "blurb" .Plain "url" .RelPermalink) }}{{ end -}}
{{- dict "slug" .File.ContentBaseName "headline" .Title "status" .Params.status "url" .RelPermalink "absolute_url" .Permalink "updated" (.Lastmod.Format $iso) "published" (.Date.Format $iso) "revision" .Params.revision "desk" .Params.desk "authors" $authors "summary" (.Summary | plainify | truncate 200) "body" .RawContent "sources" (.Params.sources | default slice) "faq" (.Params.faq | default slice) "topics" $topics "corrections" (.Params.corrections | default slice) | jsonify (dict "indent" "  ") }}
""",
    "home.json": """\
{{- $iso := "2006-01-02T15:04:05Z07:00" -}}
{{- $items := slice -}}
{{- range first site.Params.latest (where site.RegularPages "Section" "stories").ByLastmod.Reverse -}}
{{- $authors := slice }}{{ range .Params.authors }}{{ $authors = $authors | append (dict "name" (index (split . " <") 0)) }}{{ end -}}
{{- $summary := .Summary | plainify | truncate 200 -}}
{{- $items = $items | append (dict "id" .Permalink "url" .Permalink "title" .Title "summary" $summary "content_text" $summary "date_published" (.Date.Format $iso) "date_modified" (.Lastmod.Format $iso) "authors" $authors) -}}
{{- end -}}
{{- dict "version" "https://jsonfeed.org/version/1.1" "title" site.Title "home_page_url" site.Home.Permalink "feed_url" ("index.json" | absURL) "language" site.Language.Locale "items" $items | jsonify (dict "indent" "  ") }}
""",
}


def q(value):
    """A TOML basic string (JSON's string escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def toml_value(value):
    if isinstance(value, str):
        return q(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")


def story_page(story):
    """The Markdown file (front matter and body) of one story record."""
    out = ["+++"]
    out.append(f"title = {q(story['headline'])}")
    date = story.get("published", story["created"])
    out.append(f"date = {toml_value(date)}")
    out.append(f"lastmod = {toml_value(story['updated'])}")
    out.append(f"topics = {toml_value(story.get('topics', []))}")
    out.append("[params]")
    for key in ("desk", "status", "revision", "authors"):
        if key in story:
            out.append(f"{key} = {toml_value(story[key])}")
    sections = story.get("sections", {})
    order = [s for s in SECTION_ORDER if s in sections] + [s for s in sections if s not in SECTION_ORDER]
    for sid in order:
        for source in sections[sid].get("sources", []):
            out.append("[[params.sources]]")
            out.append(f"section = {q(sid)}")
            for key in ("outlet", "url", "gist"):
                if key in source:
                    out.append(f"{key} = {q(source[key])}")
    for entry in story.get("faq", []):
        out.append("[[params.faq]]")
        for key in ("id", "question", "answer"):
            out.append(f"{key} = {q(entry[key])}")
    for correction in story.get("corrections", []):
        out.append("[[params.corrections]]")
        out.append(f"at = {toml_value(correction['at'])}")
        out.append(f"note = {q(correction['note'])}")
    out.append("+++")
    for sid in order:
        section = sections[sid]
        out.append("")
        out.append(f"## {section['title']} {{#{sid}}}")
        out.append("")
        out.append(section["body"].strip("\n"))
    out.append("")
    return "\n".join(out)


def topic_page(topic):
    return "\n".join(
        ["+++", f"title = {q(topic['name'])}", "[params]", f"kind = {q(topic.get('kind', ''))}", "+++", "",
         topic.get("blurb", "").strip("\n"), ""]
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("corpus")
    p.add_argument("site")
    p.add_argument("--base-url", default="http://localhost:8000/")
    p.add_argument("--title", default="The Lede Benchmark Newsroom")
    p.add_argument("--language", default="en")
    p.add_argument("--latest", type=int, default=50)
    p.add_argument("--style", help="stylesheet copied to static/style.css")
    args = p.parse_args()

    corpus, site = Path(args.corpus), Path(args.site)
    site.mkdir(parents=True, exist_ok=True)
    for sub in ("content", "layouts", "static"):
        shutil.rmtree(site / sub, ignore_errors=True)
    (site / "hugo.toml").write_text(
        HUGO_TOML.format(base_url=q(args.base_url), title=q(args.title), language=q(args.language), latest=args.latest)
    )
    (site / "layouts").mkdir()
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).write_text(text)
    (site / "static").mkdir()
    if args.style:
        shutil.copyfile(args.style, site / "static" / "style.css")

    stories_dir = site / "content" / "stories"
    stories_dir.mkdir(parents=True)
    n_stories = n_topics = 0
    skipped = []
    for path in sorted((corpus / "topics").glob("*.toml")):
        with open(path, "rb") as f:
            topic = tomllib.load(f)
        d = site / "content" / "topics" / path.stem
        d.mkdir(parents=True)
        (d / "_index.md").write_text(topic_page(topic))
        n_topics += 1
    for path in sorted((corpus / "stories").glob("*/*.toml")):
        try:
            with open(path, "rb") as f:
                story = tomllib.load(f)
            text = story_page(story)
        except (tomllib.TOMLDecodeError, KeyError, TypeError) as e:
            skipped.append(f"{path.relative_to(corpus)}: {e}")
            continue
        (stories_dir / f"{path.stem}.md").write_text(text)
        n_stories += 1
    print(f"site_bench_hugo.py: {n_stories} stories and {n_topics} topics written to {site}", file=sys.stderr)
    for s in skipped:
        print(f"site_bench_hugo.py: skipped {s}", file=sys.stderr)
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
