/**
 * Guest RAM is backed lazily: a 1 GiB guest that writes 16 MiB leaves about 16 MiB of the kernel
 * model's physical memory backed, not 1 GiB. Counted in pages (deterministic), not host RSS.
 */
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { EXIT_POWEROFF, parseCommandLine, type RunResult, runGuest } from "../src/index.js";
import { virtGuests } from "./cli-process.js";

const MiB = 2 ** 20;
const PAGE = 4096;

async function run1G(binary: string): Promise<{ result: RunResult; stdout: string }> {
  const c = parseCommandLine(["run", "--kernel", join(virtGuests, "bin", binary), "-m", "1G"]);
  if (c.kind !== "run") throw new Error("not a run");
  const out: Buffer[] = [];
  const result = await runGuest(c.options, {
    stdin: Readable.from([]),
    stdout: new Writable({
      write(chunk, _enc, cb) {
        out.push(Buffer.from(chunk));
        cb();
      },
    }),
    stderr: new Writable({
      write(_chunk, _enc, cb) {
        cb();
      },
    }),
  });
  return { result, stdout: Buffer.concat(out).toString("latin1") };
}

describe("lazily backed guest RAM (-m 1G)", () => {
  it("touch16m: 16 MiB written leaves between 16 and 64 MiB backed, about 16 MiB more than hello", {
    timeout: 120_000,
  }, async () => {
    const idle = await run1G("hello");
    const touched = await run1G("touch16m");
    expect(idle.result.status).toBe(EXIT_POWEROFF);
    expect(touched.result.status).toBe(EXIT_POWEROFF);
    expect(touched.stdout).toContain(
      "wrote 4096 pages (16 MiB) above the image, 0 read back wrong",
    );
    const backed = touched.result.stats.resident_pages * PAGE;
    expect(backed).toBeGreaterThanOrEqual(16 * MiB);
    expect(backed).toBeLessThan(64 * MiB);
    const extra = (touched.result.stats.resident_pages - idle.result.stats.resident_pages) * PAGE;
    // The two images differ by a page or so, hence the 1 MiB of slack either side.
    expect(extra).toBeGreaterThan(15 * MiB);
    expect(extra).toBeLessThan(17 * MiB);
  });
});
