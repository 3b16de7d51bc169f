import { defineConfig } from "@playwright/test";

// Debian's Chromium (apt-get install chromium); Playwright never downloads a browser.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const port = process.env.E2E_PORT ?? "3100";
const baseURL = `http://127.0.0.1:${port}`;
// scripts/test builds the release server; CARGO_TARGET_DIR may move it out of the clone.
const server = process.env.BYLINE_SERVER_BIN ?? "./target/release/server";
// the desk's first admin (tests/desk.spec.ts signs in with it)
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { E2E_ADMIN } = require("./desk-admin");

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // No retries: a test that passes only sometimes is a bug to fix, and fails the run.
  retries: 0,
  failOnFlakyTests: true,
  reporter: [["list"], ["json", { outputFile: "test-results/summary.json" }]],
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: chromiumArgs,
    },
    trace: "retain-on-failure",
  },
  projects: [
    { name: "hydrated", use: { javaScriptEnabled: true } },
    { name: "no-js", use: { javaScriptEnabled: false } },
  ],
  // A fresh database every run, seeded from content/ on start.
  webServer: {
    // each test's own article (owned-articles.js), the desk's first admin (made on the command
    // line, as on a real site: there is no default account), then the server
    command:
      `rm -rf target/e2e && mkdir -p target/e2e && node end2end/owned-articles.js target/e2e/articles && ` +
      `echo '${E2E_ADMIN.password}' | ${server} admin create --email ${E2E_ADMIN.email} --name 'Desk Admin' && ` +
      // a real WordPress + wpDiscuz export, imported as a site moving to Byline would (imported.spec.ts)
      `${server} import wordpress server/tests/fixtures/wordpress-wpdiscuz-export.xml > target/e2e/import-report.txt && ` +
      `exec ${server}`,
    cwd: "..",
    env: {
      // scripts/test runs the suite a second time on PostgreSQL (a fresh database)
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "sqlite:target/e2e/byline.db",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.E2E_SITE_ROOT ?? "target/site",
      RUST_LOG: "warn",
      // the seed, and one unlisted article per test and project
      CONTENT_DIR: "content:target/e2e/articles",
      // seconds added to the server's clock (helpers.ts advanceServerClock)
      BYLINE_CLOCK_FILE: "target/e2e/clock",
      // a browser fills forms in milliseconds and every test posts from 127.0.0.1
      BYLINE_MIN_FORM_SECONDS: "0",
      BYLINE_COMMENTS_PER_IP_PER_MINUTE: "100000",
      BYLINE_COMMENTS_PER_EMAIL_PER_HOUR: "100000",
      BYLINE_VOTES_PER_IP_PER_MINUTE: "100000",
      // every test browser votes from 127.0.0.1: one vote per address would let only the first
      BYLINE_ONE_VOTE_PER_ADDRESS: "0",
      BYLINE_CONTACT_PER_IP_PER_HOUR: "100000",

      // the embedded default transport: .eml files the tests read the links from
      MAIL_DIR: "target/e2e/mail",
      BYLINE_MAIL_POLL_MS: "300",
      BYLINE_SUBSCRIBE_PER_IP_PER_HOUR: "100000",
    },
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
