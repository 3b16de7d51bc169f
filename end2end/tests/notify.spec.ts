import { test, expect, Page } from "@playwright/test";
import { open, jsOn, mailTo, linkIn, ownArticle, markDocument, expectSameDocument } from "./helpers";

const address = (tag: string, project: string) => `${tag}-${project}-${Date.now().toString(36)}@example.com`;

async function subscribeFromBar(page: Page, email: string, kind: string) {
  const bar = page.locator("#notify");
  await bar.getByLabel("Notify of").selectOption({ label: kind });
  await bar.getByLabel("Email for notifications").fill(email);
  await bar.getByRole("button", { name: "Subscribe" }).click();
}

test("subscribe from the bar, confirm through the mailed link, see it, unsubscribe", async ({ page }, info) => {
  const email = address("bar", info.project.name);
  const ARTICLE = ownArticle(info);
  await open(page, ARTICLE, info);
  if (jsOn(info)) await markDocument(page);
  const bar = page.locator("#notify");
  await expect(bar.getByLabel("Notify of")).toContainText("new follow-up comments");
  await expect(bar.getByLabel("Notify of")).toContainText("new replies to my comments");

  // a bad address is refused next to the field, and kept
  await subscribeFromBar(page, "not-an-address", "new follow-up comments");
  await expect(bar.locator(".notify-message")).toContainText("valid email address");
  await expect(bar.getByLabel("Email for notifications")).toHaveValue("not-an-address");

  await subscribeFromBar(page, email, "new follow-up comments");
  await expect(bar.locator(".notify-message")).toContainText("a link is on its way");
  await expect(bar.locator(".notify-state")).toContainText("You're subscribed to new follow-up comments");
  await expect(bar.locator(".notify-state")).toContainText("waiting for your confirmation");
  if (jsOn(info)) await expectSameDocument(page);
  else await expect(page).toHaveURL(/\?notify=sent#notify$/);

  const mail = await mailTo(email, "Confirm your subscription");
  await page.goto(linkIn(mail, "/subscriptions/confirm?token="));
  await expect(page.getByRole("heading", { name: "Confirm your subscription" })).toBeVisible();
  await page.getByRole("button", { name: "Confirm subscription" }).click();
  await expect(page.getByRole("heading", { name: "You're subscribed" })).toBeVisible();
  await expect(page.locator("main")).toContainText("new follow-up comments");

  await open(page, ARTICLE, info);
  const state = bar.locator(".notify-state");
  await expect(state).toContainText("You're subscribed to new follow-up comments");
  await expect(state).not.toContainText("waiting");
  // the kind already taken is no longer offered
  await expect(bar.getByLabel("Notify of")).not.toContainText("new follow-up comments");

  await state.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(bar.locator(".notify-message")).toContainText("Unsubscribed");
  await expect(bar.locator(".notify-state")).toHaveCount(0);
  await expect(bar.getByLabel("Notify of")).toContainText("new follow-up comments");
});

test("a notification arrives for a new comment and its unsubscribe link works", async ({ page, browser }, info) => {
  const email = address("mail", info.project.name);
  const ARTICLE = ownArticle(info);
  await open(page, ARTICLE, info);
  await subscribeFromBar(page, email, "new follow-up comments");
  await expect(page.locator("#notify .notify-state")).toContainText("waiting for your confirmation");
  const confirm = await mailTo(email, "Confirm your subscription");
  await page.goto(linkIn(confirm, "/subscriptions/confirm?token="));
  await page.getByRole("button", { name: "Confirm subscription" }).click();
  await expect(page.getByRole("heading", { name: "You're subscribed" })).toBeVisible();

  // another reader comments, in another browser
  const other = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  const them = await other.newPage();
  await open(them, ARTICLE, info);
  const text = `Worth a notification (${info.project.name} ${Date.now()}).`;
  await them.locator("#comment-body").fill(text);
  await them.locator("#comment-name").fill("Notifier");
  await them.getByRole("button", { name: "Post Comment" }).click();
  await expect(them.locator(".comment-body", { hasText: text })).toBeVisible();
  await other.close();

  const note = await mailTo(email, "New comment on");
  expect(note).toContain(text);
  expect(note).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
  await page.goto(linkIn(note, "#comment-"));
  await expect(page.locator(".comment-body", { hasText: text })).toBeVisible();
  await page.goto(linkIn(note, "/subscriptions/unsubscribe?token="));
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("heading", { name: "You're unsubscribed" })).toBeVisible();
  await open(page, ARTICLE, info);
  await expect(page.locator("#notify .notify-state")).toHaveCount(0);
});
