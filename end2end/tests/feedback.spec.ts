import { test, expect, Page } from "@playwright/test";
import { open, jsOn, ownArticle, markDocument, expectSameDocument } from "./helpers";
const PASSAGE = "The harbour council will vote on the dredging plan in March";

async function countOf(page: Page): Promise<number> {
  return Number(await page.locator(".passage-icon").first().getAttribute("data-count"));
}

test("feedback on the marked passage: count, thread quote, Inline Feedbacks filter and back", async ({ page }, info) => {
  const path = ownArticle(info);
  await open(page, path, info);
  // an ordinary comment, so the filter has something to leave out
  const plain = `Ordinary comment ${info.project.name} ${Date.now()}`;
  await page.locator("#comment-body").fill(plain);
  await page.locator("#comment-name").fill("Omar");
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page.locator(".comment-body", { hasText: plain })).toBeVisible();

  await open(page, path, info);
  await expect(page.locator("mark.passage").first()).toHaveText(PASSAGE);
  expect(await countOf(page)).toBe(0); // this test's own article: nobody else gave feedback
  if (jsOn(info)) await markDocument(page);
  await page.locator(".passage-icon").first().click();
  const panel = page.locator(".feedback-panel");
  await expect(panel).toBeVisible();
  await expect(panel).toContainText("Should the vote wait for the environmental survey?");
  const text = `Wait for the survey (${info.project.name} ${Date.now()}).`;
  await panel.getByLabel("Your feedback").fill(text);
  await panel.getByLabel("Name").fill("Ines");
  await panel.getByRole("button", { name: "Send feedback" }).click();
  await expect(page.locator(".feedback-panel .form-success")).toContainText("your feedback was posted");
  await expect.poll(() => countOf(page)).toBe(1);
  if (jsOn(info)) await expectSameDocument(page);
  // the popover lists it
  await expect(page.locator(".feedback-panel .panel-recent")).toContainText(text.slice(0, 40));
  // the thread quotes the passage (hydrated, the thread may offer it through the live bubble
  // first; a fresh page shows it in place)
  await open(page, path, info);
  const item = page.locator("article.comment", { hasText: text });
  await expect(item.locator(".feedback-quote")).toContainText("The harbour council will vote");

  // the thread filtered to feedback, and back
  await page.locator(".thread-toolbar").getByRole("link", { name: "Inline Feedbacks" }).click();
  const info_bar = page.locator(".filter-info");
  await expect(info_bar).toContainText("Inline Feedbacks");
  await expect(page.locator(".comment-body", { hasText: text })).toBeVisible();
  await expect(page.locator(".comment-body", { hasText: plain })).toHaveCount(0);
  await info_bar.getByRole("link", { name: "View all comments" }).click();
  await expect(page.locator(".filter-info")).toHaveCount(0);
  await expect(page.locator(".comment-body", { hasText: plain })).toBeVisible();
  await expect(page.locator(".comment-body", { hasText: text })).toBeVisible();

  // the quote in the thread leads back to the passage
  const back = page.locator("article.comment", { hasText: text }).locator(".passage-link");
  await expect(back).toHaveAttribute("href", new RegExp(`^${path}#passage-\\d+$`));
  await back.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#passage-\d+$/);
  await expect(page.locator("mark.passage").first()).toBeInViewport();
});

test("the passage icon and its form work with the keyboard alone", async ({ page }, info) => {
  const path = ownArticle(info);
  await open(page, path, info);
  expect(await countOf(page)).toBe(0);
  // Tab to the icon
  let found = false;
  for (let i = 0; i < 40 && !found; i++) {
    await page.keyboard.press("Tab");
    found = await page.evaluate(() => document.activeElement?.classList.contains("passage-icon") ?? false);
  }
  expect(found, "the icon is reachable with Tab").toBe(true);
  await page.keyboard.press("Enter");
  const panel = page.locator(".feedback-panel");
  await expect(panel).toBeVisible();
  if (jsOn(info)) {
    await expect(panel.getByLabel("Your feedback")).toBeFocused();
  } else {
    // the link opened the page at the panel: Tab into the form
    for (let i = 0; i < 60; i++) {
      if (await panel.getByLabel("Your feedback").evaluate((el) => el === document.activeElement)) break;
      await page.keyboard.press("Tab");
    }
  }
  const text = `Typed with the keyboard (${info.project.name} ${Date.now()}).`;
  await page.keyboard.type(text);
  await page.keyboard.press("Tab");
  await page.keyboard.type("Keyboard Kay");
  // Tab to the button and press it
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if (await panel.getByRole("button", { name: "Send feedback" }).evaluate((el) => el === document.activeElement)) break;
  }
  await page.keyboard.press("Enter");
  await expect(page.locator(".feedback-panel .form-success")).toContainText("your feedback was posted");
  await expect.poll(() => countOf(page)).toBe(1);
  if (jsOn(info)) {
    await page.keyboard.press("Escape");
    await expect(panel).toHaveCount(0);
    await expect(page.locator(".passage-icon").first()).toBeFocused();
  }
});

test("a reader selects any passage, comments on it, and after a reload it is highlighted with its count", async ({ page }, info) => {
  test.skip(!jsOn(info), "selecting text to comment on needs JavaScript (the marked passages work without it)");
  const path = ownArticle(info);
  await open(page, path, info);
  const quote = "Nobody has costed the work yet";
  await page.evaluate((q) => {
    const p = [...document.querySelectorAll(".story-block p")].find((el) => el.textContent!.includes(q))!;
    const node = [...p.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.includes(q))!;
    const start = node.textContent!.indexOf(q);
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + q.length);
    const sel = window.getSelection()!;
    sel.removeAllRanges();
    sel.addRange(range);
    p.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  }, quote);
  await page.getByRole("button", { name: "Comment on this passage" }).click();
  const panel = page.locator(".feedback-panel");
  await expect(panel.locator(".panel-quote")).toContainText(quote);
  const text = `Who pays? (${Date.now()})`;
  await panel.getByLabel("Your feedback").fill(text);
  await panel.getByLabel("Name").fill("Selin");
  await panel.getByRole("button", { name: "Send feedback" }).click();
  await expect(page.locator(".feedback-panel .form-success")).toContainText("your feedback was posted");

  await page.reload();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const mark = page.locator("mark.passage", { hasText: quote });
  await expect(mark).toHaveText(quote);
  const id = await mark.getAttribute("data-passage");
  await expect(page.locator(`.passage-icon[data-passage="${id}"]`)).toHaveAttribute("data-count", "1");
  await expect(page.locator("article.comment", { hasText: text }).locator(".feedback-quote")).toContainText(quote);
});
