import { test, expect } from "@playwright/test";
import { ARTICLE, open, mailTo, linkIn } from "./helpers";

// Saved for people to look at (end2end/screenshots/); the assertions only check the pages rendered.
const pages = [
  { name: "front", path: "/", ready: ".article-card" },
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
  await open(page, ARTICLE, info);
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
