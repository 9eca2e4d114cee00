// Allure 3 report config (used by `make report`): history accumulates across runs in reports/history.
export default {
  name: "chatconform conformance",
  output: "reports/html",
  historyPath: "reports/history/allure-history.jsonl",
};
