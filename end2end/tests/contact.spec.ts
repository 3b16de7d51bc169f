import { test, expect } from "@playwright/test";
import { open, unique, jsOn } from "./helpers";

test("a reader sends a message through Contact Us", async ({ page }, info) => {
  await open(page, "/contact", info);
  await expect(page.locator("main .contact-info")).toContainText("Oak Avenue, Manhattan Beach, California 90266");
  await page.getByLabel("Name").fill(unique("Reader", info));
  await page.getByLabel("Email").fill("reader@example.com");
  await page.getByLabel("Subject").fill("A correction");
  await page.getByLabel("Message").fill("The dateline should read Beijing.");
  await page.getByRole("button", { name: "Send message" }).click();
  await expect(page.locator(".form-success")).toHaveText(/Thank you — your message was sent/);
  if (jsOn(info)) {
    await expect(page.getByLabel("Message")).toHaveValue("");
  } else {
    await expect(page).toHaveURL(/\/contact\?sent=1$/);
  }
});

test("a refused contact message shows each problem and keeps the input", async ({ page }, info) => {
  await open(page, "/contact", info);
  await page.getByLabel("Name").fill("Reader");
  await page.getByLabel("Email").fill("reader@");
  await page.getByLabel("Message").fill("Please keep this text.");
  await page.getByRole("button", { name: "Send message" }).click();
  await expect(page.locator("#contact-email-error")).toContainText("valid email address");
  await expect(page.locator("#contact-subject-error")).toHaveText("Please enter your subject.");
  await expect(page.locator("#contact-name-error")).toBeHidden();
  await expect(page.getByLabel("Message")).toHaveValue("Please keep this text.");
  await expect(page.getByLabel("Name")).toHaveValue("Reader");
  await expect(page.locator(".form-success")).toBeHidden();
});
