import { test, expect, Browser, TestInfo } from "@playwright/test";
import { open, ownArticle, unique, browsersClosedAfterEach, deskSignIn } from "./helpers";
import { E2E_ADMIN as ADMIN } from "../desk-admin";

// The desk's screens that only HTTP tests reached before: staff accounts and a password
// change, spam / trash / restore / bulk / pin / feature, and closing an article — each seen
// from the desk and from a reader's page, with JavaScript on and off.

// every browser a test opens is closed when it ends (an open article page holds a live stream)
const { newPage } = browsersClosedAfterEach();
const signIn = deskSignIn;

/** Posts a comment on `article` as a new reader; answers the reader's page. */
async function post(browser: Browser, info: TestInfo, article: string, name: string, text: string) {
  const reader = await newPage(browser, info);
  await open(reader, article, info);
  const form = reader.locator("#comment-form");
  await form.getByRole("textbox", { name: "Comment" }).fill(text);
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Post Comment" }).click();
  await expect(reader.locator("article.comment", { hasText: name })).toBeVisible();
  return reader;
}

test("an admin adds a moderator, who changes their own password and signs in with it", async ({ browser }, info) => {
  const admin = await newPage(browser, info);
  await signIn(admin, info, ADMIN.email, ADMIN.password, "/desk/staff");
  const name = unique("New Moderator", info);
  const email = `mod-${info.project.name}-${Date.now().toString(36)}@news.example`;
  const first = "a first password for the new one";
  const add = admin.locator("form[action='/desk/staff']");
  await add.getByLabel("Name").fill(name);
  await add.getByLabel("Email").fill(email);
  await add.getByLabel("Role").selectOption("moderator");
  await add.getByLabel(/First password/).fill(first);
  await add.getByRole("button", { name: "Add" }).click();
  await expect(admin.locator("#desk-notice")).toHaveText("The account was added.");
  const account = admin.locator(".desk-account", { hasText: email });
  await expect(account.getByLabel("Role")).toHaveValue("moderator");
  await account.screenshot({ path: `screenshots/${info.project.name}/desk-staff-account.png` });

  // the moderator signs in; their desk has no settings, no staff changes but their own
  const mod = await newPage(browser, info);
  await signIn(mod, info, email, first, "/desk/staff");
  await expect(mod.locator(".desk-nav")).not.toContainText("Settings");
  const own = mod.locator(".desk-account", { hasText: email });
  // a wrong current password changes nothing, and says so
  await own.getByLabel("Current password").fill("not my password at all");
  await own.getByLabel(/New password/).fill("a second password, mine");
  await own.getByRole("button", { name: "Save" }).click();
  await expect(mod.locator(".form-alert")).toContainText("current password is not right");
  const again = mod.locator(".desk-account", { hasText: email });
  await again.getByLabel("Current password").fill(first);
  await again.getByLabel(/New password/).fill("a second password, mine");
  await again.getByRole("button", { name: "Save" }).click();
  // every session ended: sign in again, with the new one
  await expect(mod).toHaveURL(/\/desk\/signin\?password=changed$/);
  await expect(mod.locator("main")).toContainText("Your password was changed");
  await signIn(mod, info, email, "a second password, mine");

  // the admin disables the account: it is signed out and cannot sign in
  await open(admin, "/desk/staff", info);
  const row = admin.locator(".desk-account", { hasText: email });
  await row.getByLabel(/Disabled/).check();
  await row.getByRole("button", { name: "Save" }).click();
  await expect(admin.locator("#desk-notice")).toHaveText("Saved.");
  await open(mod, "/desk", info);
  await expect(mod).toHaveURL(/\/desk\/signin/);
  await open(admin, "/desk/audit", info);
  for (const what of ["staff added", "password changed", "staff changed", "password change refused"]) {
    await expect(admin.locator("table")).toContainText(what);
  }
});

test("the queue marks spam, trashes, restores, pins and features, one by one and in bulk", async ({ browser }, info) => {
  const article = ownArticle(info);
  const a = unique("Spammy", info);
  const b = unique("Worthy", info);
  const c = unique("Bulk One", info);
  const d = unique("Bulk Two", info);
  await post(browser, info, article, a, "Buy followers at a discount.");
  await post(browser, info, article, b, "A thoughtful comment on the harbour plan.");
  await post(browser, info, article, c, "First of two to clear at once.");
  await post(browser, info, article, d, "Second of two to clear at once.");
  const reader = await newPage(browser, info);
  const desk = await newPage(browser, info);
  await signIn(desk, info, ADMIN.email, ADMIN.password, "/desk/queue?queue=approved");
  const entry = (name: string) => desk.locator(".desk-entry", { hasText: name });

  await entry(a).getByRole("button", { name: "Spam", exact: true }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("1 comment marked as spam.");
  await open(reader, article, info);
  await expect(reader.locator("article.comment", { hasText: a })).toHaveCount(0);

  await open(desk, "/desk/queue?queue=spam", info);
  await entry(a).getByRole("button", { name: "Restore" }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("1 comment restored.");
  await open(reader, article, info);
  await expect(reader.locator("article.comment", { hasText: a })).toBeVisible();

  await open(desk, "/desk/queue?queue=approved", info);
  await entry(a).getByRole("button", { name: "Trash" }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("1 comment moved to the trash.");
  await open(reader, article, info);
  await expect(reader.locator("article.comment", { hasText: a })).toHaveCount(0);

  await open(desk, "/desk/queue?queue=approved", info);
  await entry(b).getByRole("button", { name: "Pin" }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("1 comment pinned.");
  await entry(b).getByRole("button", { name: "Feature" }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("1 comment featured.");
  await open(reader, article, info);
  const worthy = reader.locator("article.comment", { hasText: b });
  await expect(worthy.locator(".badge.pinned")).toHaveText("Pinned");
  await expect(worthy.locator(".badge.featured")).toHaveText("Editors’ pick");
  await expect(reader.locator("article.comment.top-level").first()).toContainText(b);
  await worthy.screenshot({ path: `screenshots/${info.project.name}/pinned-featured.png` });

  // two ticked, one button
  await open(desk, "/desk/queue?queue=approved", info);
  await entry(c).getByRole("checkbox").check();
  await entry(d).getByRole("checkbox").check();
  await desk.locator(".desk-bulk").getByRole("button", { name: "Trash" }).click();
  await expect(desk.locator("#desk-notice")).toHaveText("2 comments moved to the trash.");
  await open(reader, article, info);
  for (const gone of [c, d]) {
    await expect(reader.locator("article.comment", { hasText: gone })).toHaveCount(0);
  }
  await open(desk, "/desk/audit", info);
  for (const what of ["comment spam", "comment restore", "comment trash", "comment pinned", "comment featured"]) {
    await expect(desk.locator("table")).toContainText(what);
  }
});

test("an editor closes an article's comments, hides them, and opens them again", async ({ browser }, info) => {
  const article = ownArticle(info);
  const name = unique("Before Closing", info);
  await post(browser, info, article, name, "Said before the editors closed the thread.");
  const desk = await newPage(browser, info);
  await signIn(desk, info, ADMIN.email, ADMIN.password, "/desk/articles");
  const slug = article.split("/").pop()!;
  const setMode = async (label: string) => {
    await open(desk, "/desk/articles", info);
    const row = desk.locator("tr", { has: desk.locator(`a[href='${article}']`) });
    await row.getByRole("combobox").selectOption({ label });
    await row.getByRole("button", { name: "Set" }).click();
    await expect(desk.locator("#desk-notice")).toHaveText("Saved.");
  };
  const reader = await newPage(browser, info);
  await setMode("Closed");
  await open(reader, article, info);
  await expect(reader.locator(".comments-closed")).toHaveText("Comments are closed on this article.");
  await expect(reader.locator("article.comment", { hasText: name })).toBeVisible();
  await expect(reader.getByRole("button", { name: "Post Comment" })).toHaveCount(0);
  await reader.locator("#comments").screenshot({ path: `screenshots/${info.project.name}/comments-closed.png` });

  await setMode("Hidden");
  await open(reader, article, info);
  await expect(reader.locator("article.comment", { hasText: name })).toHaveCount(0);
  await expect(reader.getByRole("button", { name: "Post Comment" })).toHaveCount(0);

  await setMode("Open");
  await open(reader, article, info);
  await expect(reader.locator("article.comment", { hasText: name })).toBeVisible();
  await expect(reader.getByRole("button", { name: "Post Comment" })).toBeVisible();
  expect(slug.length).toBeGreaterThan(0);
});
