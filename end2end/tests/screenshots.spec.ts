import { test, expect } from "@playwright/test";
import { ARTICLE, open } from "./helpers";

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
