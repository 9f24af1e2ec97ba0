/** The thread port accepts any argument: garbage is an seL4 error or fault, never a host exception. */
import { expect, it } from "vitest";
import { Kernel } from "../src/index.js";
import { ramUntyped, slots, startThread } from "./helpers.js";

it.each(["aarch64", "x86_64"] as const)("%s: garbage port arguments", async (arch) => {
  const kernel = new Kernel({ arch, ramSize: 8 * 2 ** 20 });
  const results: bigint[] = [];
  let reachedEnd = false;
  await kernel.run(async (sel4, bi) => {
    const alloc = slots(bi);
    startThread(sel4, kernel, alloc, ramUntyped(bi), async ({ port }) => {
      for (const i of [-1, 1.5, 120, 1e9, Number.NaN, Number.POSITIVE_INFINITY]) {
        results.push(port.getMR(i));
        port.setMR(i, 2n ** 70n);
        results.push(port.readIPCBufferWord(i));
        port.writeIPCBufferWord(i, -1n);
      }
      port.setMR(0, -5n);
      results.push(port.getMR(0));
      for (const id of [Number.NaN, -1, -2, -3, -7, -9, -12, 0, 5, -1000, 1.5]) {
        for (const dest of [-1, 1.5, Number.NaN, 2 ** 60, Number.MAX_SAFE_INTEGER, 3]) {
          for (const info of [-1n, 2n ** 70n, 0xfffff_ffffn, 0n]) {
            const r = port.syscall(id, dest, info);
            expect(typeof r.badge).toBe("bigint");
          }
        }
      }
      await port.syscallBlocking(-7, Number.NaN, -1n); // Yield with garbage registers
      reachedEnd = true;
      await port.syscallBlocking(0xc1, Number.NaN, 2n ** 80n); // unknown syscall: fault, no handler
    });
  });
  expect(reachedEnd).toBe(true);
  expect(results.at(-1)).toBe(2n ** 64n - 5n);
  expect(kernel.threadErrors).toEqual([]);
  expect(kernel.checkInvariants()).toEqual([]);
});
