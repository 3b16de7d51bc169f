import { test, expect } from "@playwright/test";
import { open, jsOn, watchErrors } from "./helpers";

// The shared fixture (a real WordPress 7.0.4 + wpDiscuz 7.6.54 export) is imported by
// `server import wordpress` before the server starts (playwright.config.ts). These tests only
// read it: nothing here writes to the imported article.
const ARTICLE = "/articles/article-n200";

test("an imported article: the old permalink leads to it, with wpDiscuz's votes and order", async ({ page }, info) => {
  const errors = watchErrors(page);
  // the WordPress permalink answers 301 to the article
  const res = await page.goto("/2026/01/15/article-n200/");
  expect(res?.url()).toMatch(/\/articles\/article-n200$/);
  await open(page, ARTICLE, info);
  await expect(page.locator("h1")).toContainText("China ratifies extradition treaty with Turkey");
  // "Most voted" puts Li Wei's comment (39 likes, 1 dislike) first, as wpDiscuz did
  await page.getByRole("link", { name: "Most voted" }).click();
  await expect(page).toHaveURL(/sort=votes/);
  const first = page.locator("article.comment.top-level").first();
  await expect(first).toHaveAttribute("id", "comment-41");
  await expect(first.locator(".score").first()).toHaveText("38");
  await expect(first).toContainText("Li Wei");
  // comment 2 (the oldest: on a later page) had 27 likes and 6 dislikes on wpDiscuz
  await open(page, `${ARTICLE}?comment=2`, info);
  await expect(page.locator("#comment-2 .score").first()).toHaveText("21");
  // the comment with HTML, CJK and emoji, sanitised
  await open(page, `${ARTICLE}?comment=202`, info);
  const rich = page.locator("#comment-202");
  await expect(rich.locator("strong")).toHaveText("乌鲁木齐");
  await expect(rich.locator("a[rel='nofollow ugc noopener']")).toHaveCount(1);
  if (jsOn(info)) expect(errors).toEqual([]);
});

test("an imported article: the Inline Feedback passage with its 7 feedbacks, and the thread filtered to them", async ({ page }, info) => {
  await open(page, ARTICLE, info);
  const mark = page.locator("mark.passage").first();
  await expect(mark).toContainText("The ratified extradition treaty, however, provides for several reasons");
  // the shortcode itself is gone from the text
  await expect(page.locator("[itemprop='articleBody']")).not.toContainText("wpdiscuz-feedback");
  const icon = page.locator(".passage-icon").first();
  await expect(icon).toHaveAttribute("data-count", "7");
  await icon.click();
  const panel = page.locator(".feedback-panel");
  await expect(panel).toBeVisible();
  await expect(panel).toContainText("Do these grounds for refusal protect refugees enough?");
  await expect(panel.locator(".panel-count")).toContainText("7 feedbacks");
  await mark.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `screenshots/${info.project.name}/imported-passage.png` });
  // Inline Feedbacks: the 7, each quoting the passage; View all comments brings the rest back
  await open(page, ARTICLE, info);
  await page.getByRole("link", { name: "Inline Feedbacks" }).click();
  const quoted = page.locator("article.comment .feedback-quote");
  await expect(quoted).toHaveCount(7);
  await quoted.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `screenshots/${info.project.name}/imported-feedback.png` });
  await page.getByRole("link", { name: "View all comments" }).click();
  await expect(page.locator("article.comment").first()).toBeVisible();
  expect(await page.locator("article.comment .feedback-quote").count()).toBeLessThan(
    await page.locator("article.comment").count(),
  );
});
