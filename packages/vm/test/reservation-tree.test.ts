import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResTree } from "../src/index.js";

describe("ResTree", () => {
  it("rejects overlaps and empty ranges, finds by point, removes by exact match", () => {
    const t = new ResTree<string>();
    expect(t.insert(0x1000, 0x1000, "a")).toBe(true);
    expect(t.insert(0x3000, 0x1000, "b")).toBe(true);
    expect(t.insert(0x1fff, 2, "x")).toBe(false);
    expect(t.insert(0x2000, 0x1000, "c")).toBe(true); // touching both neighbours is fine
    expect(t.insert(0x5000, 0, "e")).toBe(false);
    expect(t.find(0x2fff)?.data).toBe("c");
    expect(t.find(0x4000)).toBeNull();
    expect(t.find(0xfff)).toBeNull();
    expect(t.remove(0x2000, 0x800)).toBe(false);
    expect(t.remove(0x2000, 0x1000)).toBe(true);
    expect(t.find(0x2000)).toBeNull();
    expect(t.entries().map((n) => n.data)).toEqual(["a", "b"]);
  });

  it("agrees with a brute-force interval list", () => {
    const op = fc.record({
      addr: fc.integer({ min: 0, max: 64 }),
      size: fc.integer({ min: 0, max: 16 }),
    });
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 80 })),
        (ops, probes) => {
          const t = new ResTree<number>();
          const ref: { addr: number; size: number; data: number }[] = [];
          ops.forEach(({ addr, size }, i) => {
            const ok = size > 0 && !ref.some((r) => r.addr < addr + size && addr < r.addr + r.size);
            expect(t.insert(addr, size, i)).toBe(ok);
            if (ok) ref.push({ addr, size, data: i });
          });
          for (const p of probes) {
            const want = ref.find((r) => r.addr <= p && p < r.addr + r.size)?.data ?? null;
            expect(t.find(p)?.data ?? null).toBe(want);
          }
          expect(t.entries().map((n) => n.addr)).toEqual(
            ref.map((r) => r.addr).sort((a, b) => a - b),
          );
        },
      ),
    );
  });
});
