#!/usr/bin/env node
// Sums the vitest JSON reports of every workspace package (temp/vitest.json) and prints the one
// closing line CI reads: "N passed, N failed". Exits non-zero on any failure, on a package whose
// report is missing, or when no test ran at all.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const dirs = [
  ...readdirSync(join(root, "packages")).map((d) => join(root, "packages", d)),
  join(root, "tooling"),
];
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of dirs) {
  const pkgFile = join(dir, "package.json");
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  if (!pkg.scripts?.test) continue;
  const report = join(dir, "temp", "vitest.json");
  if (!existsSync(report)) {
    missing.push(pkg.name);
    continue;
  }
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrors ?? 0);
  skipped += r.numPendingTests + r.numTodoTests;
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
}
for (const name of missing) console.error(`test-summary: no test report from ${name}`);
console.log(
  `${passed} passed, ${failed + missing.length} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
process.exit(failed + missing.length > 0 || passed === 0 ? 1 : 0);
