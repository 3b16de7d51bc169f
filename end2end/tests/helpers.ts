import { expect, Page, TestInfo } from "@playwright/test";

export const ARTICLE = "/articles/china-ratifies-extradition-treaty-with-turkey";
export const HEADLINE = "China ratifies extradition treaty with Turkey, alarming the Uighur diaspora";

export const jsOn = (info: TestInfo) => info.project.name === "hydrated";

/** A name no other test (or other project) uses, so assertions find only this test's rows. */
export function unique(prefix: string, info: TestInfo): string {
  return `${prefix} ${info.project.name} ${Date.now().toString(36)}`;
}

/** Opens a page; with JavaScript on, waits until the app has hydrated. */
export async function open(page: Page, path: string, info: TestInfo) {
  const res = await page.goto(path);
  if (jsOn(info)) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  return res;
}

/** Collects uncaught errors and console errors, to assert a clean hydration. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return errors;
}
