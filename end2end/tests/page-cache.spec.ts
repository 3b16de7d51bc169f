import { test, expect } from "@playwright/test";
import { open, unique, jsOn, watchErrors, ownArticle } from "./helpers";

// A reader who has not written gets the kept page (the page cache); they post from it, see
// their comment at once with their own Edit link, and the next reader without a cookie sees
// the comment too, without that link.
test("a reader reads the kept page, posts, and sees their comment at once", async ({ page, browser }, info) => {
  const errors = watchErrors(page);
  const path = ownArticle(info);
  // someone read it before: the page is kept
  await page.request.get(path, { headers: { cookie: "" } });
  const res = await open(page, path, info);
  expect(res?.headers()["x-byline-cache"]).toBe("hit");
  expect(res?.headers()["cache-control"]).toContain("public");
  expect(await page.context().cookies(), "reading sets no cookie").toEqual([]);
  // the form's key came with this answer, at the end of the page
  await expect(page.locator("#reader-parts input[name=key][form=comment-post]")).toHaveCount(1);

  const name = unique("Hedy", info);
  const form = page.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill(`Read from the kept page, says ${name}.`);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Post Comment" }).click();
  const mine = page.locator("article.comment", { hasText: name });
  await expect(mine).toBeVisible();
  await expect(mine.getByRole("link", { name: "Edit" })).toBeVisible();
  expect((await page.context().cookies()).map((c) => c.name)).toContain("byline_reader");

  // another reader, no cookie: the comment at once, and nobody's Edit link
  const other = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  const theirs = await other.newPage();
  const seen = await theirs.goto(path);
  expect(seen?.headers()["x-byline-cache"]).toBe("miss");
  const comment = theirs.locator("article.comment", { hasText: name });
  await expect(comment).toBeVisible();
  await expect(comment.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await other.close();
  if (jsOn(info)) expect(errors).toEqual([]);
});
