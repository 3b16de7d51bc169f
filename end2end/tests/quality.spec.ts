import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ARTICLE, open } from "./helpers";

const PAGES = [
  ARTICLE,
  `${ARTICLE}?filter=feedback#comments`,
  "/contact",
  "/subscriptions",
  "/",
  "/section/world",
  "/tags/turkey",
  "/archive",
  "/search",
  "/search?q=turkey",
];

for (const p of PAGES) {
  test(`axe finds no accessibility violation on ${p}`, async ({ page }, info) => {
    // axe is a script run in the page: with JavaScript off it cannot run. The server's HTML is
    // the same in both projects (the islands only add the live region's bubble and a button).
    test.skip(info.project.name !== "hydrated", "axe needs JavaScript in the page");
    await open(page, p, info);
    const result = await new AxeBuilder({ page }).analyze();
    const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(found).toEqual([]);
  });
}

// The W3C Nu HTML checker (vnu-jar from npm, Debian's java) on the HTML the server sends.
// What it would still report and cannot be fixed here is listed, each with its reason.
const UNFIXABLE: { pattern: RegExp; why: string }[] = [];

test("the W3C HTML checker finds no error in the server's pages", async ({ request }, info) => {
  test.skip(info.project.name !== "no-js", "the server's HTML is the same for both projects: checked once");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "byline-vnu-"));
  const files = [];
  for (const [i, p] of PAGES.entries()) {
    const res = await request.get(p);
    expect(res.status(), p).toBe(200);
    const file = path.join(dir, `page-${i}.html`);
    fs.writeFileSync(file, await res.text());
    files.push(file);
  }
  const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
  // vnu writes its JSON report on stderr, and exits 1 when it found an error
  const run = spawnSync("java", ["-jar", jar, "--format", "json", "--errors-only", ...files], {
    encoding: "utf8",
  });
  expect(run.error, "java runs").toBeUndefined();
  // a checker that printed nothing (it did not run, or ran on nothing) is a failure, not a pass
  const out = run.stderr.trim();
  expect(out, `the checker's report (stdout: ${run.stdout})`).not.toBe("");
  const report = JSON.parse(out).messages;
  expect(Array.isArray(report), out).toBe(true);
  const errors = report
    .filter((m: any) => m.type === "error" || m.type === "non-document-error")
    .filter((m: any) => !UNFIXABLE.some((u) => u.pattern.test(m.message)))
    .map((m: any) => `${PAGES[Number(/page-(\d+)/.exec(m.url)?.[1])]}:${m.lastLine}: ${m.message}`);
  expect(errors).toEqual([]);
  // and its own verdict: any error (none is listed as unfixable) is a non-zero exit
  expect(run.status, out).toBe(0);
});
