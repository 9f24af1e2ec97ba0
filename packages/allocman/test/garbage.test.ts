// Garbage in: random types, sizes and addresses through every allocation entry point. Each call
// must answer with an error or an object (never a host exception), and freeing every success must
// leave the allocator and the kernel as they started.

import { type Arch, inRootTask } from "@sel4/kernel/testing";
import { simple_default_init_bootinfo } from "@sel4/simple";
import {
  VKA_NO_PADDR,
  vka_alloc_object_at_maybe_dev,
  vka_free_object,
  type vka_object_t,
} from "@sel4/vka";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bootstrap_bump_allocator, bootstrap_use_current_simple } from "../src/index.js";

const garbageNumber = fc.oneof(
  fc.integer({ min: -4, max: 70 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0.5, 2 ** 53, -(2 ** 31)),
);
const garbageAddress = fc.oneof(
  fc.constant(VKA_NO_PADDR),
  fc.integer({ min: 0, max: 2 ** 41 }).map((a) => a - (a % 4096)),
  fc.constantFrom(-4096, 0.5, Number.NaN, 2 ** 52, 2 ** 60, 0x4000_0000, 0x10_0000, 0x0900_0000),
);

describe.each<Arch>(["aarch64", "x86_64"])("garbage requests on %s", (arch) => {
  it.each([
    ["allocman", bootstrap_use_current_simple],
    ["bump", bootstrap_bump_allocator],
  ] as const)(
    "%s: are answered with errors or objects, and everything frees back to the start",
    async (_name, make) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              type: garbageNumber,
              size: garbageNumber,
              paddr: garbageAddress,
              dev: fc.boolean(),
            }),
            { maxLength: 40 },
          ),
          async (calls) => {
            await inRootTask(arch, (sel4, bi, kernel) => {
              const vka = make(simple_default_init_bootinfo(sel4, bi));
              const objectsBefore = kernel.liveObjectCount;
              const live: vka_object_t[] = [];
              for (const c of calls) {
                const r = vka_alloc_object_at_maybe_dev(vka, c.type, c.size, c.paddr, c.dev);
                expect(Number.isInteger(r.error)).toBe(true);
                if (r.error === 0) live.push(r.object);
                else expect(r.object.cptr).toBe(0);
              }
              for (const o of live) vka_free_object(vka, o);
              expect(vka.is_pristine()).toBe(true);
              expect(kernel.liveObjectCount).toBe(objectsBefore);
            });
          },
        ),
        { numRuns: 15, seed: 7 },
      );
    },
  );
});
