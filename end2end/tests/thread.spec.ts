import { test, expect, Page, Browser, Locator } from "@playwright/test";
import { open, unique, jsOn, watchErrors, ownArticle, markDocument, expectSameDocument, advanceServerClock } from "./helpers";

async function post(page: Page, name: string, body: string) {
  const form = page.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill(body);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Post Comment" }).click();
  await expect(comment(page, body)).toBeVisible();
}

async function reply(page: Page, parent: Locator, author: string, name: string, body: string) {
  await parent.getByRole("link", { name: `Reply to ${author}` }).first().click();
  const form = page.locator("#respond");
  await form.getByLabel("Your reply").fill(body);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Post Reply" }).click();
  await expect(comment(page, body)).toBeVisible();
}

/** Another reader, in a browser of their own, with the same JavaScript setting. */
async function otherReader(browser: Browser, js: boolean) {
  const ctx = await browser.newContext({ javaScriptEnabled: js });
  return { ctx, page: await ctx.newPage() };
}

/** The comment whose own header or text (not a reply's) contains `text`. */
const comment = (page: Page, text: string) =>
  page
    .locator("article.comment")
    .filter({ has: page.locator(":scope > .comment-meta, :scope > .comment-body", { hasText: text }) })
    .first();
const topLevelOrder = async (page: Page) =>
  page.locator(".thread > article.comment > .comment-meta .comment-author").allTextContents();

test("sorting and filtering the thread, and View all comments", async ({ page, browser }, info) => {
  const js = jsOn(info);
  const errors = watchErrors(page);
  const path = ownArticle(info);
  const [a, b, c] = ["Amal", "Bruno", "Chen"].map((n) => unique(n, info));
  await open(page, path, info);
  await post(page, a, `first by ${a}`);
  await post(page, b, `second by ${b}`);
  await post(page, c, `third by ${c}`);
  await reply(page, comment(page, `first by ${a}`), a, unique("Dee", info), `a reply to the first by ${a}`);
  await open(page, path, info);
  await reply(page, comment(page, `first by ${a}`), a, unique("Eli", info), `another reply to the first by ${a}`);

  // a second reader votes Bruno's comment up
  const other = await otherReader(browser, js);
  await open(other.page, path, info);
  await comment(other.page, `second by ${b}`).getByRole("button", { name: `Vote up the comment by ${b}` }).click();
  await expect(comment(other.page, `second by ${b}`).locator(".score").first()).toHaveText("1");
  await other.ctx.close();

  await open(page, path, info);
  expect(await topLevelOrder(page)).toEqual([c, b, a]); // Newest is the default
  if (js) await markDocument(page);
  const toolbar = page.getByRole("navigation", { name: "Sort and filter comments" });

  await toolbar.getByRole("link", { name: "Oldest" }).click();
  await expect(page).toHaveURL(/\?sort=oldest#comments$/);
  await expect.poll(() => topLevelOrder(page)).toEqual([a, b, c]);
  await expect(toolbar.getByRole("link", { name: "Oldest" })).toHaveAttribute("aria-current", "true");

  await toolbar.getByRole("link", { name: "Most voted" }).click();
  await expect(page).toHaveURL(/\?sort=votes#comments$/);
  await expect.poll(async () => (await topLevelOrder(page))[0]).toBe(b);

  await toolbar.getByRole("link", { name: "Most reacted" }).click();
  await expect(page).toHaveURL(/filter=reacted#comments$/);
  await expect.poll(() => topLevelOrder(page)).toEqual([b]);
  await expect(page.locator(".filter-info")).toContainText("Most reacted");

  await toolbar.getByRole("link", { name: "Hottest thread" }).click();
  await expect(page).toHaveURL(/filter=hottest#comments$/);
  await expect.poll(() => topLevelOrder(page)).toEqual([a]);
  await expect(page.locator(".thread")).toContainText("another reply to the first");

  await page.getByRole("link", { name: "View all comments" }).click();
  await expect.poll(() => topLevelOrder(page)).toHaveLength(3);
  await expect(page.locator(".filter-info")).toHaveCount(0);
  if (js) await expectSameDocument(page); // sorting and filtering happened in place

  // a copied URL shows the same view
  await open(page, `${path}?sort=oldest`, info);
  expect(await topLevelOrder(page)).toEqual([a, b, c]);
  expect(errors).toEqual([]);
});

test("load more comments pages through the thread", async ({ page }, info) => {
  const path = ownArticle(info);
  await open(page, path, info);
  // 21 top-level comments through the comment API, with this page's submission key
  const nonce = (await page.locator("input[name=key][form=comment-post]").inputValue()).replace(/-\d+$/, "");
  for (let i = 0; i < 21; i++) {
    const res = await page.request.post("/api/post_comment", {
      headers: { accept: "application/json", origin: new URL(page.url()).origin },
      form: { article: path.split("/").pop()!, name: "Pager", email: "", body: `paged comment ${i}`, key: `${nonce}-p${i}` },
    });
    expect(res.status()).toBe(200);
  }
  await open(page, path, info);
  const thread = page.locator(".thread");
  await expect(thread.locator("article.comment")).toHaveCount(20);
  await expect(thread).toContainText("paged comment 20");
  await expect(thread).not.toContainText("paged comment 0");
  await page.getByRole("link", { name: "Load more comments" }).click();
  if (jsOn(info)) {
    // appended in place: the first page stays, the URL does not change
    await expect(thread.locator("article.comment")).toHaveCount(21);
    await expect(thread).toContainText("paged comment 20");
    await expect(page).toHaveURL(new RegExp(`${path}$`));
  } else {
    await expect(page).toHaveURL(/\?after=\d+_\d+#comments$/);
    await expect(thread.locator("article.comment")).toHaveCount(1);
    await expect(page.getByRole("link", { name: "← Back to the first comments" })).toBeVisible();
  }
  await expect(thread).toContainText("paged comment 0");
  await expect(page.getByRole("link", { name: "Load more comments" })).toHaveCount(0);
});

test("voting up, taking the vote back, voting down", async ({ page, browser }, info) => {
  const path = ownArticle(info);
  const author = unique("Vera", info);
  const other = await otherReader(browser, jsOn(info));
  await open(other.page, path, info);
  await post(other.page, author, `vote on this, ${author}`);
  // the author cannot vote on their own comment
  await expect(comment(other.page, author).getByRole("button", { name: `Vote up the comment by ${author}` })).toBeDisabled();
  await other.ctx.close();

  await open(page, path, info);
  if (jsOn(info)) await markDocument(page);
  const c = () => comment(page, `vote on this, ${author}`);
  const up = () => c().getByRole("button", { name: `Vote up the comment by ${author}` });
  const down = () => c().getByRole("button", { name: `Vote down the comment by ${author}` });
  await up().click();
  await expect(c().locator(".score").first()).toHaveText("1");
  await expect(up()).toHaveAttribute("aria-pressed", "true");
  await up().click();
  await expect(c().locator(".score").first()).toHaveText("0");
  await expect(up()).toHaveAttribute("aria-pressed", "false");
  await down().click();
  await expect(c().locator(".score").first()).toHaveText("-1");
  await expect(down()).toHaveAttribute("aria-pressed", "true");
  if (jsOn(info)) await expectSameDocument(page);
  // the vote is stored, not only shown: a fresh page load shows it
  await open(page, path, info);
  await expect(c().locator(".score").first()).toHaveText("-1");
  await expect(down()).toHaveAttribute("aria-pressed", "true");
});

test("the author edits and deletes within the window, and is refused after it", async ({ page }, info) => {
  const path = ownArticle(info);
  const name = unique("Edith", info);
  await open(page, path, info);
  await post(page, name, `draft by ${name}`);
  if (jsOn(info)) await markDocument(page);
  const c = comment(page, name);
  await c.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(page).toHaveURL(/edit=\d+#comment-\d+$/);
  const box = c.getByLabel("Edit your comment");
  await expect(box).toHaveValue(`draft by ${name}`);
  await box.fill(`final by ${name}, **now bold**`);
  await c.getByRole("button", { name: "Save changes" }).click();
  await expect(c.locator(".comment-body strong")).toHaveText("now bold");
  await expect(c).toContainText("(edited)");
  if (jsOn(info)) await expectSameDocument(page);

  // a second comment, deleted: it disappears (it has no replies)
  await post(page, name, `mistake by ${name}`);
  await comment(page, `mistake by ${name}`).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText(`mistake by ${name}`)).toHaveCount(0);

  // the edit form, still open when the 15-minute window closes, is refused
  await open(page, path, info);
  await comment(page, name).getByRole("link", { name: "Edit", exact: true }).click();
  await comment(page, name).getByLabel("Edit your comment").fill("too late");
  // the server's clock, moved for this test only: put back however the test ends
  advanceServerClock(15 * 60 + 1);
  try {
    await comment(page, name).getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("this one can no longer be changed")).toBeVisible();
    // said once, not once by the form and again at the comment
    await expect(page.getByRole("alert").filter({ hasText: "this one can no longer be changed" })).toHaveCount(1);
    await open(page, path, info);
    await expect(comment(page, name).getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
    await expect(comment(page, name)).toContainText("now bold");
  } finally {
    advanceServerClock(-(15 * 60 + 1));
  }
});

test("Markdown is rendered, and the preview shows it before posting", async ({ page }, info) => {
  const path = ownArticle(info);
  const name = unique("Mark", info);
  await open(page, path, info);
  const form = page.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill(`*slanted* and [a source](https://example.org/treaty) by ${name}`);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Preview" }).click();
  const preview = page.locator(".comment-preview");
  await expect(preview.locator("em")).toHaveText("slanted");
  await expect(preview.locator("a")).toHaveAttribute("rel", "nofollow ugc noopener");
  await expect(page.locator("article.comment .comment-author", { hasText: name })).toHaveCount(0); // not posted
  await page.locator("#comment-form").getByRole("button", { name: "Post Comment" }).click();
  const c = comment(page, name);
  await expect(c.locator(".comment-body em")).toHaveText("slanted");
  await expect(c.locator(".comment-body a")).toHaveAttribute("href", "https://example.org/treaty");
  await expect(c.locator(".comment-body a")).toHaveAttribute("rel", "nofollow ugc noopener");
});

test("live: a comment posted in another tab arrives in the bubble", async ({ page, browser }, info) => {
  test.skip(!jsOn(info), "live updates need JavaScript");
  const errors = watchErrors(page);
  const path = ownArticle(info);

  await open(page, path, info);
  await markDocument(page);
  const other = await browser.newContext();
  const writer = await other.newPage();
  await open(writer, path, info);
  const name = unique("Live", info);
  await post(writer, name, `live from ${name}`);
  const bubble = page.locator(".live-bubble");
  await expect(bubble).toHaveText(/1 new comment/);
  await expect(page.locator(".comment-author", { hasText: name })).toHaveCount(0);
  await bubble.click();
  await expect(page.locator(".comment-author", { hasText: name })).toHaveCount(1);
  await expect(bubble).toHaveCount(0);
  // a reply arrives the same way and lands under its parent
  await reply(writer, comment(writer, name), name, unique("Again", info), `reply from ${name}`);
  await expect(bubble).toHaveText(/1 new comment/);
  await bubble.click();
  await expect(comment(page, name).locator(":scope > .replies")).toContainText(`reply from ${name}`);
  await expect(page.getByText(`reply from ${name}`)).toHaveCount(1);
  await expectSameDocument(page);
  await other.close();
  expect(errors).toEqual([]);
});
