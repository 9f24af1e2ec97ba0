#!/usr/bin/env node
// Generates the API documentation (docs/api/*.md) from the api-extractor doc models that
// `pnpm api` leaves in packages/*/temp/<name>.api.json, with api-documenter's markdown output.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const input = join(root, "docs", "api", ".tmp");
rmSync(input, { recursive: true, force: true });
mkdirSync(input, { recursive: true });
let models = 0;
for (const dir of readdirSync(join(root, "packages"))) {
  const temp = join(root, "packages", dir, "temp");
  if (!existsSync(temp)) continue;
  for (const file of readdirSync(temp).filter((f) => f.endsWith(".api.json"))) {
    copyFileSync(join(temp, file), join(input, file));
    models++;
  }
}
if (models === 0) {
  console.error("api-docs: no doc models found; run `pnpm api` first");
  process.exit(1);
}
const bin = join(root, "node_modules", ".bin", "api-documenter");
execFileSync(bin, ["markdown", "-i", input, "-o", join(root, "docs", "api")], {
  stdio: ["ignore", "inherit", "inherit"],
});
rmSync(input, { recursive: true, force: true });
console.error(`api-docs: wrote docs/api from ${models} package models`);
