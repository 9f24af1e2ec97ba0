/**
 * Records the expected UART output of every case in `expected/cases.json` by running it under
 * QEMU, and prints each exact command line. Run after changing a guest or the manifest:
 * `pnpm exec tsx packages/guests/aarch64/virt/scripts/record-expected.ts` (from the repository root;
 * QEMU runs from any folder).
 */
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import {
  expectedPath,
  loadManifest,
  qemuArgs,
  qemuBinary,
  runQemu,
  virtDir,
} from "./qemu-cases.js";

const TIMEOUT_MS = 20_000;

const manifest = loadManifest();
for (const c of manifest.cases) {
  const shownArgs = qemuArgs(manifest, c, "bin");
  const run = await runQemu(qemuArgs(manifest, c), [c.stdin], TIMEOUT_MS);
  if (run.timedOut || run.code !== 0) {
    process.stderr.write(
      `${c.name}: QEMU ${run.timedOut ? "timed out" : `exited ${run.code}`}\n${run.stderr}`,
    );
    process.exit(1);
  }
  writeFileSync(expectedPath(c), run.stdout);
  process.stderr.write(
    `${relative(virtDir, expectedPath(c))}: ${run.stdout.length} bytes from ${qemuBinary} ${shownArgs.join(" ")} < ${JSON.stringify(c.stdin)}\n`,
  );
}
