/**
 * ARM vCPU threads executing guest code under a test VMM written with the raw `Sel4` API: each
 * guest exit arrives as the fault message seL4 sends, the reply resumes the guest.
 */
import { readFileSync } from "node:fs";
import {
  type Sel4_AArch64,
  seL4_AllRights,
  seL4_ARM_PageTableObject,
  seL4_ARM_SmallPageObject,
  seL4_CanRead,
  seL4_CapInitThreadCNode,
  seL4_DeleteFirst,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_VCPUFault,
  seL4_Fault_VGICMaintenance,
  seL4_Fault_VMFault,
  seL4_Fault_VPPIEvent,
  seL4_VCPUReg_SCTLR,
  seL4_VCPUReg_TPIDR_EL1,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import {
  type ARMVCPUExecution,
  type ARMVCPUExecutorOptions,
  Kernel,
  KernelConfigError,
} from "../src/index.js";
import {
  addVCPU,
  code,
  createGuest,
  GUEST_RAM,
  type Guest,
  type GuestRun,
  guestRegister,
  loadElf,
  loadGuest,
  type ReceivedFault,
  receiveFault,
  resumeGuest,
  runToPowerOff,
  startGuest,
} from "./arm-vm.js";
import { ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const HVC = 0xd400_0002;

/** Boots a kernel with ARM vCPUs and runs `vmm` as the root task. */
async function withVMM(
  options: ARMVCPUExecutorOptions,
  vmm: (
    sel4: Sel4_AArch64,
    alloc: () => number,
    ctx: Parameters<Parameters<typeof runRoot>[1]>,
  ) => Promise<void>,
): Promise<{ instructions: number; idleSkips: number }> {
  let stats = { instructions: 0, idleSkips: 0 };
  let executor: ARMVCPUExecution | null = null;
  await runRoot(
    { arch: "aarch64" },
    async (sel4, bi, kernel) => {
      if (sel4.config !== "aarch64") throw new Error("aarch64 only");
      await vmm(sel4, slots(bi), [sel4, bi, kernel]);
    },
    (k) => {
      executor = k.useARMVCPUs(options);
    },
  );
  stats = { ...executor!.stats };
  return stats;
}

describe("useARMVCPUs", () => {
  it("refuses the x86_64 configuration and clock rates that are not positive numbers", () => {
    expect(() => new Kernel({ arch: "x86_64", ramSize: 8 * 2 ** 20 }).useARMVCPUs()).toThrow(
      KernelConfigError,
    );
    const kernel = new Kernel({ arch: "aarch64", ramSize: 8 * 2 ** 20 });
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => kernel.useARMVCPUs({ instructionsPerSecond: bad })).toThrow(KernelConfigError);
      expect(() => kernel.useARMVCPUs({ counterFrequency: bad })).toThrow(KernelConfigError);
    }
    expect(kernel.useARMVCPUs({ trapWFI: false }).stats).toEqual({ instructions: 0, idleSkips: 0 });
  });
});

describe("guest exits become seL4 fault messages", () => {
  it("stage-2 data aborts, HVC, WFI, SMC: exact words, and the reply resumes the guest", async () => {
    const seen: ReceivedFault[] = [];
    await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
      const guest = createGuest(sel4, bi, alloc);
      loadGuest(
        kernel,
        guest,
        GUEST_RAM,
        code([
          0xd2a1_2001, // movz x1, #0x0900, lsl #16
          0x5280_0d02, // mov w2, #'h'
          0x3900_0022, // strb w2, [x1]
          0xd280_0007, // mov x7, #0
          HVC, // hvc #0
          0xd503_207f, // wfi
          0xd400_0003, // smc #0
          0xb940_1824, // ldr w4, [x1, #0x18]
          HVC,
        ]),
      );
      startGuest(sel4, guest, GUEST_RAM);
      const next = async () => {
        const f = await receiveFault(sel4, guest.ep);
        seen.push(f);
        return f;
      };
      await next(); // strb: emulate the store
      expect(guestRegister(sel4, guest, 2)).toBe(0x68n);
      resumeGuest(sel4, guest, 4);
      await next(); // hvc: UnknownSyscall
      resumeGuest(sel4, guest, 4);
      await next(); // wfi
      resumeGuest(sel4, guest, 4);
      await next(); // smc
      resumeGuest(sel4, guest, 4);
      await next(); // ldr from the UART flag register
      resumeGuest(sel4, guest, 4, { reg: 4, value: 0x90n });
      await next(); // hvc: the loaded value is in x4
    });
    const pc = (i: number) => BigInt(GUEST_RAM + 4 * i);
    expect(seen.map((f) => f.badge)).toEqual(Array(6).fill(1n));
    expect(seen[0]).toMatchObject({
      label: seL4_Fault_VMFault,
      // EC 0x24 | IL | ISV | SAS byte | SRT 2 | WnR | DFSC translation fault level 1
      words: [pc(2), 0x0900_0000n, 0n, 0x9302_0045n],
    });
    expect(seen[1]!.label).toBe(seL4_Fault_UnknownSyscall);
    expect(seen[1]!.words).toEqual([
      0n,
      0x0900_0000n,
      0x68n,
      0n,
      0n,
      0n,
      0n,
      0n,
      pc(4),
      0n,
      pc(5),
      0x3c5n,
      0n,
    ]);
    expect(seen[2]).toMatchObject({ label: seL4_Fault_VCPUFault, words: [0x07e0_0000n] });
    expect(seen[3]).toMatchObject({ label: seL4_Fault_VCPUFault, words: [0x5e00_0000n] });
    expect(seen[4]).toMatchObject({
      label: seL4_Fault_VMFault,
      // load word to w4: SAS 2, SRT 4, WnR 0
      words: [pc(7), 0x0900_0018n, 0n, 0x9384_0005n],
    });
    expect(seen[5]!.words.slice(0, 5)).toEqual([0n, 0x0900_0000n, 0x68n, 0n, 0x90n]);
    expect(seen[5]!.words[8]).toBe(pc(8));
  });

  it("an unanswered HVC re-executes: the reply restarts at FaultIP", async () => {
    const ips: bigint[] = [];
    await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
      const guest = createGuest(sel4, bi, alloc);
      loadGuest(kernel, guest, GUEST_RAM, code([HVC]));
      startGuest(sel4, guest, GUEST_RAM);
      for (let i = 0; i < 3; i++) {
        ips.push((await receiveFault(sel4, guest.ep)).words[8]!);
        if (i < 2) resumeGuest(sel4, guest, 0);
      }
    });
    expect(ips).toEqual(Array(3).fill(BigInt(GUEST_RAM)));
  });

  it("every VCPU register index keeps its value through a guest slice; the guest sees them", async () => {
    const written = Array.from({ length: 24 }, (_, i) => 0x1000n * BigInt(i + 1) + 0x11n);
    written[0] = 0x34d5_8820n; // SCTLR: MMU off, as the guest expects
    written[16] = 0x8000_0003n; // VMPIDR_EL2: the guest's MPIDR_EL1
    written[14] = 0x4000_0800n; // VBAR_EL1: 2 KiB aligned
    written[20] = 0n; // CNTV_CTL: timer off
    let read: bigint[] = [];
    let guestSaw: bigint[] = [];
    await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
      const guest = createGuest(sel4, bi, alloc);
      loadGuest(
        kernel,
        guest,
        GUEST_RAM,
        code([
          0xd538_00a3, // mrs x3, mpidr_el1
          0xd538_c004, // mrs x4, vbar_el1
          0x9100_03e6, // mov x6, sp  (SP_EL1 at EL1h)
          HVC,
        ]),
      );
      for (let i = 0; i < 24; i++) {
        expect(sel4.seL4_ARM_VCPU_WriteRegs(guest.vcpu, i, written[i]!)).toBe(0);
      }
      expect(sel4.seL4_ARM_VCPU_WriteRegs(guest.vcpu, 24, 0n)).toBe(1); // InvalidArgument
      expect(sel4.seL4_ARM_VCPU_ReadRegs(guest.vcpu, 24).error).toBe(1);
      startGuest(sel4, guest, GUEST_RAM);
      const f = await receiveFault(sel4, guest.ep);
      guestSaw = [f.words[3]!, f.words[4]!, f.words[6]!];
      read = Array.from({ length: 24 }, (_, i) => sel4.seL4_ARM_VCPU_ReadRegs(guest.vcpu, i).value);
    });
    expect(read).toEqual(written);
    expect(guestSaw).toEqual([written[16], written[14], written[17]]);
  });

  it("VCPU registers and TCB registers are the guest's EL1 and general state", async () => {
    const seen: bigint[] = [];
    await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
      const guest = createGuest(sel4, bi, alloc);
      loadGuest(
        kernel,
        guest,
        GUEST_RAM,
        code([
          0xd538_d083, // mrs x3, tpidr_el1
          HVC,
          0xd518_d084, // msr tpidr_el1, x4
          HVC,
        ]),
      );
      expect(sel4.seL4_ARM_VCPU_ReadRegs(guest.vcpu, seL4_VCPUReg_SCTLR).value).toBe(0x34d5_8820n);
      expect(sel4.seL4_ARM_VCPU_WriteRegs(guest.vcpu, seL4_VCPUReg_TPIDR_EL1, 0xabcn)).toBe(0);
      startGuest(sel4, guest, GUEST_RAM);
      seen.push((await receiveFault(sel4, guest.ep)).words[3]!);
      resumeGuest(sel4, guest, 4, { reg: 4, value: 0x55n });
      await receiveFault(sel4, guest.ep);
      seen.push(sel4.seL4_ARM_VCPU_ReadRegs(guest.vcpu, seL4_VCPUReg_TPIDR_EL1).value);
    });
    expect(seen).toEqual([0xabcn, 0x55n]);
  });
});

describe("stage 2 walks the VSpace's page tables", () => {
  it("unmap and a read-only remap invalidate cached translations", async () => {
    const seen: ReceivedFault[] = [];
    const data = 0x5000_0000;
    await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
      const guest = createGuest(sel4, bi, alloc);
      const ut = ramUntyped(bi, 20);
      const [pt, frame] = [alloc(), alloc()];
      sel4.seL4_Untyped_Retype(
        ut,
        seL4_ARM_PageTableObject,
        0,
        seL4_CapInitThreadCNode,
        0,
        0,
        pt,
        1,
      );
      sel4.seL4_Untyped_Retype(
        ut,
        seL4_ARM_SmallPageObject,
        0,
        seL4_CapInitThreadCNode,
        0,
        0,
        frame,
        1,
      );
      const vs = guest.vspace;
      expect(sel4.seL4_ARM_PageTable_Map(pt, vs, data, 3)).toBe(0);
      expect(sel4.seL4_ARM_Page_Map(frame, vs, data, seL4_AllRights, 3)).toBe(0);
      kernel.writePhysical(sel4.seL4_ARM_Page_GetAddress(frame).paddr, code([0x1234]));
      loadGuest(
        kernel,
        guest,
        GUEST_RAM,
        code([0xb940_00a3, HVC, 0xb940_00a3, HVC, 0xb900_00a3, HVC]), // ldr; hvc; ldr; hvc; str; hvc
      );
      const regs = sel4.seL4_TCB_ReadRegisters(guest.tcb, false, 0, 36).regs;
      sel4.seL4_TCB_WriteRegisters(guest.tcb, false, 0, 36, { ...regs, x5: BigInt(data) });
      startGuest(sel4, guest, GUEST_RAM);
      seen.push(await receiveFault(sel4, guest.ep)); // hvc after the first load
      expect(sel4.seL4_ARM_Page_Unmap(frame)).toBe(0);
      resumeGuest(sel4, guest, 4);
      seen.push(await receiveFault(sel4, guest.ep)); // the second load misses
      expect(sel4.seL4_ARM_Page_Map(frame, vs, data, seL4_CanRead, 3)).toBe(0);
      resumeGuest(sel4, guest, 0);
      seen.push(await receiveFault(sel4, guest.ep)); // hvc after the retried load
      resumeGuest(sel4, guest, 4);
      seen.push(await receiveFault(sel4, guest.ep)); // the store: permission fault
    });
    expect(seen[0]!.words[3]).toBe(0x1234n);
    expect(seen[1]).toMatchObject({
      label: seL4_Fault_VMFault,
      words: [BigInt(GUEST_RAM + 8), BigInt(data), 0n, 0x9383_0007n],
    });
    expect(seen[2]!.words[3]).toBe(0x1234n);
    expect(seen[3]).toMatchObject({
      label: seL4_Fault_VMFault,
      words: [BigInt(GUEST_RAM + 16), BigInt(data), 0n, 0x9383_004fn],
    });
  });

  it("TCB_SetSpace moves the guest to another VSpace: the next access walks the new one", async () => {
    const loaded: bigint[] = [];
    await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
      const a = createGuest(sel4, bi, alloc, { ramFrames: 1 });
      const b = createGuest(sel4, bi, alloc, { ramFrames: 1, ep: a.ep });
      const program = code([0xb940_00a3, HVC, 0xb940_00a3, HVC]); // ldr w3, [x5]; hvc; twice
      for (const [guest, value] of [
        [a, 0xaaaa],
        [b, 0xbbbb],
      ] as const) {
        loadGuest(kernel, guest, GUEST_RAM, program);
        loadGuest(kernel, guest, GUEST_RAM + 0x1000, code([value]));
      }
      const regs = sel4.seL4_TCB_ReadRegisters(a.tcb, false, 0, 36).regs;
      sel4.seL4_TCB_WriteRegisters(a.tcb, false, 0, 36, {
        ...regs,
        x5: BigInt(GUEST_RAM + 0x1000),
      });
      startGuest(sel4, a, GUEST_RAM);
      loaded.push((await receiveFault(sel4, a.ep)).words[3]!);
      expect(
        sel4.seL4_TCB_SetSpace(a.tcb, a.faultEP, seL4_CapInitThreadCNode, 0n, b.vspace, 0n),
      ).toBe(0);
      resumeGuest(sel4, a, 4);
      loaded.push((await receiveFault(sel4, a.ep)).words[3]!);
    });
    expect(loaded).toEqual([0xaaaan, 0xbbbbn]);
  });

  it("an instruction fetch from an unmapped IPA is a prefetch VMFault with the IPA", async () => {
    let fault: ReceivedFault | null = null;
    await withVMM({}, async (sel4, alloc, [, bi]) => {
      const guest = createGuest(sel4, bi, alloc);
      startGuest(sel4, guest, 0x7000_0000);
      fault = await receiveFault(sel4, guest.ep);
    });
    // EC 0x20 | IL | IFSC translation fault level 2 (the level-2 table exists, no entry).
    expect(fault).toMatchObject({
      label: seL4_Fault_VMFault,
      words: [0x7000_0000n, 0x7000_0000n, 1n, 0x8200_0006n],
    });
  });
});

/** The timer guest: GICV at the GICC address, vtimer in 1000 ticks, WFI, IRQ handler EOIs. */
function timerGuest(kernel: import("../src/index.js").Kernel, guest: Guest): void {
  loadGuest(
    kernel,
    guest,
    GUEST_RAM,
    code([
      0xd2a1_0021, // movz x1, #0x0801, lsl #16   (GICC)
      0x5280_0022, // mov w2, #1
      0xb900_0022, // str w2, [x1]                 GICC_CTLR = EnableGrp0
      0x5280_1e02, // mov w2, #0xf0
      0xb900_0422, // str w2, [x1, #4]             GICC_PMR = 0xf0
      0x1000_3f60, // adr x0, vectors (+0x800)
      0xd518_c000, // msr vbar_el1, x0
      0xd280_7d00, // mov x0, #1000
      0xd51b_e300, // msr cntv_tval_el0, x0
      0xd280_0020, // mov x0, #1
      0xd51b_e320, // msr cntv_ctl_el0, x0
      0xd503_42ff, // msr daifclr, #2
      0xd503_207f, // wfi
      0x17ff_ffff, // b wfi
    ]),
  );
  loadGuest(
    kernel,
    guest,
    GUEST_RAM + 0xa80, // current EL with SPx, IRQ
    code([
      0xb940_0c23, // ldr w3, [x1, #0xc]            GICC_IAR
      0xd280_0060, // mov x0, #3                    CNTV_CTL = ENABLE | IMASK
      0xd51b_e320, // msr cntv_ctl_el0, x0
      0xb900_1023, // str w3, [x1, #0x10]           GICC_EOIR
      0xd280_0007, // mov x7, #0
      HVC,
    ]),
  );
}

/** Runs the timer guest with WFI untrapped; returns the fault sequence and the executor stats. */
async function runTimerGuest(): Promise<{
  faults: ReceivedFault[];
  stats: { instructions: number; idleSkips: number };
}> {
  const faults: ReceivedFault[] = [];
  const stats = await withVMM({ trapWFI: false }, async (sel4, alloc, [, bi, kernel]) => {
    const guest = createGuest(sel4, bi, alloc, { gicv: true });
    timerGuest(kernel, guest);
    startGuest(sel4, guest, GUEST_RAM);
    const vppi = await receiveFault(sel4, guest.ep);
    faults.push(vppi);
    // Masked until AckVPPI: inject the PPI into list register 0 and resume.
    expect(sel4.seL4_ARM_VCPU_InjectIRQ(guest.vcpu, 27, 0, 0, 0)).toBe(0);
    resumeGuest(sel4, guest, 0);
    const maintenance = await receiveFault(sel4, guest.ep);
    faults.push(maintenance);
    expect(sel4.seL4_ARM_VCPU_AckVPPI(guest.vcpu, 27)).toBe(0);
    resumeGuest(sel4, guest, 0);
    faults.push(await receiveFault(sel4, guest.ep));
  });
  return { faults, stats };
}

describe("virtual timer, vGIC and idle", () => {
  it("timer → VPPIEvent(27); InjectIRQ + guest EOI → VGICMaintenance(0); idle time jumps", async () => {
    const { faults, stats } = await runTimerGuest();
    expect(faults.map((f) => [f.label, f.words[0]])).toEqual([
      [seL4_Fault_VPPIEvent, 27n],
      [seL4_Fault_VGICMaintenance, 0n],
      [seL4_Fault_UnknownSyscall, 3n], // x0 = 3: the handler wrote CNTV_CTL from it
    ]);
    expect(faults[2]!.words[3]).toBe(27n); // x3 = the INTID the guest acknowledged
    // 1000 counter ticks at 62.5 MHz with 1e9 instructions/s = 16000 instructions, mostly skipped.
    expect(stats.idleSkips).toBe(1);
    expect(stats.instructions).toBeGreaterThanOrEqual(16_000);
    expect(stats.instructions).toBeLessThan(16_100);
  });

  it("time only jumps when no other thread of the sleeper's priority can run", async () => {
    let executor: ARMVCPUExecution | null = null;
    const clockSeenByPeer: number[] = [];
    await runRoot(
      { arch: "aarch64" },
      async (sel4, bi, kernel) => {
        if (sel4.config !== "aarch64") return;
        const alloc = slots(bi);
        const guest = createGuest(sel4, bi, alloc, { gicv: true });
        timerGuest(kernel, guest);
        startGuest(sel4, guest, GUEST_RAM);
        // A TypeScript thread at the vCPU's priority, runnable while the guest sleeps.
        startThread(sel4, kernel, alloc, ramUntyped(bi, 20), async ({ sel4: peer }) => {
          for (let i = 0; i < 3; i++) {
            clockSeenByPeer.push(executor!.stats.instructions);
            await peer.seL4_Yield();
          }
        });
        const vppi = await receiveFault(sel4, guest.ep);
        expect(vppi.label).toBe(seL4_Fault_VPPIEvent);
      },
      (k) => {
        executor = k.useARMVCPUs({ trapWFI: false });
      },
    );
    // The peer ran three times before the guest's timer (16,000 instructions away) was reached.
    expect(clockSeenByPeer).toHaveLength(3);
    expect(Math.max(...clockSeenByPeer)).toBeLessThan(1000);
    expect(executor!.stats.instructions).toBeGreaterThanOrEqual(16_000);
    expect(executor!.stats.idleSkips).toBe(1);
  });

  it("is deterministic: the same run twice gives the same faults at the same virtual time", async () => {
    const a = await runTimerGuest();
    const b = await runTimerGuest();
    expect(b).toEqual(a);
  });

  it("InjectIRQ into a list register holding an active interrupt is DeleteFirst", async () => {
    const errors: number[] = [];
    await withVMM({ trapWFI: false }, async (sel4, alloc, [, bi, kernel]) => {
      const guest = createGuest(sel4, bi, alloc, { gicv: true });
      timerGuest(kernel, guest);
      // The handler stops right after GICC_IAR: the interrupt stays active.
      loadGuest(kernel, guest, GUEST_RAM + 0xa84, code([0xd280_0007, HVC]));
      startGuest(sel4, guest, GUEST_RAM);
      await receiveFault(sel4, guest.ep); // VPPIEvent
      errors.push(sel4.seL4_ARM_VCPU_InjectIRQ(guest.vcpu, 27, 0, 0, 0));
      resumeGuest(sel4, guest, 0);
      await receiveFault(sel4, guest.ep); // hvc in the handler
      errors.push(sel4.seL4_ARM_VCPU_InjectIRQ(guest.vcpu, 28, 0, 0, 0));
      errors.push(sel4.seL4_ARM_VCPU_InjectIRQ(guest.vcpu, 28, 0, 0, 1));
    });
    expect(errors).toEqual([0, seL4_DeleteFirst, 0]);
  });

  it("a WFI nothing can wake is reported as a trapped WFI instead of spinning", async () => {
    let fault: ReceivedFault | null = null;
    await withVMM({ trapWFI: false }, async (sel4, alloc, [, bi, kernel]) => {
      const guest = createGuest(sel4, bi, alloc);
      loadGuest(kernel, guest, GUEST_RAM, code([0xd503_207f]));
      startGuest(sel4, guest, GUEST_RAM);
      fault = await receiveFault(sel4, guest.ep);
    });
    expect(fault).toMatchObject({ label: seL4_Fault_VCPUFault, words: [0x07e0_0000n] });
  });
});

describe("guests from @sel4/guests", () => {
  const guestsDir = new URL("../../guests/aarch64/virt/", import.meta.url);
  const binary = (name: string) => new Uint8Array(readFileSync(new URL(`bin/${name}`, guestsDir)));
  const expected = (name: string) =>
    readFileSync(new URL(`expected/${name}.txt`, guestsDir), "utf8");

  for (const [name, options] of [
    ["hello", {}],
    ["timer", { trapWFI: false }],
    ["vectors", {}],
    ["mmu", {}],
    ["fault", {}],
  ] as const) {
    it(`${name} prints what it prints under QEMU (recorded output)`, async () => {
      let run: GuestRun | null = null;
      await withVMM(options, async (sel4, alloc, [, bi, kernel]) => {
        const guest = createGuest(sel4, bi, alloc, { gicv: true });
        startGuest(sel4, guest, loadElf(kernel, guest, binary(name)));
        run = await runToPowerOff(sel4, guest);
      });
      expect(run!.uart).toBe(expected(name));
    });
  }
});

/**
 * `fixtures/qemu-virt-smp2.dtb`: QEMU's own device tree (`qemu-system-aarch64 -M
 * virt,gic-version=2,dumpdtb=... -cpu cortex-a53 -smp 2`, PSCI over HVC) with the memory node
 * shrunk to the 4 MiB the test VM has, recompiled with dtc.
 */
describe("a two-vCPU VM", () => {
  it("smp: CPU 0 starts CPU 1 with PSCI CPU_ON twice; output as QEMU's with -smp 2", async () => {
    const dir = new URL("../../guests/aarch64/virt/", import.meta.url);
    const bin = new Uint8Array(readFileSync(new URL("bin/smp", dir)));
    const dtb = new Uint8Array(
      readFileSync(new URL("fixtures/qemu-virt-smp2.dtb", import.meta.url)),
    );
    let run: GuestRun | null = null;
    await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
      const cpu0 = createGuest(sel4, bi, alloc);
      const cpu1 = addVCPU(sel4, bi, alloc, cpu0, 2n);
      loadGuest(kernel, cpu0, GUEST_RAM, dtb);
      const entry = loadElf(kernel, cpu0, bin);
      const regs = sel4.seL4_TCB_ReadRegisters(cpu0.tcb, false, 0, 36).regs;
      sel4.seL4_TCB_WriteRegisters(cpu0.tcb, false, 0, 36, { ...regs, x0: BigInt(GUEST_RAM) });
      startGuest(sel4, cpu0, entry);
      run = await runToPowerOff(sel4, cpu0, [cpu1]);
    });
    expect(run!.uart).toBe(readFileSync(new URL("expected/smp.txt", dir), "utf8"));
  });
});

describe("whole-guest determinism", () => {
  it("the timer guest run twice gives the same faults, output and virtual time", async () => {
    const bin = new Uint8Array(
      readFileSync(new URL("../../guests/aarch64/virt/bin/timer", import.meta.url)),
    );
    const once = async () => {
      let run: GuestRun | null = null;
      const stats = await withVMM({ trapWFI: false }, async (sel4, alloc, [, bi, kernel]) => {
        const guest = createGuest(sel4, bi, alloc, { gicv: true });
        startGuest(sel4, guest, loadElf(kernel, guest, bin));
        run = await runToPowerOff(sel4, guest);
      });
      return { run, stats };
    };
    const first = await once();
    expect(first.stats.idleSkips).toBeGreaterThanOrEqual(5);
    expect(await once()).toEqual(first);
  });
});

describe("several vCPU threads", () => {
  it("share the core in instruction-budget time slices, deterministically", async () => {
    const spin = code([
      0xd280_0003, // mov x3, #0
      0xd288_4805, // movz x5, #0x4240
      0xf2a0_01e5, // movk x5, #0xf, lsl #16      (1,000,000 iterations of 3 instructions)
      0x9100_0463, // add x3, x3, #1
      0xeb05_007f, // cmp x3, x5
      0x54ff_ffc1, // b.ne add
      0xd53b_e044, // mrs x4, cntvct_el0
      0xd280_0007, // mov x7, #0
      HVC,
    ]);
    const run = async () => {
      const done: { badge: bigint; counter: bigint }[] = [];
      const stats = await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
        const a = createGuest(sel4, bi, alloc, { badge: 1n, ramFrames: 1 });
        const b = createGuest(sel4, bi, alloc, { badge: 2n, ep: a.ep, ramFrames: 1 });
        loadGuest(kernel, a, GUEST_RAM, spin);
        loadGuest(kernel, b, GUEST_RAM, spin);
        startGuest(sel4, a, GUEST_RAM);
        startGuest(sel4, b, GUEST_RAM);
        for (let i = 0; i < 2; i++) {
          const f = await receiveFault(sel4, a.ep);
          expect(f.label).toBe(seL4_Fault_UnknownSyscall);
          done.push({ badge: f.badge, counter: f.words[4]! });
        }
      });
      return { done, stats };
    };
    const first = await run();
    // 62.5 MHz counter at 1e9 instructions/s: 16 instructions per tick. Run back to back, the
    // first to finish would be done at 3M instructions; in 500k-instruction turns both end late.
    const ends = first.done.map((d) => Number(d.counter) * 16);
    expect(first.done.map((d) => d.badge).sort()).toEqual([1n, 2n]);
    expect(Math.min(...ends)).toBeGreaterThan(5_000_000);
    expect(Math.max(...ends)).toBeLessThanOrEqual(6_000_100);
    expect(first.stats.instructions).toBeGreaterThanOrEqual(6_000_000);
    expect(await run()).toEqual(first);
  });

  it("a vCPU that exits often still uses up its time slice, so its peer runs", async () => {
    // A: 10,000 spins then a store to an unmapped IPA (a VMFault every ~30k instructions, never a
    // whole 100k-instruction slice). B, at the same priority: 1M spins then HVC. Before short
    // slices counted toward the timer, A (re-queued at the head after each fault reply) kept
    // the core and B never finished.
    const faulter = code([
      0xd2a1_2001, // movz x1, #0x0900, lsl #16
      0xd280_0003, // mov x3, #0
      0xd284_e205, // movz x5, #10000
      0x9100_0463, // add x3, x3, #1
      0xeb05_007f, // cmp x3, x5
      0x54ff_ffc1, // b.ne add
      0xf900_0020, // str x0, [x1]
      0x17ff_fffa, // b mov x3
    ]);
    const spin = code([
      0xd280_0003, // mov x3, #0
      0xd288_4805, // movz x5, #0x4240
      0xf2a0_01e5, // movk x5, #0xf, lsl #16      (1,000,000 iterations)
      0x9100_0463, // add x3, x3, #1
      0xeb05_007f, // cmp x3, x5
      0x54ff_ffc1, // b.ne add
      0xd280_0007, // mov x7, #0
      HVC,
    ]);
    let storesBeforeB = 0;
    await withVMM({}, async (sel4, alloc, [, bi, kernel]) => {
      const a = createGuest(sel4, bi, alloc, { badge: 1n, ramFrames: 1 });
      const b = createGuest(sel4, bi, alloc, { badge: 2n, ep: a.ep, ramFrames: 1 });
      loadGuest(kernel, a, GUEST_RAM, faulter);
      loadGuest(kernel, b, GUEST_RAM, spin);
      startGuest(sel4, a, GUEST_RAM);
      startGuest(sel4, b, GUEST_RAM);
      for (;;) {
        const f = await receiveFault(sel4, a.ep);
        if (f.badge === 2n) {
          expect(f.label).toBe(seL4_Fault_UnknownSyscall);
          break;
        }
        expect(f.label).toBe(seL4_Fault_VMFault);
        storesBeforeB++;
        // Starved: B needs 3M instructions, A's turns are 500k instructions (~17 stores) each.
        expect(storesBeforeB, "B never got the core").toBeLessThan(1_000);
        resumeGuest(sel4, a, 4);
      }
    });
    expect(storesBeforeB).toBeGreaterThan(50);
  });

  it("rebinding a VCPU re-sanitises the old thread's SPSR to user mode", async () => {
    const spsr: bigint[] = [];
    await withVMM({}, async (sel4, alloc, [, bi]) => {
      const a = createGuest(sel4, bi, alloc, { ramFrames: 1 });
      const b = createGuest(sel4, bi, alloc, { ep: a.ep, ramFrames: 1 });
      const regs = sel4.seL4_TCB_ReadRegisters(a.tcb, false, 0, 36).regs;
      sel4.seL4_TCB_WriteRegisters(a.tcb, false, 0, 36, { ...regs, spsr: 0x6000_03c5n });
      spsr.push(sel4.seL4_TCB_ReadRegisters(a.tcb, false, 0, 36).regs.spsr);
      expect(sel4.seL4_ARM_VCPU_SetTCB(b.vcpu, a.tcb)).toBe(0);
      spsr.push(sel4.seL4_TCB_ReadRegisters(a.tcb, false, 0, 36).regs.spsr);
    });
    expect(spsr).toEqual([0x6000_03c5n, 0x6000_0140n]);
  });
});

describe("garbage guest code", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`random instruction words (seed ${seed}) only ever produce fault messages`, async () => {
      const labels = new Set<number>();
      let kernelRef: import("../src/index.js").Kernel | null = null;
      await withVMM({ trapWFI: seed % 2 === 0 }, async (sel4, alloc, [, bi, kernel]) => {
        kernelRef = kernel;
        const guest = createGuest(sel4, bi, alloc, { gicv: true, ramFrames: 1 });
        let x = seed * 0x9e37_79b9;
        const words = Array.from({ length: 1024 }, () => {
          x = (Math.imul(x, 1_103_515_245) + 12_345) | 0;
          return x >>> 0;
        });
        loadGuest(kernel, guest, GUEST_RAM, code(words));
        startGuest(sel4, guest, GUEST_RAM);
        for (let n = 0; n < 300; n++) {
          const f = await receiveFault(sel4, guest.ep);
          labels.add(f.label);
          resumeGuest(
            sel4,
            guest,
            f.label === seL4_Fault_VMFault || f.label === 2 || f.label === 7 ? 4 : 0,
          );
        }
        expect(sel4.seL4_TCB_Suspend(guest.tcb)).toBe(0);
      });
      expect(kernelRef!.checkInvariants()).toEqual([]);
      expect(labels.size).toBeGreaterThan(0);
    });
  }
});
