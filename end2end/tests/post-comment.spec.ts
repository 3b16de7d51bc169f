import { test, expect, Page } from "@playwright/test";
import { open, unique, jsOn, watchErrors, ownArticle, markDocument, expectSameDocument } from "./helpers";

async function postTopLevel(page: Page, name: string, body: string, email = "") {
  const form = page.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill(body);
  await form.getByLabel("Name").fill(name);
  if (email) await form.getByRole("textbox", { name: "Email", exact: true }).fill(email);
  await form.getByRole("button", { name: "Post Comment" }).click();
}

test("a reader posts a comment and sees it in the thread", async ({ page }, info) => {
  const errors = watchErrors(page);
  await open(page, ownArticle(info), info);
  await expect(page.locator("#comments-title")).toHaveText("Be the first to comment");
  if (jsOn(info)) await markDocument(page);
  const name = unique("Ada", info);
  // each test writes its own text: the same text twice on one article is refused as a duplicate
  await postTopLevel(page, name, `Turkey's parliament will decide (${name}).\n\nSecond paragraph.`, `ada-${info.project.name}@example.com`);

  const comment = page.locator("article.comment", { hasText: name });
  await expect(comment).toBeVisible();
  await expect(comment.locator(".comment-body p")).toHaveCount(2);
  await expect(comment.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
  await expect(comment).not.toContainText("@example.com"); // email never shown
  await expect(page.locator("#comments-title")).toHaveText("1 Comment");
  if (jsOn(info)) {
    await expectSameDocument(page);
    await expect(page.locator("#comment-form").getByRole("textbox", { name: "Comment" })).toHaveValue("");
    await expect(page.locator("#comment-form .form-status")).toContainText("Your comment was posted");
    expect(errors).toEqual([]);
  } else {
    await expect(page).toHaveURL(/#comment-\d+$/);
  }
});

test("a reader replies to a comment and the reply nests under it", async ({ page }, info) => {
  await open(page, ownArticle(info), info);
  const author = unique("Grace", info);
  await postTopLevel(page, author, `Who decides on asylum? asks ${author}`);
  const parent = page.locator("article.comment", { hasText: author }).first();
  await expect(parent).toBeVisible();

  await parent.getByRole("link", { name: `Reply to ${author}` }).click();
  await expect(page).toHaveURL(/\?replytocom=\d+#respond$/);
  const replyForm = parent.locator("#respond");
  await expect(replyForm).toContainText(`Replying to ${author}`);
  const replier = unique("Linus", info);
  await replyForm.getByLabel("Your reply").fill(`The courts, under the treaty, says ${replier}.`);
  await replyForm.getByLabel("Name").fill(replier);
  await replyForm.getByRole("button", { name: "Post Reply" }).click();

  const reply = parent.locator(".replies article.comment", { hasText: replier });
  await expect(reply).toBeVisible();
  await expect(reply).toContainText("The courts, under the treaty");
  await expect(page).toHaveURL(/#comment-\d+$/);
  await expect(page.locator("#respond")).toHaveCount(0);
});

test("a refused comment names the field and keeps what was typed", async ({ page }, info) => {
  await open(page, ownArticle(info), info);
  if (jsOn(info)) await markDocument(page);
  const form = page.locator("#comment-form");
  const text = `A thoughtful remark that must not be lost (${unique("remark", info)}).`;
  await form.getByRole("textbox", { name: "Comment" }).fill(text);
  await form.getByRole("textbox", { name: "Email", exact: true }).fill("not-an-email");
  const responses: number[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/post_comment")) responses.push(r.status());
  });
  await form.getByRole("button", { name: "Post Comment" }).click();

  const f = page.locator("#comment-form");
  await expect(f.locator("#comment-name-error")).toHaveText("Please enter your name.");
  await expect(f.locator("#comment-email-error")).toContainText("valid email address");
  await expect(f.locator(".form-alert")).toHaveText("Please correct the highlighted fields.");
  await expect(f.getByRole("textbox", { name: "Comment" })).toHaveValue(text);
  await expect(f.getByRole("textbox", { name: "Email", exact: true })).toHaveValue("not-an-email");
  await expect(f.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  // one refusal, 400: hydrated the server function's answer, JavaScript off the page itself
  expect(responses).toEqual([400]);
  if (jsOn(info)) await expectSameDocument(page);
  await expect(page.locator("article.comment")).toHaveCount(0); // nothing was posted

  // correcting the fields posts the same text
  const name = unique("Ken", info);
  await f.getByLabel("Name").fill(name);
  await f.getByRole("textbox", { name: "Email", exact: true }).fill(`ken-${info.project.name}@example.com`);
  await f.getByRole("button", { name: "Post Comment" }).click();
  await expect(page.locator("article.comment", { hasText: name })).toContainText("must not be lost");
});

test("markup typed into a comment shows as text", async ({ page }, info) => {
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  await open(page, ownArticle(info), info);
  const name = unique("Mallory", info);
  await postTopLevel(page, name, `<script>alert("xss")</script><img src=x onerror=alert(1)> <b>bold?</b> ${name}`);
  const comment = page.locator("article.comment", { hasText: name });
  await expect(comment.locator(".comment-body")).toContainText(`<script>alert("xss")</script>`);
  await expect(comment.locator(".comment-body")).toContainText("<b>bold?</b>");
  await expect(comment.locator(".comment-body script, .comment-body img, .comment-body b")).toHaveCount(0);
  await page.reload();
  await expect(page.locator("article.comment", { hasText: name })).toBeVisible();
  expect(dialogs).toBe(0);
});
