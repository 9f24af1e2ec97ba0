import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_SGIR,
  GICD_SPENDSGIR,
  GICD_TYPER,
  VgicDistributor,
} from "../src/index.js";

const dist = (num_cpus = 2, num_irqs = 256) => new VgicDistributor({ num_cpus, num_irqs });
const w32 = (d: VgicDistributor, cpu: number, off: number, v: number) =>
  d.write(cpu, off, 4, BigInt(v));
const r32 = (d: VgicDistributor, cpu: number, off: number) => Number(d.read(cpu, off, 4));

describe("GICv2 distributor registers", () => {
  it("CTLR holds the two group enables; TYPER and IIDR describe the GIC", () => {
    const d = dist(3, 288);
    expect(r32(d, 0, GICD_CTLR)).toBe(0);
    w32(d, 0, GICD_CTLR, 0xffff_ffff);
    expect(r32(d, 1, GICD_CTLR)).toBe(3);
    expect(r32(d, 0, GICD_TYPER)).toBe(8 | (2 << 5));
    w32(d, 0, GICD_TYPER, 0);
    expect(r32(d, 0, GICD_TYPER)).toBe(8 | (2 << 5));
    expect(r32(d, 0, GICD_IIDR)).toBe(0x0200_043b);
  });

  it("rejects impossible shapes", () => {
    expect(() => dist(0)).toThrow(RangeError);
    expect(() => dist(9)).toThrow(RangeError);
    expect(() => dist(1, 32)).toThrow(RangeError);
    expect(() => dist(1, 2000)).toThrow(RangeError);
  });

  it("IGROUPR is banked for 0..31 and shared above", () => {
    const d = dist();
    w32(d, 0, GICD_IGROUPR, 0x8000_0001);
    w32(d, 1, GICD_IGROUPR + 4, 0x0000_0100);
    expect(r32(d, 0, GICD_IGROUPR)).toBe(0x8000_0001);
    expect(r32(d, 1, GICD_IGROUPR)).toBe(0);
    expect(r32(d, 0, GICD_IGROUPR + 4)).toBe(0x100);
    expect(d.group(0, 40)).toBe(1);
  });

  it("ISENABLER/ICENABLER set and clear; SGIs stay enabled; banked below 32", () => {
    const d = dist();
    expect(r32(d, 0, GICD_ISENABLER)).toBe(0xffff);
    const fx = w32(d, 0, GICD_ISENABLER, 0x0800_0000); // PPI 27
    expect(fx.enabled).toEqual([{ irq: 27, cpu: 0 }]);
    expect(r32(d, 0, GICD_ICENABLER)).toBe(0x0800_ffff);
    expect(r32(d, 1, GICD_ISENABLER)).toBe(0xffff);
    w32(d, 0, GICD_ICENABLER, 0xffff_ffff);
    expect(r32(d, 0, GICD_ISENABLER)).toBe(0xffff);
    w32(d, 1, GICD_ISENABLER + 4, 0x3); // SPIs 32, 33: shared
    expect(r32(d, 0, GICD_ISENABLER + 4)).toBe(3);
    expect(w32(d, 0, GICD_ISENABLER + 4, 0x3).enabled).toEqual([]); // already enabled
  });

  it("byte writes to bitmap registers select the interrupts of that byte (C bug V1)", () => {
    const d = dist();
    d.write(0, GICD_ISENABLER + 5, 1, 0x01n); // byte 1 of ISENABLER1: bit 0 = IRQ 40
    expect(d.is_enabled(0, 40)).toBe(true);
    expect(d.is_enabled(0, 32)).toBe(false);
    d.write(0, GICD_ISENABLER + 6, 2, 0x8001n); // IRQs 48 and 63
    expect(d.is_enabled(0, 48) && d.is_enabled(0, 63)).toBe(true);
    expect(Number(d.read(0, GICD_ISENABLER + 5, 1))).toBe(1);
    expect(Number(d.read(0, GICD_ISENABLER + 4, 4))).toBe(0x8001_0100);
  });

  it("ISPENDR/ICPENDR set and clear pending, report what they cleared; SGI bits are WI", () => {
    const d = dist();
    w32(d, 0, GICD_ISPENDR + 4, 0x5);
    w32(d, 0, GICD_ISPENDR, 0x0800_0001);
    expect(r32(d, 0, GICD_ISPENDR)).toBe(0x0800_0000);
    expect(r32(d, 1, GICD_ICPENDR + 4)).toBe(5);
    const fx = w32(d, 1, GICD_ICPENDR + 4, 0x7);
    expect(fx.unpended).toEqual([
      { irq: 32, cpu: 1 },
      { irq: 34, cpu: 1 },
    ]);
    expect(r32(d, 0, GICD_ISPENDR + 4)).toBe(0);
  });

  it("ISACTIVER/ICACTIVER hold active state; an active interrupt is not deliverable", () => {
    const d = dist();
    w32(d, 0, GICD_CTLR, 1);
    w32(d, 0, GICD_ISENABLER + 4, 1);
    w32(d, 0, GICD_ISPENDR + 4, 1);
    expect(d.deliverable(0)).toEqual([32]);
    w32(d, 0, GICD_ISACTIVER + 4, 1);
    expect(r32(d, 0, GICD_ICACTIVER + 4)).toBe(1);
    expect(d.deliverable(0)).toEqual([]);
    w32(d, 0, GICD_ICACTIVER + 4, 1);
    expect(r32(d, 0, GICD_ISACTIVER + 4)).toBe(0);
    expect(d.deliverable(0)).toEqual([32]);
  });

  it("IPRIORITYR keeps five bits per byte, banked below 32, and orders delivery", () => {
    const d = dist();
    w32(d, 0, GICD_IPRIORITYR + 32, 0xa0_ff_07_10);
    expect(r32(d, 1, GICD_IPRIORITYR + 32)).toBe(0xa0_f8_00_10);
    d.write(1, GICD_IPRIORITYR + 27, 1, 0x48n);
    expect(d.priority(1, 27)).toBe(0x48);
    expect(d.priority(0, 27)).toBe(0);
    w32(d, 0, GICD_CTLR, 1);
    w32(d, 0, GICD_ISENABLER + 4, 0xf);
    w32(d, 0, GICD_ISPENDR + 4, 0xf);
    expect(d.deliverable(0)).toEqual([33, 32, 35, 34]);
  });

  it("ITARGETSR: SGI/PPI bytes read the own interface and ignore writes; SPIs route", () => {
    const d = dist(3);
    expect(r32(d, 2, GICD_ITARGETSR)).toBe(0x0404_0404);
    w32(d, 2, GICD_ITARGETSR + 28, 0);
    expect(r32(d, 2, GICD_ITARGETSR + 28)).toBe(0x0404_0404);
    expect(Number(d.read(0, GICD_ITARGETSR + 32, 1))).toBe(1); // reset: CPU 0
    d.write(0, GICD_ITARGETSR + 33, 1, 0xffn);
    expect(d.targets(0, 33)).toBe(0x7);
    w32(d, 0, GICD_CTLR, 1);
    w32(d, 0, GICD_ISENABLER + 4, 0x2);
    d.write(0, GICD_ITARGETSR + 33, 1, 0x4n);
    w32(d, 0, GICD_ISPENDR + 4, 0x2);
    expect(d.deliverable(0)).toEqual([]);
    expect(d.deliverable(2)).toEqual([33]);
  });

  it("ICFGR: SGIs are edge and read-only, only the odd bit of each field is writable", () => {
    const d = dist();
    expect(r32(d, 0, GICD_ICFGR)).toBe(0xaaaa_aaaa);
    w32(d, 0, GICD_ICFGR, 0);
    expect(r32(d, 0, GICD_ICFGR)).toBe(0xaaaa_aaaa);
    w32(d, 0, GICD_ICFGR + 8, 0xffff_ffff);
    expect(r32(d, 0, GICD_ICFGR + 8)).toBe(0xaaaa_aaaa);
    expect(d.is_edge(32)).toBe(true);
    w32(d, 0, GICD_ICFGR + 8, 0x2);
    expect(d.is_edge(32) && !d.is_edge(33)).toBe(true);
  });

  it("SGIR: target list, all-but-self, self, reserved filter", () => {
    const d = dist(4);
    const seen: [number, number][] = [];
    const sgi = (t: number, i: number) => seen.push([t, i]);
    d.write(1, GICD_SGIR, 4, BigInt((0b1010 << 16) | 3), sgi);
    d.write(1, GICD_SGIR, 4, BigInt((1 << 24) | 5), sgi);
    d.write(2, GICD_SGIR, 4, BigInt((2 << 24) | 6), sgi);
    d.write(2, GICD_SGIR, 4, BigInt((3 << 24) | 7), sgi);
    d.write(2, GICD_SGIR, 1, 0xffn, sgi); // sub-word SGIR writes do nothing
    expect(seen).toEqual([
      [1, 3],
      [3, 3],
      [0, 5],
      [2, 5],
      [3, 5],
      [2, 6],
    ]);
    // CPU 3 holds SGI 3 and SGI 5, both from source CPU 1.
    expect(Number(d.read(3, GICD_SPENDSGIR, 4))).toBe(0x0200_0000);
    expect(Number(d.read(3, GICD_SPENDSGIR + 4, 4))).toBe(0x0000_0200);
  });

  it("SPENDSGIR/CPENDSGIR set and clear SGI sources per target (C bug V3 crashed)", () => {
    const d = dist(2);
    d.write(0, GICD_SGIR, 4, BigInt((0b10 << 16) | 5)); // CPU 0 sends SGI 5 to CPU 1
    expect(Number(d.read(1, GICD_SPENDSGIR + 5, 1))).toBe(1);
    expect(Number(d.read(1, GICD_CPENDSGIR + 4, 4))).toBe(0x100);
    d.write(1, GICD_SPENDSGIR + 5, 1, 0xffn); // only existing CPUs
    expect(Number(d.read(1, GICD_SPENDSGIR + 5, 1))).toBe(3);
    expect(r32(d, 1, GICD_ISPENDR) & (1 << 5)).toBe(1 << 5);
    const fx = d.write(1, GICD_CPENDSGIR + 5, 1, 0x3n);
    expect(fx.unpended).toEqual([{ irq: 5, cpu: 1 }]);
    expect(d.is_pending(1, 5)).toBe(false);
  });

  it("ID registers, reserved and NSACR ranges", () => {
    const d = dist();
    expect(
      [0xfd0, 0xfe0, 0xfe4, 0xfe8, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => r32(d, 0, o)),
    ).toEqual([0x04, 0x90, 0xb4, 0x2b, 0x0d, 0xf0, 0x05, 0xb1]);
    for (const off of [0x00c, 0x040, 0xd00, 0xe00, 0xf04, 0xf30, 0xfcc]) {
      w32(d, 0, off, 0xffff_ffff);
      expect(r32(d, 0, off)).toBe(0);
    }
    expect(r32(d, 0, GICD_SGIR)).toBe(0);
  });

  it("registers beyond the implemented interrupts are RAZ/WI", () => {
    const d = dist(1, 64);
    w32(d, 0, GICD_ISENABLER + 8, 0xffff_ffff);
    expect(r32(d, 0, GICD_ISENABLER + 8)).toBe(0);
    w32(d, 0, GICD_IPRIORITYR + 64, 0xffff_ffff);
    expect(r32(d, 0, GICD_IPRIORITYR + 64)).toBe(0);
  });

  it("arbitrary access sequences never throw and keep state within bounds", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cpu: fc.integer({ min: 0, max: 2 }),
            off: fc.integer({ min: 0, max: 0xfff }),
            size: fc.constantFrom(1, 2, 4, 8),
            value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
            write: fc.boolean(),
          }),
          { maxLength: 60 },
        ),
        (ops) => {
          const d = dist(3, 128);
          for (const op of ops) {
            if (op.write) d.write(op.cpu, op.off, op.size, op.value);
            else expect(d.read(op.cpu, op.off, op.size)).toBeLessThan(1n << BigInt(8 * op.size));
          }
          for (let cpu = 0; cpu < 3; cpu++) {
            for (const irq of d.deliverable(cpu)) expect(irq).toBeLessThan(128);
          }
        },
      ),
    );
  });
});
