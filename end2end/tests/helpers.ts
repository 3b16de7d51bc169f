import { test, expect, Browser, BrowserContext, Page, TestInfo } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { slugFor } from "../owned-articles";

export const ARTICLE = "/articles/china-ratifies-extradition-treaty-with-turkey";
export const HEADLINE = "China ratifies extradition treaty with Turkey, alarming the Uighur diaspora";

export const jsOn = (info: TestInfo) => info.project.name === "hydrated";

/** A name no other test (or other project) uses, so assertions find only this test's rows. */
export function unique(prefix: string, info: TestInfo): string {
  return `${prefix} ${info.project.name} ${Date.now().toString(36)}`;
}

/** The article this test owns in this project (written by owned-articles.js before the server
 *  starts): nothing another test does changes what this one counts. */
export function ownArticle(info: TestInfo): string {
  return `/articles/${slugFor(path.basename(info.file), info.title, info.project.name)}`;
}

/** Hydrated pages: marks the document, so `expectSameDocument` can prove that what followed
 *  happened in place, without a full page load. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as any).__bylineDocument = "unchanged"));
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as any).__bylineDocument), "the page was not reloaded").toBe("unchanged");
}

/** Where the e2e server reads its clock's offset (BYLINE_CLOCK_FILE), in seconds. */
const CLOCK_FILE = path.resolve(__dirname, "../../target/e2e/clock");

/** Moves the e2e server's clock forward: a window closes without the test waiting for it. */
export function advanceServerClock(seconds: number) {
  const now = fs.existsSync(CLOCK_FILE) ? Number(fs.readFileSync(CLOCK_FILE, "utf8")) || 0 : 0;
  fs.writeFileSync(CLOCK_FILE, String(now + seconds));
}

/** Opens a page; with JavaScript on, waits until the app has hydrated. */
export async function open(page: Page, path: string, info: TestInfo) {
  const res = await page.goto(path);
  if (jsOn(info)) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  return res;
}

/** Collects uncaught errors and console errors, to assert a clean hydration. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  // also printed as they happen, so a test that fails earlier still shows them
  page.on("pageerror", (e) => {
    errors.push(String(e));
    console.log(`[page error] ${e}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") {
      errors.push(m.text());
      console.log(`[console error] ${m.text()}`);
    }
  });
  return errors;
}

/** Where the e2e server's embedded mail transport writes (.eml files). */
export const MAIL_DIR = path.resolve(__dirname, "../../target/e2e/mail");

function qpDecode(s: string): string {
  const bytes: number[] = [];
  const soft = s.replace(/=\r?\n/g, "");
  for (let i = 0; i < soft.length; i++) {
    const m = soft[i] === "=" ? /^[0-9A-F]{2}$/.exec(soft.slice(i + 1, i + 3)) : null;
    if (m) {
      bytes.push(parseInt(m[0], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Waits for a mail to `to` whose subject starts with `subject`; answers its decoded text. */
export async function mailTo(to: string, subject: string): Promise<string> {
  let found: string | undefined;
  await expect
    .poll(
      () => {
        const files = fs.existsSync(MAIL_DIR) ? fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith(".eml")) : [];
        for (const f of files.sort()) {
          const raw = fs.readFileSync(path.join(MAIL_DIR, f), "utf8");
          const head = raw.split("\r\n\r\n")[0].replace(/\r\n[ \t]/g, " ");
          if (head.includes(`To: ${to}`) && new RegExp(`^Subject: ${subject}`, "m").test(head)) {
            found = qpDecode(raw);
          }
        }
        return found !== undefined;
      },
      { timeout: 15_000, message: `a mail "${subject}…" to ${to}` },
    )
    .toBe(true);
  return found!;
}

/** The path (and query) of the first link in `text` that contains `needle`. */
export function linkIn(text: string, needle: string): string {
  const url = text.split(/\s+/).find((w) => w.startsWith("http") && w.includes(needle));
  if (!url) throw new Error(`no link with ${needle} in\n${text}`);
  const u = new URL(url);
  return u.pathname + u.search + u.hash;
}

/** The e2e server's clock now (unix seconds): the wall clock plus what `advanceServerClock` added. */
export function serverNow(): number {
  const offset = fs.existsSync(CLOCK_FILE) ? Number(fs.readFileSync(CLOCK_FILE, "utf8")) || 0 : 0;
  return Math.floor(Date.now() / 1000) + offset;
}

/** A unix time as `<input type="datetime-local">` takes it, in UTC (the desk's times are UTC). */
export function minuteInput(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 16);
}

/** The browsers a spec's tests open, each closed when its test ends (an open article page holds a
 *  live stream): `newPage` opens one in the test's mode, `keep` takes one opened otherwise. */
export function browsersClosedAfterEach() {
  const opened: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
  });
  const keep = (c: BrowserContext) => {
    opened.push(c);
    return c;
  };
  const newPage = async (browser: Browser, info: TestInfo) =>
    keep(await browser.newContext({ javaScriptEnabled: jsOn(info) })).newPage();
  return { newPage, keep };
}

/** Signs `page` in to the desk as `email`, through the sign-in form, and lands on `next`. */
export async function deskSignIn(page: Page, info: TestInfo, email: string, password: string, next = "/desk") {
  await open(page, `/desk/signin?next=${encodeURIComponent(next)}`, info);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".desk-nav")).toContainText("Signed in as");
}
