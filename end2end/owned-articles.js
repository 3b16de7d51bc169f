// Every Playwright test owns an article of its own (one per project): what it posts, counts and
// sorts is never touched by another test, a retry or a new order. Run before the e2e server
// starts (playwright.config.ts), this writes one unlisted article per `test("…")` in tests/ and
// per project into the folder given; `ownArticle(info)` in tests/helpers.ts names the same path.
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");

const PROJECTS = ["hydrated", "no-js"];

/** The slug of the article the test `title` in `file` (e.g. "thread.spec.ts") owns in `project`. */
function slugFor(file, title, project) {
  const words = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  const hash = crypto.createHash("sha256").update(`${path.basename(file)}\n${title}`).digest("hex").slice(0, 6);
  return `e2e-${words}-${hash}-${project}`;
}

/** The titles of the tests in a spec file, in order (`test("…"` at the start of a line). */
function titlesIn(source) {
  return [...source.matchAll(/^test\(\s*"((?:[^"\\]|\\.)*)"/gm)].map((m) => JSON.parse(`"${m[1]}"`));
}

function article(slug, title, project) {
  // the body carries a marked passage and several paragraphs, so any flow (comments, inline
  // feedback, selecting a passage) works on any test's article
  return `---
title: ${JSON.stringify(`Test desk: ${title} (${project})`)}
slug: ${slug}
section: Test
tags: [Test]
standfirst: An article only one end-to-end test uses.
date: 2020-01-01
unlisted: true
feedback:
  - passage: "The harbour council will vote on the dredging plan in March"
    question: Should the vote wait for the environmental survey?
---

The harbour council will vote on the dredging plan in March. Fishermen say the plan ignores them.

Dredging would start in the summer, according to the plan. Nobody has costed the work yet, and the mayor would not say who pays.

A third paragraph closes the story with a quote from the port authority.
`;
}

function writeAll(outDir) {
  const testsDir = path.join(__dirname, "tests");
  fs.mkdirSync(outDir, { recursive: true });
  let n = 0;
  for (const file of fs.readdirSync(testsDir).filter((f) => f.endsWith(".spec.ts")).sort()) {
    for (const title of titlesIn(fs.readFileSync(path.join(testsDir, file), "utf8"))) {
      for (const project of PROJECTS) {
        const slug = slugFor(file, title, project);
        fs.writeFileSync(path.join(outDir, `${slug}.md`), article(slug, title, project));
        n++;
      }
    }
  }
  return n;
}

module.exports = { slugFor, titlesIn };

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error("usage: node owned-articles.js <folder>");
    process.exit(2);
  }
  console.log(`owned-articles: ${writeAll(path.resolve(out))} articles in ${out}`);
}
