import { describe, expect, it } from "vitest";
import {
  GICD_CTLR,
  GICD_ICPENDR,
  GICD_IPRIORITYR,
  GICD_ISENABLER,
  GICD_SGIR,
  VgicV2,
} from "../src/index.js";

/** The kernel's answer to InjectIRQ as sel4-kernel.md 8.2 specifies it, with `n` list registers. */
function lrHardware(n: number, cpus = 2) {
  const lrs = Array.from({ length: cpus }, () => new Array<number | null>(n).fill(null));
  const writes: [number, number, number, number, number][] = [];
  const write = (cpu: number, virq: number, prio: number, group: number, index: number) => {
    if (virq > 1023 || prio > 31 || group > 1) return 4;
    if (index >= n) return 4; // seL4_RangeError
    writes.push([cpu, virq, prio, group, index]);
    lrs[cpu]![index] = virq;
    return 0;
  };
  return { lrs, writes, write };
}

function ready(n = 4, cpus = 2) {
  const hw = lrHardware(n, cpus);
  const gic = new VgicV2({ num_cpus: cpus, num_irqs: 256, write_lr: hw.write });
  const acks: [number, number][] = [];
  const ack = (cpu: number, irq: number) => acks.push([cpu, irq]);
  return { hw, gic, acks, ack };
}

const enableAll = (gic: VgicV2, cpu = 0) => {
  gic.dist_access(cpu, GICD_CTLR, 4, true, 1n);
  for (let i = 0; i < 8; i++) gic.dist_access(cpu, GICD_ISENABLER + 4 * i, 4, true, 0xffff_ffffn);
};

describe("vGICv2 list registers", () => {
  it("injection needs registration; duplicates are refused (C bug V8)", () => {
    const { gic, ack } = ready();
    expect(gic.inject(0, 40)).toBe(-1);
    expect(gic.register_irq(0, 40, ack)).toBe(0);
    expect(gic.register_irq(1, 40, ack)).toBe(-1); // SPIs are VM-wide
    expect(gic.register_irq(0, 27, ack)).toBe(0);
    expect(gic.register_irq(1, 27, ack)).toBe(0); // PPIs per CPU
    expect(gic.register_irq(0, 27, ack)).toBe(-1);
    expect(gic.register_irq(0, 1020, ack)).toBe(-1);
    expect(gic.register_irq(5, 3, ack)).toBe(-1);
  });

  it("interrupts injected while disabled are latched and delivered on enable (C bug V6)", () => {
    const { hw, gic, ack } = ready();
    gic.register_irq(0, 40, ack);
    expect(gic.inject(0, 40)).toBe(0);
    expect(hw.writes).toEqual([]);
    enableAll(gic);
    expect(hw.writes).toEqual([[0, 40, 0, 0, 0]]);
  });

  it("more interrupts than list registers wait, then load by priority as LRs free up; LR count is probed (C bug V5)", () => {
    const { hw, gic, acks, ack } = ready(2);
    enableAll(gic);
    for (let irq = 40; irq < 45; irq++) gic.register_irq(0, irq, ack);
    gic.dist_access(0, GICD_IPRIORITYR + 40, 4, true, 0x8080_8080n); // 44 keeps 0: most urgent
    for (let irq = 40; irq < 45; irq++) expect(gic.inject(0, irq)).toBe(0);
    expect(gic.num_list_regs).toBe(2);
    expect(gic.list_registers(0)).toEqual([40, 41]);
    expect(gic.maintenance(0, 1)).toBe(0);
    expect(acks).toEqual([[0, 41]]);
    expect(gic.list_registers(0)).toEqual([40, 44]);
    gic.maintenance(0, 0);
    gic.maintenance(0, 0);
    gic.maintenance(0, 1);
    expect(gic.list_registers(0)).toEqual([43, null]);
    expect(acks.map(([, irq]) => irq)).toEqual([41, 40, 42, 44]);
    expect(hw.writes.map((w) => w[1])).toEqual([40, 41, 44, 42, 43]);
    expect(hw.writes.find((w) => w[1] === 40)![2]).toBe(16); // priority 0x80 >> 3
  });

  it("a second edge before EOI is coalesced; after EOI it is delivered again", () => {
    const { hw, gic, ack } = ready();
    enableAll(gic);
    gic.register_irq(0, 33, ack);
    gic.inject(0, 33);
    gic.inject(0, 33);
    expect(hw.writes.length).toBe(1);
    gic.maintenance(0, 0);
    gic.inject(0, 33);
    expect(hw.writes.length).toBe(2);
  });

  it("maintenance on an empty or invalid index is an error, not a crash (C bug V10)", () => {
    const { gic } = ready();
    expect(gic.maintenance(0, 0)).toBe(-1);
    expect(gic.maintenance(0, -1)).toBe(-1);
    expect(gic.maintenance(0, 2 ** 40)).toBe(-1);
    expect(gic.maintenance(9, 0)).toBe(-1);
  });

  it("enabling a registered interrupt that is not pending acks it (re-arms the source)", () => {
    const { gic, acks, ack } = ready();
    gic.register_irq(0, 27, ack);
    gic.register_irq(0, 50, ack);
    gic.inject(0, 50);
    gic.dist_access(0, GICD_ISENABLER, 4, true, 1n << 27n);
    gic.dist_access(0, GICD_ISENABLER + 4, 4, true, 1n << 18n);
    expect(acks).toEqual([[0, 27]]);
  });

  it("ICPENDR withdraws an interrupt that is still waiting for a list register (C bug V2)", () => {
    const { hw, gic, ack } = ready(1);
    enableAll(gic);
    gic.register_irq(0, 40, ack);
    gic.register_irq(0, 41, ack);
    gic.inject(0, 40);
    gic.inject(0, 41);
    gic.dist_access(0, GICD_ICPENDR + 4, 4, true, 1n << 9n);
    gic.maintenance(0, 0);
    expect(hw.writes.map((w) => w[1])).toEqual([40]);
  });

  it("level interrupts re-pend after EOI while the line is high", () => {
    const { hw, gic, acks, ack } = ready();
    enableAll(gic);
    gic.register_irq(0, 60, ack);
    expect(gic.set_level(0, 60, 1)).toBe(0);
    gic.maintenance(0, 0);
    expect(hw.writes.map((w) => w[1])).toEqual([60, 60]);
    gic.set_level(0, 60, 0);
    gic.maintenance(0, 0);
    expect(hw.writes.length).toBe(2);
    expect(acks.length).toBe(2);
    expect(gic.set_level(0, 3, 1)).toBe(-1); // SGIs have no line
  });

  it("SGIs reach the targets' list registers through GICD_SGIR without registration (C bug V7)", () => {
    const { hw, gic } = ready(4, 2);
    enableAll(gic, 0);
    gic.dist_access(1, GICD_CTLR, 4, true, 1n);
    gic.dist_access(0, GICD_SGIR, 4, true, BigInt((0b10 << 16) | 7));
    expect(hw.writes).toEqual([[1, 7, 0, 0, 0]]);
    expect(gic.maintenance(1, 0)).toBe(0);
  });

  it("an SPI goes to the CPU interface ITARGETSR names", () => {
    const { hw, gic, ack } = ready(4, 2);
    enableAll(gic, 0);
    gic.dist_access(0, 0x800 + 45, 1, true, 2n);
    gic.register_irq(0, 45, ack);
    gic.inject(0, 45);
    expect(hw.writes).toEqual([[1, 45, 0, 0, 0]]);
  });
});
