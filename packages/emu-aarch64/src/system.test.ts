import { describe, expect, it } from "vitest";
import { Aarch64Cpu } from "./cpu.js";
import { IrqLine } from "./exit.js";
import {
  type AccessKind,
  FlatPhysicalMemory,
  type PhysicalMemory,
  type Stage2Result,
} from "./host.js";
import { Hcr, Reg } from "./state.js";
import { EL0, EXC, IRQ, MMU, S2, TIMER } from "./testing/programs.js";

/** A machine with 1 MiB of RAM at 0 holding `code` at 0, EL1h, FP enabled. */
function machine(code: Uint32Array, memory?: (ram: FlatPhysicalMemory) => PhysicalMemory) {
  const ram = new Uint8Array(1 << 20);
  new Uint32Array(ram.buffer).set(code);
  const flat = new FlatPhysicalMemory();
  flat.addRam(0, ram);
  const cpu = new Aarch64Cpu({ memory: memory ? memory(flat) : flat });
  cpu.setSys(Reg.CPACR_EL1, 3n << 20n);
  cpu.setSp(0x80000n);
  return { cpu, ram, view: new DataView(ram.buffer) };
}

describe("exceptions at EL1", () => {
  it("takes SVC and UNDEFINED to the VBAR vector, returns with ERET and exits on HVC", () => {
    const { cpu } = machine(EXC);
    const exit = cpu.run(1000);
    expect(exit.reason).toBe("hvc");
    expect(exit.esr).toBe(((0x16 << 26) | (1 << 25) | 7) >>> 0);
    expect(cpu.getX(1)).toBe(11n); // both resumed instructions ran
    expect(cpu.getX(5)).toBe(2n); // two exceptions taken
    expect(cpu.getX(2)).toBe(0x02000000n); // the last one: EC 0 UNDEFINED, IL
    expect(cpu.getX(3)).toBe(0x18n); // ELR + 4 written back for the UDF at 0x14
    expect(cpu.getX(4)).toBe(0x3c5n); // SPSR: EL1h, DAIF masked
    expect(cpu.getPc()).toBe(0x20n); // after the HVC
  });

  it("reports the SVC syndrome with its immediate", () => {
    const { cpu } = machine(EXC);
    cpu.run(6); // up to the first vector's MRS ESR
    expect(cpu.getX(2)).toBe(BigInt(((0x15 << 26) | (1 << 25) | 0x42) >>> 0));
    expect(cpu.getSys(Reg.ELR_EL1)).toBe(0x10n); // preferred return: after the SVC
  });
});

describe("stage-1 MMU", () => {
  /** 39-bit VA (T0SZ = 25, start at level 1), 4 KiB pages; identity for the first 2 MiB except page 0x40000. */
  function withTables() {
    const m = machine(MMU);
    const { view, cpu } = m;
    const l1 = 0x10000;
    const l2 = 0x11000;
    const l3 = 0x12000;
    const entry = (at: number, value: bigint) => view.setBigUint64(at, value, true);
    entry(l1, BigInt(l2) | 3n);
    entry(l2, BigInt(l3) | 3n);
    for (let i = 0; i < 512; i++) {
      // AF | SH inner | AttrIndx 0 | page | valid
      entry(l3 + i * 8, (BigInt(i) << 12n) | 0x403n | (3n << 8n));
    }
    entry(l3 + 0x40 * 8, 0n); // VA 0x40000 unmapped
    entry(l3 + 0x41 * 8, (0x41n << 12n) | 0x403n | (1n << 7n)); // 0x41000 read-only
    entry(l3 + 0x42 * 8, (0x43n << 12n) | 0x403n); // 0x42000 -> PA 0x43000
    cpu.setSys(Reg.TTBR0_EL1, BigInt(l1));
    cpu.setSys(Reg.TCR_EL1, 25n | (1n << 23n)); // T0SZ 25, EPD1
    cpu.setSys(Reg.MAIR_EL1, 0xffn);
    cpu.setSys(Reg.SCTLR_EL1, cpu.getSys(Reg.SCTLR_EL1) | 1n);
    cpu.setSys(Reg.VBAR_EL1, 0n);
    return m;
  }

  it("translates through the tables and faults with the right syndromes", () => {
    const { cpu, view } = withTables();
    view.setBigUint64(0x43000, 0x1122334455667788n, true);
    cpu.setX(10, 0x40000n); // translation fault, level 3
    cpu.setX(11, 0x41000n); // permission fault on a store
    cpu.setX(12, 0x42000n); // mapped to PA 0x43000
    // Vector: current EL with SP0 sync at VBAR + 0; the MMU program's handler is at 0x200.
    cpu.setPstate(0x3c5);
    const exit = cpu.run(100);
    expect(exit.reason).toBe("hvc");
    expect(cpu.getX(5)).toBe(2n);
    expect(cpu.getX(1)).toBe(0x1122334455667788n);
    // Last fault: the store to the read-only page: EC 0x25, WnR, permission fault level 3.
    expect(cpu.getX(2)).toBe(BigInt(((0x25 << 26) | (1 << 25) | (1 << 6) | 0x0f) >>> 0));
    expect(cpu.getX(3)).toBe(0x41000n);
  });

  it("writes PAR_EL1 for AT S1E1R", () => {
    const { cpu } = withTables();
    cpu.setX(0, 0x42123n);
    // at s1e1r, x0
    const word = 0xd5087800;
    const probe = new Uint8Array(4);
    new DataView(probe.buffer).setUint32(0, word, true);
    (cpu.memory as FlatPhysicalMemory).stage2(0, "read");
    const ram = (cpu.memory.stage2(0, "read") as { view: DataView }).view;
    ram.setUint32(0x3000, word, true);
    cpu.setPc(0x3000n);
    cpu.run(1);
    expect(cpu.getSys(Reg.PAR_EL1) & 0xfffffffff000n).toBe(0x43000n);
    expect(cpu.getSys(Reg.PAR_EL1) >> 56n).toBe(0xffn); // MAIR attribute 0
    cpu.setX(0, 0x40000n);
    cpu.setPc(0x3000n);
    cpu.run(1);
    expect(cpu.getSys(Reg.PAR_EL1) & 0x7fn).toBe(1n | (0x07n << 1n));
  });
});

describe("hypervisor exits", () => {
  /** Stage 2: the page at IPA 0x09000000 faults (an emulated device). */
  function withDevice(flat: FlatPhysicalMemory): PhysicalMemory {
    return {
      stage2(page: number, access: AccessKind): Stage2Result {
        if (page === 0x09000000) return { kind: "fault", status: 0x07 };
        return flat.stage2(page, access);
      },
      mmioRead: () => 0n,
      mmioWrite: () => {},
    };
  }

  it("reports stage-2 data aborts with ISV, SAS, SSE, SRT, SF, WnR and the IPA", () => {
    const { cpu } = machine(S2, withDevice);
    cpu.setX(0, 0x09000000n);
    cpu.setSys(Reg.HCR_EL2, BigInt(Hcr.VM | Hcr.TSC | Hcr.TWI));
    let exit = cpu.run(10);
    expect(exit.reason).toBe("stage2-abort");
    expect(exit.esr >>> 0).toBe(
      ((0x24 << 26) | (1 << 25) | (1 << 24) | (2 << 22) | (1 << 16) | 0x07) >>> 0,
    );
    expect(exit.ipa).toBe(0x09000000);
    expect(exit.far).toBe(0x09000000n);
    expect(exit.hpfar).toBe((0x09000000 / 4096) * 16);
    expect(cpu.getPc()).toBe(0n); // the instruction is not retired: the host emulates it
    cpu.setPc(4n);
    exit = cpu.run(10);
    expect(exit.esr >>> 0).toBe(
      ((0x24 << 26) |
        (1 << 25) |
        (1 << 24) |
        (3 << 22) |
        (3 << 16) |
        (1 << 15) |
        (1 << 6) |
        0x07) >>>
        0,
    );
    expect(exit.far).toBe(0x09000008n);
    cpu.setPc(8n);
    exit = cpu.run(10);
    expect((exit.esr >>> 24) & 1).toBe(0); // a pair: no ISV
    cpu.setPc(12n);
    exit = cpu.run(10);
    expect(exit.esr >>> 0).toBe(
      ((0x24 << 26) |
        (1 << 25) |
        (1 << 24) |
        (1 << 22) |
        (1 << 21) |
        (6 << 16) |
        (1 << 15) |
        0x07) >>>
        0,
    );
    cpu.setPc(16n);
    exit = cpu.run(10);
    expect(exit.reason).toBe("smc");
    expect(exit.esr).toBe(((0x17 << 26) | (1 << 25) | 3) >>> 0);
    expect(cpu.getPc()).toBe(16n); // ELR points at the SMC
    cpu.setPc(20n);
    exit = cpu.run(10);
    expect(exit.reason).toBe("wfx");
    expect(exit.esr >>> 26).toBe(1);
    expect(cpu.getPc()).toBe(20n);
  });

  it("idles on an untrapped WFI with nothing pending", () => {
    const { cpu } = machine(S2);
    cpu.setPc(20n);
    const exit = cpu.run(10);
    expect(exit.reason).toBe("idle");
    expect(cpu.getPc()).toBe(24n);
  });

  it("routes EL0 exceptions to the host under HCR_EL2.TGE, with MIDR_EL1 UNDEFINED at EL0", () => {
    const { cpu } = machine(EL0);
    cpu.setSys(Reg.HCR_EL2, BigInt(Hcr.TGE));
    cpu.setPstate(0);
    let exit = cpu.run(10);
    expect(exit.reason).toBe("el2-exception");
    expect(exit.esr >>> 26).toBe(0);
    expect(cpu.getPc()).toBe(0n);
    cpu.setPc(4n);
    exit = cpu.run(10);
    expect(exit.esr).toBe(((0x15 << 26) | (1 << 25) | 5) >>> 0);
    expect(exit.instructions).toBe(2);
  });

  it("traps virtual-memory control writes under HCR_EL2.TVM", () => {
    const { cpu } = machine(EXC);
    cpu.setSys(Reg.HCR_EL2, BigInt(Hcr.TVM));
    // msr vbar_el1 is not a TVM register: runs; then an MSR TTBR0 would trap. Use a direct word.
    const ram = (cpu.memory.stage2(0, "read") as { view: DataView }).view;
    ram.setUint32(0x3000, 0xd5182000, true); // msr ttbr0_el1, x0
    cpu.setPc(0x3000n);
    const exit = cpu.run(1);
    expect(exit.reason).toBe("sysreg");
    expect(exit.esr >>> 26).toBe(0x18);
    expect(exit.esr & 1).toBe(0); // a write
  });
});

describe("generic timer", () => {
  it("raises the virtual timer line at the compare value of the instruction clock", () => {
    const { cpu } = machine(TIMER);
    cpu.watchLines(IrqLine.VirtualTimer);
    const exit = cpu.run(10_000);
    expect(exit.reason).toBe("irq-line");
    expect(exit.lines & IrqLine.VirtualTimer).toBe(IrqLine.VirtualTimer);
    expect(cpu.instret).toBeGreaterThanOrEqual(100);
    expect(cpu.instret).toBeLessThan(110);
  });

  it("advances to the deadline when the host skips idle time", () => {
    const { cpu } = machine(TIMER);
    cpu.run(5);
    expect(cpu.skipToTimerDeadline()).toBe(true);
    expect(cpu.lines() & IrqLine.VirtualTimer).toBe(IrqLine.VirtualTimer);
  });
});

describe("GICv2 virtual CPU interface", () => {
  it("delivers a list-register interrupt, acknowledges and retires it through GICV, then signals maintenance", () => {
    const gicc = 0x08010000;
    const { cpu } = machine(IRQ, (flat) => ({
      stage2(page, access) {
        if (page === gicc) return { kind: "gicv", frameOffset: 0 };
        return flat.stage2(page, access);
      },
      mmioRead: () => 0n,
      mmioWrite: () => {},
    }));
    cpu.setSys(Reg.HCR_EL2, BigInt(Hcr.IMO | Hcr.FMO));
    cpu.setX(9, BigInt(gicc));
    cpu.setSys(Reg.VBAR_EL1, 0n);
    cpu.gic.writeGich(0x08, (0x1f << 27) | 3); // VMCR: priority mask 0xf8, both groups enabled
    cpu.gic.writeGich(0x00, 1); // En
    // LR0: pending, group 1, priority 0xa0, EOI maintenance, virtual ID 27
    cpu.gic.writeGich(0x100, ((1 << 28) | (1 << 30) | ((0xa0 >> 3) << 23) | (1 << 19) | 27) >>> 0);
    cpu.watchLines(IrqLine.Maintenance);
    let exit = cpu.run(100);
    expect(cpu.getX(2)).toBe(27n); // IAR read the virtual ID
    expect(exit.reason).toBe("irq-line");
    expect(exit.lines & IrqLine.Maintenance).toBe(IrqLine.Maintenance);
    expect(cpu.gic.readGich(0x20)).toBe(1); // EISR: LR0 retired
    expect(cpu.gic.readGich(0x100) >>> 28).toBe(0x4); // invalid state, group 1 kept
    cpu.gic.writeGich(0x100, 0);
    exit = cpu.run(100);
    expect(exit.reason).toBe("irq-line"); // the maintenance line dropped
    exit = cpu.run(100);
    expect(exit.reason).toBe("hvc");
  });
});

describe("state", () => {
  it("saves and restores the complete state", () => {
    const { cpu } = machine(EXC);
    cpu.run(8);
    const saved = cpu.saveState();
    const other = machine(EXC).cpu;
    other.loadState(saved);
    expect(other.saveState()).toEqual(saved);
    const a = cpu.run(100);
    const b = other.run(100);
    expect(b.reason).toBe(a.reason);
    expect(other.saveState()).toEqual(cpu.saveState());
  });
});
