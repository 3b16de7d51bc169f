import { test, expect } from "@playwright/test";
import { ARTICLE, open, mailTo, linkIn, ownArticle } from "./helpers";

// Saved for people to look at (end2end/screenshots/); the assertions only check the pages rendered.
const pages = [
  { name: "front", path: "/", ready: ".article-card" },
  { name: "section", path: "/section/world", ready: ".article-card" },
  { name: "archive", path: "/archive", ready: ".archive-months" },
  { name: "search", path: "/search?q=turkey", ready: ".search-hit" },
  { name: "article", path: ARTICLE, ready: ".story-body" },
  { name: "contact", path: "/contact", ready: ".contact-form" },
];
const widths = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
];

for (const p of pages) {
  for (const w of widths) {
    test(`screenshot: ${p.name} at ${w.name} width`, async ({ page }, info) => {
      await page.setViewportSize({ width: w.width, height: w.height });
      await open(page, p.path, info);
      await expect(page.locator(p.ready).first()).toBeVisible();
      await page.screenshot({
        path: `screenshots/${info.project.name}/${p.name}-${w.name}.png`,
        fullPage: true,
      });
    });
  }
}

test("screenshot: the Notify of bar and the confirmation page", async ({ page }, info) => {
  const email = `shot-${info.project.name}-${Date.now().toString(36)}@example.com`;
  await page.setViewportSize({ width: 1280, height: 900 });
  await open(page, ownArticle(info), info);
  const bar = page.locator("#notify");
  await bar.getByLabel("Email for notifications").fill(email);
  await bar.getByRole("button", { name: "Subscribe" }).click();
  await expect(bar.locator(".notify-state")).toContainText("waiting for your confirmation");
  await page.locator("#comment-form").screenshot({ path: `screenshots/${info.project.name}/notify-bar.png` });
  const mail = await mailTo(email, "Confirm your subscription");
  await page.goto(linkIn(mail, "/subscriptions/confirm?token="));
  await expect(page.getByRole("button", { name: "Confirm subscription" })).toBeVisible();
  await page.screenshot({ path: `screenshots/${info.project.name}/confirm-page.png`, fullPage: true });
});

test("screenshot: a passage with its popover open, and the thread filtered to Inline Feedbacks", async ({ page }, info) => {
  // this test's own article: the seed article stays as readers see it
  const ARTICLE = ownArticle(info);
  await page.setViewportSize({ width: 1280, height: 900 });
  await open(page, ARTICLE, info);
  await page.locator(".passage-icon").first().click();
  const panel = page.locator(".feedback-panel");
  await panel.getByLabel("Your feedback").fill(`Asylum is the ground that matters most here (${info.project.name} ${Date.now().toString(36)}).`);
  await panel.getByLabel("Name").fill("Fatma");
  await panel.getByRole("button", { name: "Send feedback" }).click();
  await expect(page.locator(".feedback-panel .form-success")).toBeVisible();
  await open(page, ARTICLE, info);
  await page.locator(".passage-icon").first().click();
  await expect(page.locator(".feedback-panel .panel-recent")).toBeVisible();
  const top = await page.locator("mark.passage").first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
  await page.screenshot({
    path: `screenshots/${info.project.name}/passage-popover.png`,
    clip: { x: 0, y: Math.max(0, top - 200), width: 1280, height: 900 },
    fullPage: true,
  });
  await open(page, `${ARTICLE}?filter=feedback#comments`, info);
  await expect(page.locator(".filter-info")).toContainText("Inline Feedbacks");
  await page.locator("#comments").screenshot({ path: `screenshots/${info.project.name}/thread-inline-feedbacks.png` });
});
