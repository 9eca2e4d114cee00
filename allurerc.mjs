// Allure 3 report config (used by `make report`): history accumulates across runs in reports/history.
// The labels below are written by src/chatconform/report/allure_attach.py.
export default {
  name: "chatconform conformance",
  output: "reports/html",
  historyPath: "reports/history/allure-history.jsonl",
  // epic/feature/story repeat parentSuite/suite/subSuite (they are written for Allure 2's Behaviors tab) and
  // package is a module path, host and thread are this machine: shown, they only make a reviewer read more
  hideLabels: ["epic", "feature", "story", "package", "host", "thread"],
  plugins: {
    awesome: {
      options: {
        reportName: "chatconform conformance",
        // provider > vendor (only when the model id names one, e.g. google/...) > model > check > exchange
        groupBy: ["parentSuite", "vendor", "suite", "subSuite"],
        defaultSortBy: "name,asc",
      },
    },
  },
  // Allure's status cannot say "known deviation" (a strict xfail is shown as skipped) or "docs conflict" (it
  // passes); gaps and unavailable providers are "broken" (never skipped, never green). The `verdict` label,
  // results.json's word, puts each in its own category; a test goes to the first category it matches, so the
  // verdicts come first and the bare statuses (a failure nobody declared, an error of chatconform) last.
  categories: [
    { id: "gaps", name: "Gaps (could not be judged: broken, with the reason)",
      matchers: { labels: { verdict: "^gap$" } }, groupBy: [{ label: "parentSuite" }], groupByMessage: true },
    { id: "unavailable", name: "Provider unavailable (no answer after retries: broken, never a pass)",
      matchers: { labels: { verdict: "^unavailable$" } }, groupBy: [{ label: "parentSuite" }], groupByMessage: true },
    { id: "known", name: "Known deviations (declared, strict xfail)", matchers: { labels: { verdict: "^xfail$" } },
      groupBy: [{ label: "parentSuite" }], groupByMessage: true, expand: true },
    { id: "not-run", name: "Not run (budget spent, or no key)", matchers: { labels: { verdict: "^not-run$" } },
      groupBy: [{ label: "parentSuite" }], groupByMessage: true },
    { id: "conflicts", name: "Docs conflicts (the provider's documents disagree; reported, not failed)",
      matchers: { labels: { verdict: "^conflict$" } }, groupBy: [{ label: "parentSuite" }, { label: "subSuite" }],
      groupByMessage: false },
    { id: "violations", name: "Violations (failing checks no declared deviation explains)",
      matchers: { statuses: ["failed"] } },
    { id: "errors", name: "Errors (chatconform or its input)", matchers: { statuses: ["broken"] } },
  ],
};
