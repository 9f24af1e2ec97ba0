import { defineConfig } from "vitest/config";

// Tests run from TypeScript sources: the "@sel4/source" export condition points every workspace
// package at its src/index.ts, so no build is needed first. The node test environment resolves
// through the SSR options, hence ssr.resolve.conditions (plain resolve.conditions is not enough).
export default defineConfig({
  ssr: { resolve: { conditions: ["@sel4/source", "module", "node", "development|production"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
  benchmark: { include: ["bench/**/*.bench.ts", "src/**/*.bench.ts"] },
});
