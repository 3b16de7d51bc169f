import { test, expect } from "@playwright/test";
import { open, unique, watchErrors, ownArticle, markDocument, expectSameDocument } from "./helpers";

test("with JavaScript, posting keeps the page and shows the comment once", async ({ page }, info) => {
  test.skip(info.project.name !== "hydrated", "hydration only");
  const errors = watchErrors(page);
  const ARTICLE = ownArticle(info);
  await open(page, ARTICLE, info);
  await markDocument(page);
  const name = unique("Hopper", info);
  const form = page.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill(`Posted without a reload by ${name}.`);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Post Comment" }).click();
  await expect(page.locator("article.comment", { hasText: name })).toHaveCount(1);
  await expectSameDocument(page);
  // the address names the new comment, as it does without JavaScript
  await expect(page).toHaveURL(new RegExp(`${ARTICLE}#comment-\\d+$`));
  // a second, different comment from the same form gets a fresh submission key
  await form.getByRole("textbox", { name: "Comment" }).fill(`And a second one by ${name}.`);
  await form.getByRole("button", { name: "Post Comment" }).click();
  await expect(page.locator("article.comment", { hasText: name })).toHaveCount(2);
  await expect(page.locator("#comments-title")).toHaveText("2 Comments");
  await expectSameDocument(page);
  expect(errors).toEqual([]);
});
