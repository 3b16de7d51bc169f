import { test, expect, Browser, TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { jsOn, open, unique, advanceServerClock, serverNow, minuteInput, browsersClosedAfterEach, deskSignIn } from "./helpers";
import { E2E_ADMIN as ADMIN } from "../desk-admin";

// The newsroom writes here: a writer drafts and submits, an editor previews, edits and
// schedules, the server's clock moves on and the story is everywhere a reader looks; then
// unpublished. And two editors saving the same story. JavaScript on and off.

const { newPage, keep } = browsersClosedAfterEach();
const signIn = deskSignIn;

/** A new staff account with `role`, added by the admin through the Staff page; signed in. */
async function staffMember(browser: Browser, info: TestInfo, role: string) {
  const admin = await newPage(browser, info);
  await signIn(admin, info, ADMIN.email, ADMIN.password, "/desk/staff");
  const email = `${role}-${info.project.name}-${Date.now().toString(36)}@news.example`;
  const password = `the ${role}'s own password`;
  const add = admin.locator("form[action='/desk/staff']");
  await add.getByLabel("Name").fill(unique(`A ${role}`, info));
  await add.getByLabel("Email").fill(email);
  await add.getByLabel("Role").selectOption(role);
  await add.getByLabel(/First password/).fill(password);
  await add.getByRole("button", { name: "Add" }).click();
  await expect(admin.locator("#desk-notice")).toHaveText("The account was added.");
  const page = await newPage(browser, info);
  await signIn(page, info, email, password, "/desk/stories");
  return page;
}

test("a writer's draft is scheduled by an editor and reaches every reader's page at its minute", async ({ browser }, info) => {
  // two accounts added and signed in (password hashing), a minute waited on the server's clock
  test.setTimeout(120_000);
  const headline = unique("Exiles in Zeytinburnu", info);
  const writer = await staffMember(browser, info, "writer");
  await expect(writer.locator(".desk-nav")).toContainText("Stories");
  await writer.getByRole("link", { name: "Write a story" }).click();
  await writer.getByLabel("Headline").fill(headline);
  await writer.getByLabel("Standfirst").fill("A district of Istanbul where the diaspora waits for news.");
  await writer.getByLabel("Text", { exact: true }).fill("## Morning\n\nThe tea houses open *early*.\n\n- bread\n- news");
  await writer.getByLabel("Section", { exact: true }).fill("World");
  await writer.getByLabel(/Tags/).fill("Turkey, Diaspora");
  await writer.getByRole("button", { name: "Save draft" }).click();
  await expect(writer.locator("#desk-notice")).toContainText("Draft started");
  await expect(writer.getByRole("button", { name: "Publish now" })).toHaveCount(0);
  await writer.getByRole("button", { name: "Submit for review" }).click();
  await expect(writer.locator("#desk-notice")).toContainText("Submitted for review");
  const address = new URL(writer.url()).pathname;

  // a reader cannot find the draft
  const reader = await newPage(browser, info);
  const slug = await writer.getByLabel(/Address/).inputValue();
  const draftView = await reader.goto(`/articles/${slug}`);
  expect(draftView?.status()).toBe(404);

  // the editor finds it in review, previews an edit, schedules it two minutes ahead
  const editor = await staffMember(browser, info, "editor");
  await editor.locator(".desk-tabs").getByRole("link", { name: /^In review/ }).click();
  await expect(editor.locator(".desk-tabs a[aria-current]")).toContainText("In review");
  await expect(editor.locator("table.stories tbody tr").filter({ hasNotText: "In review" })).toHaveCount(0);
  const row = editor.locator("table.stories tr", { hasText: headline });
  await expect(row).toContainText("In review");
  await row.getByRole("link", { name: headline }).click();
  await expect(editor).toHaveURL(new RegExp(`${address}$`));
  await editor.getByLabel("Text", { exact: true }).fill("## Morning\n\nThe tea houses open *early*, before the call to prayer.\n\n- bread\n- news");
  await editor.getByRole("button", { name: "Preview" }).click();
  const preview = editor.locator(".story-preview");
  await expect(preview.locator("h2", { hasText: "Morning" })).toBeVisible();
  await expect(preview.locator("em")).toHaveText("early");
  await editor.locator(".story-editor").screenshot({ path: `screenshots/${info.project.name}/desk-story-editor.png` });
  const at = (Math.floor(serverNow() / 60) + 2) * 60;
  await editor.getByLabel(/Publish at/).fill(minuteInput(at));
  await editor.getByRole("button", { name: "Schedule", exact: true }).click();
  await expect(editor.locator("#desk-notice")).toContainText("Scheduled");
  await expect(editor.locator(".story-state")).toContainText("Scheduled");
  expect((await reader.goto(`/articles/${slug}`))?.status()).toBe(404);

  // the server's clock passes the minute: the worker publishes it, no restart
  advanceServerClock(3 * 60);
  await expect(async () => {
    const res = await reader.goto(`/articles/${slug}`);
    expect(res?.status()).toBe(200);
  }).toPass({ timeout: 15_000 });
  await expect(reader.locator("h1")).toHaveText(headline);
  await expect(reader.locator(".story-body")).toContainText("before the call to prayer");
  for (const path of ["/", "/section/world", "/archive"]) {
    await open(reader, path, info);
    await expect(reader.getByRole("link", { name: headline })).toBeVisible();
  }
  // from the story, its tag's page and its section's, as a reader follows them
  await open(reader, `/articles/${slug}`, info);
  await reader.locator(".tags").getByRole("link", { name: "Diaspora" }).click();
  await expect(reader).toHaveURL(/\/tags\/diaspora$/);
  await expect(reader.locator("h1")).toHaveText("Diaspora");
  await expect(reader.getByRole("link", { name: headline })).toBeVisible();
  await reader.getByRole("link", { name: headline }).click();
  await reader.locator(".story-header .kicker").getByRole("link", { name: "World" }).click();
  await expect(reader).toHaveURL(/\/section\/world$/);
  await expect(reader.getByRole("link", { name: headline })).toBeVisible();
  // the byline names the writer (the story is theirs): their author page lists it
  await reader.getByRole("link", { name: headline }).click();
  const byline = reader.locator(".story-header .byline a[rel=author]");
  await expect(byline).toHaveCount(1);
  const author = (await byline.textContent())!.trim();
  expect(author).toMatch(/^A writer /);
  await byline.click();
  await expect(reader).toHaveURL(/\/authors\/a-writer-[a-z0-9-]+$/);
  await expect(reader.locator("h1")).toHaveText(author);
  await expect(reader.getByRole("link", { name: headline })).toBeVisible();
  const authorPage = new URL(reader.url()).pathname;
  // and search finds it, from the site's navigation
  await reader.locator(".site-nav").getByRole("link", { name: "Search" }).click();
  await reader.getByLabel("Stories and comments with every word").fill(headline);
  await reader.getByRole("button", { name: "Search", exact: true }).click();
  await expect(reader).toHaveURL(/\/search\?q=/);
  await expect(reader.locator(".search-hit").getByRole("link", { name: headline })).toBeVisible();
  await expect(reader.locator(".search-hit mark").first()).toBeVisible();
  const cookieless = await browser.newContext();
  keep(cookieless);
  for (const path of ["/feed", "/sitemap.xml", "/section/World/feed", "/tags/diaspora/feed", `${authorPage}/feed`]) {
    const res = await cookieless.request.get(path);
    expect(await res.text(), path).toContain(slug);
  }

  // unpublished: gone for readers, crawlers and feeds
  await open(editor, address, info);
  await editor.getByRole("button", { name: "Unpublish" }).click();
  await expect(editor.locator("#desk-notice")).toContainText("Unpublished");
  const gone = await reader.goto(`/articles/${slug}`);
  expect(gone?.status()).toBe(410);
  await expect(reader.locator("h1")).toHaveText("This story is no longer available");
  expect(await (await cookieless.request.get("/feed")).text()).not.toContain(slug);
  expect((await cookieless.request.get(authorPage)).status()).toBe(404);
  expect(await (await cookieless.request.get(`/search?q=${encodeURIComponent(headline)}`)).text()).not.toContain(slug);
});

test("the second of two editors saving one story is refused, with their text kept", async ({ browser }, info) => {
  const first = await staffMember(browser, info, "editor");
  await first.getByRole("link", { name: "Write a story" }).click();
  await first.getByLabel("Headline").fill(unique("Two desks", info));
  await first.getByLabel("Section", { exact: true }).fill("World");
  await first.getByLabel("Text", { exact: true }).fill("The first version.");
  await first.getByRole("button", { name: "Save draft" }).click();
  await expect(first.locator("#desk-notice")).toContainText("Draft started");
  const address = new URL(first.url()).pathname;

  const second = await staffMember(browser, info, "editor");
  await open(second, address, info);
  await open(first, address, info);
  await first.getByLabel("Text", { exact: true }).fill("The first editor's correction.");
  await first.getByRole("button", { name: "Save", exact: true }).click();
  await expect(first.locator("#desk-notice")).toContainText("Saved as a new revision");

  await second.getByLabel("Text", { exact: true }).fill("The second editor's rewrite, typed for an hour.");
  await second.getByRole("button", { name: "Save", exact: true }).click();
  await expect(second.locator(".form-alert")).toContainText("saved this story while you were editing");
  await expect(second.getByLabel("Text", { exact: true })).toHaveValue("The second editor's rewrite, typed for an hour.");
  await expect(second.getByLabel("Their text")).toHaveValue("The first editor's correction.");
  await second.locator(".desk-body").screenshot({ path: `screenshots/${info.project.name}/desk-story-conflict.png` });
  // saving again, knowingly, replaces theirs
  await second.getByRole("button", { name: "Save", exact: true }).click();
  await expect(second.locator("#desk-notice")).toContainText("Saved as a new revision");
  await expect(second.locator(".story-history li")).toHaveCount(3);
});

test("a story is written and saved from the keyboard alone, and its preview link shows it to someone outside", async ({ browser }, info) => {
  const desk = await newPage(browser, info);
  await signIn(desk, info, ADMIN.email, ADMIN.password, "/desk/stories/new");
  const headline = unique("Typed without a mouse", info);
  /** Presses Tab until the focus is on what `selector` finds (at most 80 times). */
  async function tabTo(selector: string) {
    for (let i = 0; i < 80; i++) {
      if (await desk.locator(selector).evaluate((el) => el === document.activeElement)) return;
      await desk.keyboard.press("Tab");
    }
    throw new Error(`Tab never reached ${selector}`);
  }
  await tabTo("#story-title");
  await desk.keyboard.type(headline);
  await desk.keyboard.press("Tab");
  await expect(desk.locator("#story-standfirst")).toBeFocused();
  await desk.keyboard.type("Written with Tab and Enter.");
  await desk.keyboard.press("Tab");
  await expect(desk.locator("#story-body")).toBeFocused();
  await desk.keyboard.type("## Keys\n\nEvery field is reached in order.");
  await tabTo("input[name=section]");
  await desk.keyboard.type("World");
  await tabTo("button[name=action][value=save]");
  await desk.keyboard.press("Enter");
  await expect(desk.locator("#desk-notice")).toContainText("Draft started");
  await expect(desk.getByLabel("Headline")).toHaveValue(headline);

  // "Share a preview" opens from the keyboard; its link shows the draft to a reader with no account
  await tabTo(".share-preview summary");
  await desk.keyboard.press("Enter");
  const link = await desk.locator("#preview-link").inputValue();
  expect(link).toMatch(/\/preview\/\d+\?expires=\d+&sig=[0-9a-f]+$/);
  const outsider = await newPage(browser, info);
  const res = await outsider.goto(new URL(link).pathname + new URL(link).search);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["x-robots-tag"]).toBe("noindex, nofollow");
  await expect(outsider.getByRole("heading", { level: 1 })).toHaveText(headline);
  await expect(outsider.locator(".preview-banner")).toContainText("not yet published");
  await expect(outsider.locator(".story-body h2")).toHaveText("Keys");
  await outsider.screenshot({ path: `screenshots/${info.project.name}/story-preview-link.png`, fullPage: true });
  // axe is a script in the page: with JavaScript off it cannot run (the HTML is the same)
  if (jsOn(info)) {
    const found = (await new AxeBuilder({ page: outsider }).analyze()).violations.map((v) => v.id);
    expect(found).toEqual([]);
  }
});
