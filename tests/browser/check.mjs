// Real-browser checks of a site served by `lede preview` (see run.sh).
//
//   node check.mjs URL OUTDIR
//
// URL is the preview's root (http://127.0.0.1:PORT/); OUTDIR receives the
// screenshots. Exits 1 if any check fails, 2 if the checks could not run.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error('usage: node check.mjs URL OUTDIR');
  process.exit(2);
}
const root = base.endsWith('/') ? base : `${base}/`;
fs.mkdirSync(outDir, { recursive: true });

const STORY = 'stories/kazakhstan-joins-abraham-accords/';
const XSS_STORY = 'stories/xss-test/';
const TOPIC = 'topics/kazakhstan/';
const HEADLINE = 'Kazakhstan to join the Abraham Accords in a largely symbolic win for Washington';
const SECTION_HEADINGS = [
  "What's happened",
  "What's behind the headline?",
  'What the papers say',
  'How we got here',
  'Go deeper',
  'More on these topics',
];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok    ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${name}${detail ? `\n      ${detail.replace(/\n/g, '\n      ')}` : ''}`);
  }
  return ok;
}

const normalise = (text) => (text ?? '').replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ').trim();

// Whether an element has a non-empty box and is not hidden by CSS.
async function visible(handle) {
  if (!handle) return false;
  const box = await handle.boundingBox();
  if (!box || box.width <= 0 || box.height <= 0) return false;
  return handle.evaluate((el) => {
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0;
  });
}

async function headingNamed(page, tag, text) {
  for (const handle of await page.$$(tag)) {
    const own = normalise(await handle.evaluate((el) => el.textContent));
    if (own === normalise(text)) return handle;
  }
  return null;
}

async function open(page, relative, label) {
  const url = new URL(relative, root).href;
  let response;
  try {
    response = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  } catch (error) {
    check(`${label}: ${url} loads`, false, String(error));
    return false;
  }
  const status = response ? response.status() : 0;
  return check(`${label}: ${url} loads (HTTP ${status})`, status === 200);
}

async function storyStructure(page, label) {
  const h1 = await page.$('h1');
  const h1Text = h1 ? normalise(await h1.evaluate((el) => el.textContent)) : '';
  check(`${label}: the h1 headline is visible`, (await visible(h1)) && h1Text === HEADLINE,
    `h1 is ${JSON.stringify(h1Text)}, expected ${JSON.stringify(HEADLINE)}`);
  for (const text of SECTION_HEADINGS) {
    const heading = await headingNamed(page, 'h2', text);
    check(`${label}: the heading "${text}" is visible`, await visible(heading),
      heading ? 'it is in the page but has no box or is hidden' : 'no h2 with that text');
  }
  const goDeeper = await headingNamed(page, 'h2', 'Go deeper');
  const questions = goDeeper
    ? await goDeeper.evaluateHandle((el) => [...(el.closest('section') ?? el.parentElement).querySelectorAll('h3')])
    : null;
  let shownQuestions = 0;
  if (questions) {
    const properties = await questions.getProperties();
    for (const handle of properties.values()) {
      const element = handle.asElement();
      if (element && (await visible(element)) && normalise(await element.evaluate((el) => el.textContent))) {
        shownQuestions += 1;
      }
    }
  }
  check(`${label}: "Go deeper" shows at least one FAQ question (${shownQuestions})`, shownQuestions > 0);
  const topics = await headingNamed(page, 'h2', 'More on these topics');
  const topicLinks = topics
    ? await topics.evaluate((el) => [...(el.closest('section') ?? el.parentElement).querySelectorAll('a[href]')]
      .map((a) => a.getAttribute('href')))
    : [];
  check(`${label}: "More on these topics" links to the Kazakhstan topic`,
    topicLinks.some((href) => href.includes('topics/kazakhstan/')), `links: ${topicLinks.join(', ') || 'none'}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(`${label}: nothing scrolls sideways`, overflow <= 0, `the page is ${overflow}px wider than the viewport`);
}

const axeSource = require.resolve('axe-core');

async function axe(page, label) {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(', '),
        html: n.html,
        summary: n.failureSummary,
      })),
    }));
  });
  const detail = violations.map((v) => [
    `axe ${v.id} (impact: ${v.impact}): ${v.help}`,
    `  ${v.helpUrl}`,
    ...v.nodes.map((n) => `  target: ${n.target}\n    html: ${n.html.slice(0, 300)}\n    ${(n.summary ?? '').replace(/\n/g, '\n    ')}`),
  ].join('\n')).join('\n');
  check(`${label}: axe-core finds no violations (${violations.length})`, violations.length === 0, detail);
}

// Nothing a story's author wrote may run: no script but JSON-LD, no event
// handler attribute, no javascript:/data:/vbscript: link, no dialog.
async function inert(page, label, dialogs, pageErrors) {
  // Broken images fire `error` before `load`, but give timers a moment.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const xss = await page.evaluate(() => typeof window.__xss === 'undefined' ? 'undefined' : String(window.__xss));
  check(`${label}: window.__xss is undefined`, xss === 'undefined', `window.__xss = ${xss}`);
  check(`${label}: no dialog opened`, dialogs.length === 0, dialogs.join('\n'));
  check(`${label}: no script error`, pageErrors.length === 0, pageErrors.join('\n'));
  const findings = await page.evaluate(() => {
    const found = [];
    const dangerous = /^\s*(javascript|vbscript|data):/i;
    const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'poster', 'background']);
    for (const el of document.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on')) found.push(`<${el.localName} ${name}="${attr.value}">`);
        if (urlAttributes.has(name) && dangerous.test(attr.value.replace(/[\u0000-\u001f]/g, ''))) {
          found.push(`<${el.localName} ${name}="${attr.value}">`);
        }
      }
    }
    for (const el of document.querySelectorAll('script')) {
      if (el.type !== 'application/ld+json') found.push(`<script type="${el.type}">${el.textContent.slice(0, 80)}`);
      else {
        try { JSON.parse(el.textContent); } catch (error) { found.push(`JSON-LD does not parse: ${error.message}`); }
      }
    }
    for (const el of document.body.querySelectorAll('iframe, object, embed, svg, math, base, form, meta, link, style')) {
      found.push(`<${el.localName}> in the body`);
    }
    return found;
  });
  check(`${label}: no active content from the records`, findings.length === 0, findings.join('\n'));
}

let browser;
try {
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless=new'],
    timeout: 60000,
  });
} catch (error) {
  console.error(`cannot start Chromium: ${error.message}`);
  process.exit(2);
}

try {
  const page = await browser.newPage();
  const dialogs = [];
  const pageErrors = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()} (on ${page.url()})`);
    await dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => pageErrors.push(`${error.message} (on ${page.url()})`));
  const reset = () => { dialogs.length = 0; pageErrors.length = 0; };

  // The story, on a desktop screen and on a phone.
  for (const [label, viewport, shot] of [
    ['story (desktop 1280x800)', DESKTOP, 'story-desktop.png'],
    ['story (phone 390x844)', PHONE, 'story-phone.png'],
  ]) {
    reset();
    await page.setViewport(viewport);
    if (await open(page, STORY, label)) {
      await storyStructure(page, label);
      const file = path.join(outDir, shot);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`      screenshot: ${file}`);
      // Before axe, whose own script is injected into the page.
      await inert(page, label, dialogs, pageErrors);
      await axe(page, label);
    }
  }

  // The index and a topic page: axe, and the XSS story's headline is
  // listed on both, so it must stay inert there too.
  await page.setViewport(DESKTOP);
  for (const [label, relative] of [['index', ''], ['topic kazakhstan', TOPIC]]) {
    reset();
    if (await open(page, relative, label)) {
      const listsXss = await page.evaluate(() => [...document.querySelectorAll('a')]
        .some((a) => a.getAttribute('href')?.includes('stories/xss-test/')));
      check(`${label}: lists the XSS test story`, listsXss);
      // Before axe, whose own script is injected into the page.
      await inert(page, label, dialogs, pageErrors);
      await axe(page, label);
    }
  }

  // The story whose headline, body, FAQ and sources are XSS payloads.
  reset();
  const label = 'xss-test story';
  if (await open(page, XSS_STORY, label)) {
    const h1 = normalise(await page.$eval('h1', (el) => el.textContent).catch(() => ''));
    check(`${label}: the headline's markup is shown as text`, h1.includes('XSS test') && h1.includes('<script>'),
      `h1 is ${JSON.stringify(h1)}`);
    const outlet = await page.evaluate(() => [...document.querySelectorAll('.sources li')].map((li) => li.textContent).join('\n'));
    check(`${label}: the sources are rendered`, outlet.includes('The New Arab'), `sources: ${outlet.slice(0, 300)}`);
    await inert(page, label, dialogs, pageErrors);
    await page.screenshot({ path: path.join(outDir, 'xss-test.png'), fullPage: true });
  }
} catch (error) {
  check('the checks ran to the end', false, error.stack ?? String(error));
} finally {
  await browser.close().catch(() => {});
}

console.log(`check.mjs: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
