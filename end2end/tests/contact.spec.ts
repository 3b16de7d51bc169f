import { test, expect } from "@playwright/test";
import { open, unique, jsOn, markDocument, expectSameDocument } from "./helpers";

test("a reader sends a message through Contact Us and an editor reads it", async ({ page, browser }, info) => {
  await open(page, "/contact", info);
  await expect(page.locator("main .contact-info")).toContainText("Oak Avenue, Manhattan Beach, California 90266");
  if (jsOn(info)) await markDocument(page);
  const sender = unique("Reader", info);
  await page.getByLabel("Name").fill(sender);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill("reader@example.com");
  await page.getByLabel("Subject").fill("A correction");
  await page.getByLabel("Message").fill("The dateline should read Beijing.");
  await page.getByRole("button", { name: "Send message" }).click();
  await expect(page.locator(".form-success")).toHaveText(/Thank you — your message was sent/);
  if (jsOn(info)) {
    await expectSameDocument(page);
    await expect(page.getByLabel("Message")).toHaveValue("");
  } else {
    await expect(page).toHaveURL(/\/contact\?sent=1$/);
  }

  // the admin asks for the editor's password
  // (a browser would show its sign-in prompt; ask without one)
  const denied = await page.request.get("/admin/messages");
  expect(denied.status()).toBe(401);
  expect(denied.headers()["www-authenticate"]).toContain("Basic");
  const editor = await browser.newContext({
    httpCredentials: { username: "editor", password: "e2e-editor" },
    javaScriptEnabled: jsOn(info),
  });
  const admin = await editor.newPage();
  await admin.goto("/admin/messages");
  const row = admin.locator("tr", { hasText: sender });
  await expect(row).toContainText("A correction");
  await expect(row).toContainText("The dateline should read Beijing.");
  await expect(row.getByRole("link", { name: "reader@example.com" })).toHaveAttribute("href", "mailto:reader@example.com");
  await editor.close();
});

test("a refused contact message shows each problem and keeps the input", async ({ page }, info) => {
  await open(page, "/contact", info);
  await page.getByLabel("Name").fill("Reader");
  await page.getByRole("textbox", { name: "Email", exact: true }).fill("reader@");
  await page.getByLabel("Message").fill("Please keep this text.");
  await page.getByRole("button", { name: "Send message" }).click();
  await expect(page.locator("#contact-email-error")).toContainText("valid email address");
  await expect(page.locator("#contact-subject-error")).toHaveText("Please enter your subject.");
  await expect(page.locator("#contact-name-error")).toBeHidden();
  await expect(page.getByLabel("Message")).toHaveValue("Please keep this text.");
  await expect(page.getByLabel("Name")).toHaveValue("Reader");
  await expect(page.locator(".form-success")).toBeHidden();
});
