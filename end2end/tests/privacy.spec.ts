import { test, expect, Page, TestInfo } from "@playwright/test";
import { open, ownArticle, unique, jsOn, mailTo, linkIn } from "./helpers";

// A reader's own data, with JavaScript on and off: a copy of it and its erasure, each asked for
// on the privacy page and confirmed through the mailed link (which works once); and the
// subscriptions page, reached through its mailed link, where a notification is turned off.

const address = (tag: string, info: TestInfo) => `${tag}-${info.project.name}-${Date.now().toString(36)}@example.com`;

async function comment(page: Page, info: TestInfo, article: string, name: string, email: string, text: string) {
  await open(page, article, info);
  const form = page.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill(text);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("textbox", { name: "Email", exact: true }).fill(email);
  await form.getByRole("button", { name: "Post Comment" }).click();
  await expect(page.locator("article.comment", { hasText: name })).toBeVisible();
}

async function ask(page: Page, info: TestInfo, email: string, button: string) {
  await open(page, "/privacy", info);
  const form = page.locator("#your-data form");
  // typed as people do: capitals and all
  await form.getByLabel("Email").fill(email.toUpperCase());
  await form.getByRole("button", { name: button }).click();
  await expect(page.locator("#your-data")).toContainText("a mail with a link is on its way");
}

test("a reader downloads their data once, then erases it, from the privacy page", async ({ page }, info) => {
  const article = ownArticle(info);
  const name = unique("Private Reader", info);
  const email = address("data", info);
  await comment(page, info, article, name, email, "Words I will ask to have erased.");

  await ask(page, info, email, "Send me a copy");
  const copy = await mailTo(email, "Your data at Byline");
  const link = linkIn(copy, "/privacy/data?token=");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Your data" })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download my data" }).click(),
  ]);
  const file = await download.path();
  const data = JSON.parse(require("fs").readFileSync(file, "utf8"));
  expect(data.email).toBe(email);
  expect(data.comments.map((c: any) => c.text)).toEqual(["Words I will ask to have erased."]);
  // the link works once
  await page.goto(link);
  await expect(page.locator("main")).toContainText("This link was used already.");

  await ask(page, info, email, "Erase my data");
  const erase = await mailTo(email, "Erase your data");
  await page.goto(linkIn(erase, "/privacy/data?token="));
  await expect(page.locator("main")).toContainText("This cannot be undone.");
  await page.getByRole("button", { name: "Erase my data" }).click();
  await expect(page.locator("main")).toContainText("Done: what we kept about your address is erased.");
  await page.locator("main").screenshot({ path: `screenshots/${info.project.name}/privacy-erased.png` });
  await open(page, article, info);
  await expect(page.locator("article.comment", { hasText: name })).toHaveCount(0);
});

test("a reader turns off a notification from the subscriptions page", async ({ page, browser }, info) => {
  const article = ownArticle(info);
  const email = address("manage", info);
  await open(page, article, info);
  const bar = page.locator("#notify");
  await bar.getByLabel("Notify of").selectOption({ label: "new follow-up comments" });
  await bar.getByLabel("Email for notifications").fill(email);
  await bar.getByRole("button", { name: "Subscribe" }).click();
  await expect(bar.locator(".notify-message")).toContainText("a link is on its way");
  // confirmed in another browser (the one the mail was opened in): manage links go only to
  // addresses that confirmed something
  const confirm = await mailTo(email, "Confirm your subscription");
  const other = await (await browser.newContext({ javaScriptEnabled: jsOn(info) })).newPage();
  await other.goto(linkIn(confirm, "/subscriptions/confirm?token="));
  await other.getByRole("button", { name: "Confirm subscription" }).click();
  await expect(other.getByRole("heading", { name: "You're subscribed" })).toBeVisible();
  await other.context().close();

  await open(page, "/subscriptions", info);
  await page.locator(".manage-form").getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me the link" }).click();
  await expect(page.locator(".form-success")).toContainText("a link to manage them is on its way");
  const mail = await mailTo(email, "Your Byline subscriptions");
  await page.goto(linkIn(mail, "/subscriptions/manage?token="));
  await expect(page.getByRole("heading", { name: "Your subscriptions" })).toBeVisible();
  const item = page.locator(".subscription-list li", { hasText: "follow-up comments" });
  await expect(item).not.toContainText("waiting for confirmation");
  await page.locator("main").screenshot({ path: `screenshots/${info.project.name}/subscriptions-manage.png` });
  await item.getByRole("button", { name: "Turn off" }).click();
  await expect(page.locator("main")).toContainText("Turned off.");
  await expect(page.locator("main")).toContainText("No subscriptions: nothing is sent to this address.");
});
