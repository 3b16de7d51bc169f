import { test, expect } from "@playwright/test";
import { open, unique, jsOn, markDocument, expectSameDocument } from "./helpers";
import { E2E_ADMIN } from "../desk-admin";

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

  // the editors read it in the desk's inbox, once signed in
  const denied = await page.request.get("/desk/inbox", { maxRedirects: 0, headers: { Accept: "text/html" } });
  expect(denied.status()).toBe(302);
  const editor = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  const desk = await editor.newPage();
  await desk.goto("/desk/inbox");
  await desk.getByLabel("Email").fill(E2E_ADMIN.email);
  await desk.getByLabel("Password").fill(E2E_ADMIN.password);
  await desk.getByRole("button", { name: "Sign in" }).click();
  await expect(desk).toHaveURL(/\/desk\/inbox$/);
  const entry = desk.locator(".desk-entry", { hasText: sender });
  await expect(entry).toContainText("A correction");
  await expect(entry).toContainText("The dateline should read Beijing.");
  await expect(entry.getByRole("link", { name: "reader@example.com" })).toHaveAttribute("href", "mailto:reader@example.com");
  await entry.getByRole("button", { name: "Archive" }).click();
  await expect(desk.locator(".desk-entry", { hasText: sender })).toHaveCount(0);
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
