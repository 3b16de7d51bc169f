import { test, expect, Browser, BrowserContext, Page, TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { open, ownArticle, unique, jsOn } from "./helpers";

import { E2E_ADMIN as ADMIN } from "../desk-admin";
// Comments with this word are held (the desk's block list, set by the test below).
const HOLD_WORD = "deskcheckword";

async function signIn(page: Page, info: TestInfo, next = "/desk") {
  await open(page, `/desk/signin?next=${encodeURIComponent(next)}`, info);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".desk-nav")).toContainText("Signed in as");
}

/** Sets the block list to `words`; answers what it was (to put back when the test ends: the
 *  settings are the whole site's). */
async function setBlockList(desk: Page, info: TestInfo, words: string): Promise<string> {
  await open(desk, "/desk/settings", info);
  const field = desk.getByLabel(/Hold a comment containing any of these words/);
  const before = await field.inputValue();
  await field.fill(words);
  await desk.getByRole("button", { name: "Save settings" }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("Saved.");
  return before;
}

// every browser a test opens is closed when it ends (an open article page holds a live stream)
const opened: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
});

async function newContext(browser: Browser, info: TestInfo) {
  const context = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  opened.push(context);
  return context;
}

test("an editor signs in, approves a held comment, bans its author, and the reader sees each result", async ({ browser }, info) => {
  const desk = await (await newContext(browser, info)).newPage();
  // signed out, the desk sends the browser to sign in, and back where it was going
  await open(desk, "/desk/queue", info);
  await expect(desk).toHaveURL(/\/desk\/signin\?next=%2Fdesk%2Fqueue/);
  await desk.getByLabel("Email").fill(ADMIN.email);
  await desk.getByLabel("Password").fill("a wrong password");
  await desk.getByRole("button", { name: "Sign in" }).click();
  await expect(desk.locator("#signin-error")).toContainText("do not match");
  await expect(desk.getByLabel("Email")).toHaveValue(ADMIN.email);
  await desk.getByLabel("Password").fill(ADMIN.password);
  await desk.getByRole("button", { name: "Sign in" }).click();
  await expect(desk).toHaveURL(/\/desk\/queue$/);
  await expect(desk.getByRole("heading", { name: "Comments", level: 1 })).toBeVisible();

  // comments with the word wait for the desk (the site's list, put back at the end)
  const blockList = await setBlockList(desk, info, HOLD_WORD);
  try {

  // a reader posts; only they see the comment, marked as waiting
  const reader = await (await newContext(browser, info)).newPage();
  const article = ownArticle(info);
  const name = unique("Held Reader", info);
  const email = `held-${info.project.name}-${Date.now().toString(36)}@example.com`;
  await open(reader, article, info);
  const form = reader.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill(`My ${HOLD_WORD} comment waits for an editor.`);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("textbox", { name: "Email", exact: true }).fill(email);
  await form.getByRole("button", { name: "Post Comment" }).click();
  const mine = reader.locator("article.comment", { hasText: name });
  await expect(mine).toContainText("Awaiting moderation.");
  await mine.screenshot({ path: `screenshots/${info.project.name}/held-comment.png` });
  const stranger = await (await newContext(browser, info)).newPage();
  await open(stranger, article, info);
  await expect(stranger.locator("article.comment", { hasText: name })).toHaveCount(0);

  // the editor finds it in the queue, with who wrote it, and approves it
  await open(desk, "/desk/queue", info);
  const entry = desk.locator(".desk-entry", { hasText: name });
  await expect(entry).toContainText(email);
  await expect(entry).toContainText("a blocked word");
  await entry.getByRole("button", { name: "Approve" }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("1 comment approved.");
  await expect(desk.locator(".desk-entry", { hasText: name })).toHaveCount(0);

  await open(stranger, article, info);
  await expect(stranger.locator("article.comment", { hasText: name })).toContainText("waits for an editor");
  await open(reader, article, info);
  await expect(reader.locator("article.comment", { hasText: name })).not.toContainText("Awaiting moderation");

  // then bans its author by email, from the comment
  await open(desk, "/desk/queue?queue=approved", info);
  await desk.locator(".desk-entry", { hasText: name }).getByRole("link", { name: "Ban author" }).click();
  await expect(desk.getByRole("heading", { name: /Ban the author of comment/ })).toBeVisible();
  await desk.getByLabel(/their email/).check();
  await desk.getByLabel(/Reason/).fill("Test ban from the end-to-end run");
  await desk.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("The ban is in force.");
  await expect(desk.locator("table")).toContainText(email);

  // the reader's next comment is refused, neutrally, and their text is kept
  await open(reader, article, info);
  const again = reader.locator("#comment-form");
  await again.getByRole("textbox", { name: "Comment" }).fill("Trying once more after the ban.");
  await again.getByLabel("Name").fill(name);
  await again.getByRole("textbox", { name: "Email", exact: true }).fill(email);
  await again.getByRole("button", { name: "Post Comment" }).click();
  await expect(reader.locator("#comment-form .form-alert")).toContainText("This comment could not be posted.");
  await expect(reader.locator("#comment-form").getByRole("textbox", { name: "Comment" })).toHaveValue("Trying once more after the ban.");

  // the audit log has it all
  await open(desk, "/desk/audit", info);
  for (const what of ["comment approve", "ban", "settings"]) {
    await expect(desk.locator("table")).toContainText(what);
  }
  // lift the ban again (the other project's run bans its own address)
  await open(desk, "/desk/bans", info);
  await desk.locator("tr", { hasText: email }).getByRole("button", { name: "Lift" }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("The ban was lifted.");
  } finally {
    await setBlockList(desk, info, blockList);
  }
  await desk.getByRole("button", { name: "Sign out" }).click();
  await expect(desk).toHaveURL(/\/desk\/signin\?signed_out=1$/);
  await open(desk, "/desk", info);
  await expect(desk).toHaveURL(/\/desk\/signin/);
});

test("a reader reports a comment", async ({ browser }, info) => {
  const article = ownArticle(info);
  const writer = await (await newContext(browser, info)).newPage();
  const name = unique("Reported Writer", info);
  await open(writer, article, info);
  const form = writer.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill("A comment someone will report.");
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Post Comment" }).click();
  await expect(writer.locator("article.comment", { hasText: name })).toBeVisible();

  const reader = await (await newContext(browser, info)).newPage();
  await open(reader, article, info);
  const comment = reader.locator("article.comment", { hasText: name });
  await comment.getByRole("link", { name: `Report the comment by ${name}` }).click();
  await reader.getByLabel("Off topic").check();
  await reader.getByLabel("Anything to add?").fill("Not about the treaty.");
  await reader.getByRole("button", { name: "Send the report" }).click();
  await expect(reader.locator("article.comment", { hasText: name })).toContainText("the editors will look at this comment");

  const desk = await (await newContext(browser, info)).newPage();
  await signIn(desk, info, "/desk/queue?queue=reported");
  const entry = desk.locator(".desk-entry", { hasText: name });
  await expect(entry).toContainText("Off topic: “Not about the treaty.”");
});

test("the desk's pages are accessible, and screenshots for people to look at", async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, info);
  for (const [path, shot] of [
    ["/desk", "desk-front"],
    ["/desk/queue?queue=approved", "desk-queue"],
    ["/desk/settings", "desk-settings"],
    ["/desk/site", "desk-site"],
    ["/desk/bans", "desk-bans"],
    ["/desk/staff", "desk-staff"],
    ["/desk/stories", "desk-stories"],
    ["/desk/stories/new", "desk-story-new"],
  ]) {
    await open(page, path, info);
    await expect(page.locator(".desk-body h1")).toBeVisible();
    await page.screenshot({ path: `screenshots/${info.project.name}/${shot}.png`, fullPage: shot !== "desk-queue" });
    // axe is a script in the page: with JavaScript off it cannot run (the HTML is the same)
    if (jsOn(info)) {
      const result = await new AxeBuilder({ page }).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      expect(found, path).toEqual([]);
    }
  }
  await open(page, "/desk", info);
  await expect(page.locator(".desk-chart svg")).toBeVisible();
  await expect(page.locator(".desk-chart svg title")).toContainText("Comments per day over the last 30 days");
});

test("an admin sets the site's tagline, navigation and footer, and a reader sees them at once", async ({ browser }, info) => {
  const desk = await (await newContext(browser, info)).newPage();
  await signIn(desk, info, "/desk/site");
  await expect(desk.getByRole("heading", { name: "Site", level: 1 })).toBeVisible();
  const tagline = desk.getByLabel(/^Tagline/);
  const nav = desk.getByLabel("Navigation", { exact: true });
  const footer = desk.getByLabel("Footer line");
  const before = [await tagline.inputValue(), await nav.inputValue(), await footer.inputValue()];
  const mark = unique("South Bay", info);
  try {
    await tagline.fill(`News of the ${mark}`);
    await nav.fill(`${before[1]}\nArchive | /archive`);
    await footer.fill(`© ${mark} newsroom`);
    await desk.getByRole("button", { name: "Save the site" }).click();
    await expect(desk.locator("#desk-notice")).toHaveText("Saved.");
    // a link that is not an address is refused, with what was typed kept
    await nav.fill("Prize | javascript:alert(1)");
    await desk.getByRole("button", { name: "Save the site" }).click();
    await expect(desk.getByRole("alert")).toContainText("Navigation line 1");
    await expect(nav).toHaveValue("Prize | javascript:alert(1)");

    // a reader without a cookie: the kept front page shows the new identity
    const reader = await (await newContext(browser, info)).newPage();
    await open(reader, "/", info);
    await expect(reader.locator(".tagline")).toHaveText(`News of the ${mark}`);
    await expect(reader.locator(".site-footer .copyright")).toHaveText(`© ${mark} newsroom`);
    await expect(reader.locator(".contact-info address")).toContainText("Oak Avenue, Manhattan Beach, California 90266");
    await reader.locator(".site-nav").getByRole("link", { name: "Archive" }).click();
    await expect(reader).toHaveURL(/\/archive$/);
    await expect(reader.getByRole("heading", { level: 1 })).toHaveText("Archive");
  } finally {
    await open(desk, "/desk/site", info);
    await tagline.fill(before[0]);
    await nav.fill(before[1]);
    await footer.fill(before[2]);
    await desk.getByRole("button", { name: "Save the site" }).click();
    await expect(desk.locator("#desk-notice")).toHaveText("Saved.");
  }
});

test("the queue works from the keyboard alone", async ({ page, browser }, info) => {
  test.skip(!jsOn(info), "the shortcut keys are JavaScript; without it the buttons are reached with Tab");
  await signIn(page, info);
  const blockList = await setBlockList(page, info, HOLD_WORD);
  try {
  const article = ownArticle(info);
  const writer = await (await newContext(browser, info)).newPage();
  const name = unique("Keyboard Writer", info);
  await open(writer, article, info);
  await writer.locator("#comment-form").getByRole("textbox", { name: "Comment" }).fill(`Held by the ${HOLD_WORD} for the keyboard test.`);
  await writer.locator("#comment-form").getByLabel("Name").fill(name);
  await writer.locator("#comment-form").getByRole("button", { name: "Post Comment" }).click();
  await expect(writer.locator("article.comment", { hasText: name })).toContainText("Awaiting moderation.");
  await open(page, "/desk/queue", info);
  const entries = page.locator("[data-entry]");
  await expect(entries.first()).toBeVisible();
  // j focuses the first comment; the newest is first
  await page.keyboard.press("j");
  await expect(entries.first()).toBeFocused();
  await expect(entries.first()).toContainText(name);
  await page.keyboard.press("a");
  await expect(page.locator("#desk-notice")).toHaveText("1 comment approved.");
  await expect(page.locator(".desk-entry", { hasText: name })).toHaveCount(0);
  } finally {
    await setBlockList(page, info, blockList);
  }
});
