import { test, expect } from "@playwright/test";
import { ARTICLE, HEADLINE, open, watchErrors, jsOn, markDocument, expectSameDocument } from "./helpers";

test("a reader finds the seed article on the front page and reads it", async ({ page }, info) => {
  const errors = watchErrors(page);
  await open(page, "/", info);
  await expect(page.locator(".site-name")).toHaveText("Byline");
  // the seed article's card (the imported WordPress fixture has two posts of the same title)
  const card = page.locator(".article-card", { has: page.locator(`a[href="${ARTICLE}"]`) });
  await expect(card).toBeVisible();
  await expect(card.locator(".kicker")).toHaveText("World");
  await expect(card).toContainText("Beijing wants the treaty");
  // with JavaScript every link below is followed in place: the document is never reloaded
  if (jsOn(info)) await markDocument(page);

  await card.getByRole("link", { name: HEADLINE }).click();
  await expect(page).toHaveURL(new RegExp(`${ARTICLE}$`));
  await expect(page.locator("h1")).toHaveText(HEADLINE);
  await expect(page).toHaveTitle(`${HEADLINE} — Byline`);
  await expect(page.locator(".story .standfirst")).toContainText("Turkey's parliament has yet to ratify it");
  await expect(page.locator(".story-body p")).toHaveCount(9);
  await expect(page.locator(".story-body")).toContainText("economic pressure on Turkey to ratify the treaty");
  await expect(page.locator("#comments-title")).toBeVisible();
  await expect(page.getByRole("button", { name: "Post Comment" })).toBeVisible();

  // site chrome on every page
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Home", "World", "Contact Us"]) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
  const footer = page.locator(".site-footer");
  await expect(footer).toContainText("Contact Information");
  await expect(footer).toContainText("Oak Avenue, Manhattan Beach, California 90266");

  await nav.getByRole("link", { name: "World" }).click();
  await expect(page).toHaveURL(/\/section\/world$/);
  await expect(page.locator("h1")).toHaveText("World");
  await expect(page.locator(".article-card", { has: page.locator(`a[href="${ARTICLE}"]`) })).toBeVisible();

  await nav.getByRole("link", { name: "Contact Us" }).click();
  await expect(page).toHaveURL(/\/contact$/);
  await expect(page.locator("h1")).toHaveText("Contact Us");
  await expect(page).toHaveTitle("Contact Us — Byline");

  // the browser's Back and Forward buttons show the pages again
  await page.goBack();
  await expect(page).toHaveURL(/\/section\/world$/);
  await expect(page.locator("h1")).toHaveText("World");
  await page.goBack();
  await expect(page.locator("h1")).toHaveText(HEADLINE);
  await page.goForward();
  await expect(page.locator("h1")).toHaveText("World");
  if (jsOn(info)) {
    await expectSameDocument(page);
    expect(errors).toEqual([]);
  }
});

test("an unknown address answers a real 404 page", async ({ page }, info) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.locator("h1")).toHaveText("We couldn't find that page");
  const missing = await page.goto("/articles/no-such-article");
  expect(missing?.status()).toBe(404);
  await expect(page.locator("h1")).toHaveText("We couldn't find that page");
  if (jsOn(info)) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
});
