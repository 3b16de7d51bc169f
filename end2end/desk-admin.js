// The desk's first admin in the end-to-end run: made on the command line before the server
// starts (playwright.config.ts), as on a real site, where there is no default account.
module.exports = {
  E2E_ADMIN: { email: "desk-admin@news.example", password: "e2e admin password, not a default" },
};
