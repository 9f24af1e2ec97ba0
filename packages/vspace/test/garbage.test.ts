// Random and garbage operations on a root-task vspace: every call answers (null / -1 / a value,
// never a host exception), the bookkeeping agrees with the kernel (each recorded mapping's frame
// is where the vspace says, checked with the kernel's own translation), and tear_down returns
// every frame, table and slot.
import { bootstrap_use_current_simple } from "@sel4/allocman";
import { type Arch, inRootTask } from "@sel4/kernel/testing";
import { type Sel4_AArch64, type Sel4_X86_64, seL4_ReadWrite } from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type reservation_t,
  sel4utils_bootstrap_vspace_with_bootinfo,
  VSPACE_FREE,
} from "../src/index.js";
import { probeTranslations } from "./probe.js";

const BASE = 0x2000_0000;
const op = fc.oneof(
  fc.record({
    kind: fc.constant("new" as const),
    n: fc.integer({ min: -1, max: 4 }),
    bits: fc.constantFrom(12, 21, 13, -1),
  }),
  fc.record({
    kind: fc.constant("reserve" as const),
    page: fc.integer({ min: -2, max: 64 }),
    pages: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({
    kind: fc.constant("at" as const),
    page: fc.integer({ min: -2, max: 64 }),
    n: fc.integer({ min: 0, max: 3 }),
    res: fc.nat(5),
  }),
  fc.record({
    kind: fc.constant("unmap" as const),
    page: fc.integer({ min: 0, max: 64 }),
    n: fc.integer({ min: -1, max: 3 }),
  }),
  fc.record({ kind: fc.constant("free" as const), res: fc.nat(5) }),
);

describe.each<Arch>(["aarch64", "x86_64"])("random vspace operations on %s", (arch) => {
  it("keep bookkeeping and kernel in agreement and tear down to nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        await inRootTask(arch, async (sel4, bi, kernel) => {
          const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
          const objectsBefore = kernel.liveObjectCount;
          const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, {
            image_start: 0x40_0000,
            bootinfo_vaddr: 0x40_2000,
          });
          const reservations: reservation_t[] = [];
          const mapped = new Set<number>();
          for (const o of ops) {
            if (o.kind === "new") {
              const v = vs.new_pages(seL4_ReadWrite, o.n, o.bits);
              if (v !== null) for (let i = 0; i < o.n; i++) mapped.add(v + i * 2 ** o.bits);
            } else if (o.kind === "reserve") {
              const r = vs.reserve_range_at(
                BASE + o.page * 4096,
                o.pages * 4096,
                seL4_ReadWrite,
                true,
              );
              if (r) reservations.push(r);
            } else if (o.kind === "at") {
              const r = reservations[o.res];
              if (r && vs.new_pages_at_vaddr(BASE + o.page * 4096, o.n, 12, r, false) === 0) {
                for (let i = 0; i < o.n; i++) mapped.add(BASE + (o.page + i) * 4096);
              }
            } else if (o.kind === "unmap") {
              vs.unmap_pages(BASE + o.page * 4096, o.n, 12, VSPACE_FREE);
              for (let i = 0; i < o.n; i++) mapped.delete(BASE + (o.page + i) * 4096);
            } else {
              const r = reservations[o.res];
              if (r) vs.free_reservation(r);
            }
          }
          const addrs = [...mapped].filter((v) => vs.get_cap(v) !== 0);
          const probed = await probeTranslations(sel4, vka, kernel, {}, addrs);
          addrs.forEach((v, i) => {
            const cap = vs.get_cap(v);
            const r =
              arch === "aarch64"
                ? (sel4 as Sel4_AArch64).seL4_ARM_Page_GetAddress(cap)
                : (sel4 as Sel4_X86_64).seL4_X86_Page_GetAddress(cap);
            expect(probed[i]!.paddr).toBe(r.paddr);
          });
          vs.tear_down(VSPACE_FREE);
          expect(vka.is_pristine()).toBe(true);
          expect(kernel.liveObjectCount).toBe(objectsBefore);
        });
      }),
      { numRuns: 12, seed: 11 },
    );
  });
});
