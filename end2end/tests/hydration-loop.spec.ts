import { test, expect, APIRequestContext } from "@playwright/test";
import { ownArticle } from "./helpers";

/** The comment form's fields as the page renders them (names and values), to post as it would. */
type Fields = Record<string, string>;

// 500 hydrated loads of the article in its five shapes, while other clients read it and post to
// it: any uncaught error or console error (a panic prints one) fails the run. A correctness
// test: nothing here is timed.
const LOADS = 500;

async function load(
  request: APIRequestContext,
  baseURL: string,
  article: string,
  stop: () => boolean,
  post: Fields | null,
  key: string,
) {
  let n = 0;
  while (!stop()) {
    if (post) {
      await request.post("/api/post_comment", {
        headers: { accept: "application/json", origin: baseURL! },
        form: { ...post, name: "Load", body: `load ${key} ${n} ${Date.now()}`, key: `${key}-${n}` },
        failOnStatusCode: false,
      });
    } else {
      await request.get(`${article}?sort=${["newest", "oldest", "votes"][n % 3]}`, { failOnStatusCode: false });
    }
    n++;
    // steady, not flat out: two cores serve both the browser and this load
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("500 hydrated loads of the article under load: no page error, no panic", async ({ page, playwright, baseURL }, info) => {
  test.skip(info.project.name !== "hydrated", "hydration needs JavaScript");
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });

  const ARTICLE = ownArticle(info);
  await page.goto(ARTICLE);
  // the fields the comment form carries, as the browser would send them
  const fields: Fields = await page.evaluate(() => {
    const form = document.querySelector("form#comment-post") as HTMLFormElement;
    const out: Record<string, string> = {};
    for (const [k, v] of new FormData(form).entries()) out[k] = String(v);
    return out;
  });
  expect(Object.keys(fields).sort()).toEqual(["article", "body", "email", "key", "name", "website"]);
  const nonce = fields.key.replace(/-\d+$/, "");
  const passage = await page.locator(".passage-icon").first().getAttribute("data-passage");
  // a comment of its own, for the permalink shape
  const posted = await page.request.post("/api/post_comment", {
    headers: { accept: "application/json", origin: new URL(page.url()).origin },
    form: { ...fields, name: "Loop", body: `permalink target ${Date.now()}`, key: `${nonce}-loop` },
  });
  expect(posted.status()).toBe(200);
  const id = (await posted.json()).id;

  // the load: two readers and one writer, until the loop is over
  let done = false;
  const clients = await Promise.all([0, 1, 2].map(() => playwright.request.newContext({ baseURL })));
  const background = clients.map((c, i) => load(c, baseURL!, ARTICLE, () => done, i === 2 ? fields : null, `${nonce}-load`));

  const shapes = [
    ARTICLE,
    `${ARTICLE}?sort=newest#comments`,
    `${ARTICLE}?filter=feedback#comments`,
    `${ARTICLE}?comment=${id}#comment-${id}`,
    `${ARTICLE}?feedback=${passage}#feedback-${passage}`,
  ];
  try {
    for (let i = 0; i < LOADS; i++) {
      const url = shapes[i % shapes.length];
      await page.goto(url);
      await expect(page.locator("body"), `load ${i}: ${url}`).toHaveAttribute("data-hydrated", "true");
      // the islands answer: the selector island is in place, the live region exists
      await expect(page.locator("leptos-island")).toHaveCount(2);
      expect(errors, `after load ${i} (${url})`).toEqual([]);
    }
  } finally {
    done = true;
    await Promise.all(background);
    await Promise.all(clients.map((c) => c.dispose()));
  }
});
