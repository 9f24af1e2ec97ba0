/**
 * Test VMM scaffolding for ARM vCPU threads, written with the raw `Sel4` API as libsel4vm
 * drives seL4 (§8.6): a VSpace (stage 2) with guest RAM, optionally the GICV frame at the guest's
 * GICC address, a TCB bound to a VCPU whose fault endpoint is a badged endpoint the test
 * receives on, and helpers to read fault messages and resume the guest.
 */
import {
  type Sel4_AArch64,
  seL4_AllRights,
  seL4_ARM_LargePageObject,
  seL4_ARM_PageTableObject,
  seL4_ARM_SmallPageObject,
  seL4_ARM_VCPUObject,
  seL4_ARM_VSpaceObject,
  type seL4_BootInfo,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
} from "@sel4/sel4";
import type { Kernel } from "../src/index.js";
import { ramUntyped, slots } from "./helpers.js";

const root = seL4_CapInitThreadCNode;
/** Guest RAM base on QEMU virt. */
export const GUEST_RAM = 0x4000_0000;
/** The guest's GIC CPU interface address and the platform's GICV frame. */
export const GUEST_GICC = 0x0801_0000;
const GICV_PADDR = 0x0804_0000;
/** The badge of the guest's fault endpoint cap. */
export const VCPU_BADGE = 1n;

/** One guest: caps the test VMM uses. */
export interface Guest {
  readonly tcb: number;
  readonly vcpu: number;
  readonly ep: number;
  /** The guest's VSpace (stage 2). */
  readonly vspace: number;
  /** The badged endpoint cap the TCB faults to (a CPtr in the root CNode). */
  readonly faultEP: number;
  /** Physical address of each 2 MiB RAM frame, from GUEST_RAM up. */
  readonly ram: readonly number[];
}

/** Options of {@link createGuest}. */
export interface GuestOptions {
  /** 2 MiB frames of RAM at GUEST_RAM (default 2). */
  readonly ramFrames?: number;
  /** Map the GICV frame at GUEST_GICC (default false). */
  readonly gicv?: boolean;
  /** Endpoint to fault to (default: a new one). */
  readonly ep?: number;
  /** Badge of the fault endpoint cap (default VCPU_BADGE). */
  readonly badge?: bigint;
  readonly prio?: number;
}

function ok(e: number, what: string): void {
  if (e !== 0) throw new Error(`${what}: seL4 error ${e}`);
}

/** Builds a guest whose vCPU starts at `entry` in EL1h with interrupts masked (not resumed). */
export function createGuest(
  sel4: Sel4_AArch64,
  bi: seL4_BootInfo,
  alloc: () => number,
  opts: GuestOptions = {},
): Guest {
  const ut = ramUntyped(bi, 24);
  const retype = (type: number, bits: number) => {
    const slot = alloc();
    ok(sel4.seL4_Untyped_Retype(ut, type, bits, root, 0, 0, slot, 1), `retype ${type}`);
    return slot;
  };
  let ep = opts.ep ?? 0;
  if (ep === 0) ep = retype(seL4_EndpointObject, 0);
  const badged = alloc();
  ok(
    sel4.seL4_CNode_Mint(root, badged, 64, root, ep, 64, seL4_AllRights, opts.badge ?? VCPU_BADGE),
    "mint",
  );
  const vspace = retype(seL4_ARM_VSpaceObject, 0);
  ok(sel4.seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace), "asid");
  ok(sel4.seL4_ARM_PageTable_Map(retype(seL4_ARM_PageTableObject, 0), vspace, GUEST_RAM, 3), "pt");
  const ram: number[] = [];
  for (let i = 0; i < (opts.ramFrames ?? 2); i++) {
    const frame = retype(seL4_ARM_LargePageObject, 0);
    ok(sel4.seL4_ARM_Page_Map(frame, vspace, GUEST_RAM + i * 2 ** 21, seL4_AllRights, 3), "ram");
    ram.push(sel4.seL4_ARM_Page_GetAddress(frame).paddr);
  }
  if (opts.gicv) {
    const dev = bi.untypedList.findIndex((u) => u.isDevice && u.paddr === GICV_PADDR);
    if (dev < 0) throw new Error("no device untyped at the GICV frame");
    const frame = alloc();
    ok(
      sel4.seL4_Untyped_Retype(
        bi.untyped.start + dev,
        seL4_ARM_SmallPageObject,
        0,
        root,
        0,
        0,
        frame,
        1,
      ),
      "gicv frame",
    );
    for (let level = 0; level < 2; level++) {
      ok(
        sel4.seL4_ARM_PageTable_Map(retype(seL4_ARM_PageTableObject, 0), vspace, GUEST_GICC, 3),
        "gicv pt",
      );
    }
    ok(sel4.seL4_ARM_Page_Map(frame, vspace, GUEST_GICC, seL4_AllRights, 3), "gicv map");
  }
  const tcb = retype(1, 0);
  ok(sel4.seL4_TCB_Configure(tcb, badged, root, 0n, vspace, 0n, 0, 0), "configure");
  const prio = opts.prio ?? 100;
  ok(sel4.seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, prio, prio), "prio");
  const vcpu = retype(seL4_ARM_VCPUObject, 0);
  ok(sel4.seL4_ARM_VCPU_SetTCB(vcpu, tcb), "vcpu");
  return { tcb, vcpu, ep, vspace, faultEP: badged, ram };
}

/** Adds a vCPU to `guest`'s VM: a TCB in the same VSpace faulting to the same endpoint. */
export function addVCPU(
  sel4: Sel4_AArch64,
  bi: seL4_BootInfo,
  alloc: () => number,
  guest: Guest,
  badge: bigint,
  prio = 100,
): Guest {
  const ut = ramUntyped(bi, 24);
  const retype = (type: number) => {
    const slot = alloc();
    ok(sel4.seL4_Untyped_Retype(ut, type, 0, root, 0, 0, slot, 1), `retype ${type}`);
    return slot;
  };
  const badged = alloc();
  ok(sel4.seL4_CNode_Mint(root, badged, 64, root, guest.ep, 64, seL4_AllRights, badge), "mint");
  const tcb = retype(1);
  ok(sel4.seL4_TCB_Configure(tcb, badged, root, 0n, guest.vspace, 0n, 0, 0), "configure");
  ok(sel4.seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, prio, prio), "prio");
  const vcpu = retype(seL4_ARM_VCPUObject);
  ok(sel4.seL4_ARM_VCPU_SetTCB(vcpu, tcb), "vcpu");
  return { ...guest, tcb, vcpu, faultEP: badged };
}

/** Copies code or data into guest RAM at IPA `ipa`. */
export function loadGuest(kernel: Kernel, guest: Guest, ipa: number, bytes: Uint8Array): void {
  const offset = ipa - GUEST_RAM;
  for (let done = 0; done < bytes.length; ) {
    const at = offset + done;
    const frame = Math.floor(at / 2 ** 21);
    const n = Math.min(bytes.length - done, 2 ** 21 - (at % 2 ** 21));
    kernel.writePhysical(guest.ram[frame]! + (at % 2 ** 21), bytes.subarray(done, done + n));
    done += n;
  }
}

/** Little-endian bytes of instruction words. */
export function code(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i]! >>> 0, true);
  return out;
}

/** Loads the PT_LOAD segments of a little-endian ELF64 image; returns its entry point. */
export function loadElf(kernel: Kernel, guest: Guest, elf: Uint8Array): number {
  const v = new DataView(elf.buffer, elf.byteOffset, elf.length);
  const phoff = Number(v.getBigUint64(0x20, true));
  const phentsize = v.getUint16(0x36, true);
  const phnum = v.getUint16(0x38, true);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (v.getUint32(ph, true) !== 1) continue;
    const offset = Number(v.getBigUint64(ph + 8, true));
    const paddr = Number(v.getBigUint64(ph + 0x18, true));
    const filesz = Number(v.getBigUint64(ph + 0x20, true));
    loadGuest(kernel, guest, paddr, elf.subarray(offset, offset + filesz));
  }
  return Number(v.getBigUint64(0x18, true));
}

/** Sets the guest's pc (EL1h, DAIF masked, as a boot loader leaves it) and resumes it. */
export function startGuest(sel4: Sel4_AArch64, guest: Guest, entry: number): void {
  const regs = sel4.seL4_TCB_ReadRegisters(guest.tcb, false, 0, 36).regs;
  ok(
    sel4.seL4_TCB_WriteRegisters(guest.tcb, true, 0, 36, {
      ...regs,
      pc: BigInt(entry),
      spsr: 0x3c5n,
    }),
    "start",
  );
}

/** A fault as received: label, badge and message words. */
export interface ReceivedFault {
  readonly label: number;
  readonly badge: bigint;
  readonly words: bigint[];
}

/** Waits for the next message on the guest's endpoint and reads all its words. */
export async function receiveFault(sel4: Sel4_AArch64, ep: number): Promise<ReceivedFault> {
  const r = await sel4.seL4_Recv(ep);
  const words: bigint[] = [];
  for (let i = 0; i < r.info.length; i++) words.push(sel4.seL4_GetMR(i));
  return { label: r.info.label, badge: r.sender, words };
}

/** Resumes a faulted guest: moves its pc by `advance` bytes, optionally sets a register, replies. */
export function resumeGuest(
  sel4: Sel4_AArch64,
  guest: Guest,
  advance: number,
  set?: { reg: number; value: bigint },
): void {
  if (advance !== 0 || set) {
    const regs = sel4.seL4_TCB_ReadRegisters(guest.tcb, false, 0, 36).regs as Record<
      string,
      bigint
    >;
    regs.pc = regs.pc! + BigInt(advance);
    if (set && set.reg < 31) regs[`x${set.reg}`] = set.value;
    ok(sel4.seL4_TCB_WriteRegisters(guest.tcb, false, 0, 36, regs as never), "resume regs");
  }
  sel4.seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
}

/** Register value `n` of the faulted guest (x31 reads as zero). */
export function guestRegister(sel4: Sel4_AArch64, guest: Guest, n: number): bigint {
  if (n === 31) return 0n;
  const regs = sel4.seL4_TCB_ReadRegisters(guest.tcb, false, 0, 36).regs as Record<string, bigint>;
  return regs[`x${n}`]!;
}

export { slots };

/** What {@link runToPowerOff} observed. */
export interface GuestRun {
  /** Characters the guest wrote to the PL011 data register. */
  readonly uart: string;
  /** Fault labels in arrival order. */
  readonly labels: number[];
}

const UART = 0x0900_0000n;
const GICD = 0x0800_0000n;
const PSCI_VERSION = 0x8400_0000n;
const PSCI_SYSTEM_OFF = 0x8400_0008n;
const PSCI_CPU_OFF = 0x8400_0002n;
const PSCI_CPU_ON = 0xc400_0003n;
const PSCI_AFFINITY_INFO = 0xc400_0004n;
const VTIMER_PPI = 27;

/**
 * A minimal VMM loop for one vCPU: PL011 transmit (data and flag registers), a GICv2
 * distributor that reads as zero and ignores writes, the virtual timer injected on VPPIEvent and
 * acknowledged on the maintenance fault, PSCI VERSION and SYSTEM_OFF over HVC or SMC. Runs until
 * SYSTEM_OFF; anything else it cannot handle is a test failure.
 */
export async function runToPowerOff(
  sel4: Sel4_AArch64,
  primary: Guest,
  secondaries: readonly Guest[] = [],
  maxFaults = 100_000,
): Promise<GuestRun> {
  let uart = "";
  const labels: number[] = [];
  const vcpus = [primary, ...secondaries];
  const online = vcpus.map((_, i) => i === 0);
  const lists = vcpus.map((): (number | null)[] => [null, null, null, null]);
  for (let n = 0; n < maxFaults; n++) {
    const f = await receiveFault(sel4, primary.ep);
    const index = Number(f.badge) - 1;
    const guest = vcpus[index];
    if (guest === undefined) throw new Error(`fault from unknown badge ${f.badge}`);
    const injected = lists[index]!;
    labels.push(f.label);
    switch (f.label) {
      case 5: {
        const [, addr, , fsr] = f.words as [bigint, bigint, bigint, bigint];
        if (!((fsr >> 24n) & 1n)) throw new Error(`VMFault without ISV at 0x${addr.toString(16)}`);
        const inUart = addr >= UART && addr < UART + 0x1000n;
        const inGicd = addr >= GICD && addr < GICD + 0x1_0000n;
        if (!inUart && !inGicd) throw new Error(`VMFault at 0x${addr.toString(16)}`);
        const srt = Number((fsr >> 16n) & 31n);
        if ((fsr >> 6n) & 1n) {
          if (addr === UART)
            uart += String.fromCharCode(Number(guestRegister(sel4, guest, srt) & 0xffn));
          resumeGuest(sel4, guest, 4);
        } else {
          // PL011 FR: transmit FIFO empty, receive FIFO empty.
          resumeGuest(sel4, guest, 4, { reg: srt, value: addr === UART + 0x18n ? 0x90n : 0n });
        }
        break;
      }
      case 2:
      case 7: {
        const smc = f.label === 7;
        if (smc && Number(f.words[0]! >> 26n) !== 0x17) throw new Error(`VCPUFault ${f.words[0]}`);
        const x0 = smc ? guestRegister(sel4, guest, 0) : f.words[0]!;
        if (x0 === PSCI_SYSTEM_OFF) return { uart, labels };
        if (x0 === PSCI_CPU_OFF) {
          // The vCPU stops; its fault stays unanswered.
          ok(sel4.seL4_TCB_Suspend(guest.tcb), "CPU_OFF");
          online[index] = false;
          break;
        }
        let result = 0xffff_ffff_ffff_ffffn; // NOT_SUPPORTED
        if (x0 === PSCI_VERSION) result = 0x1_0002n;
        if (x0 === PSCI_CPU_ON || x0 === PSCI_AFFINITY_INFO) {
          const target = Number(guestRegister(sel4, guest, 1) & 0xffn);
          const t = vcpus[target];
          if (t === undefined)
            result = 0xffff_ffff_ffff_fffen; // INVALID_PARAMETERS
          else if (x0 === PSCI_AFFINITY_INFO) result = online[target] ? 0n : 1n;
          else if (online[target])
            result = 0xffff_ffff_ffff_fffcn; // ALREADY_ON
          else {
            const entry = guestRegister(sel4, guest, 2);
            const context = guestRegister(sel4, guest, 3);
            ok(sel4.seL4_ARM_VCPU_WriteRegs(t.vcpu, 16, 0x8000_0000n | BigInt(target)), "VMPIDR");
            const regs = sel4.seL4_TCB_ReadRegisters(t.tcb, false, 0, 36).regs;
            ok(
              sel4.seL4_TCB_WriteRegisters(t.tcb, true, 0, 36, {
                ...regs,
                pc: entry,
                x0: context,
                spsr: 0x3c5n,
              }),
              "CPU_ON",
            );
            online[target] = true;
            result = 0n;
          }
        }
        resumeGuest(sel4, guest, 4, { reg: 0, value: result });
        break;
      }
      case 8: {
        const lr = injected.indexOf(null);
        if (lr < 0) throw new Error("no free list register");
        const e = sel4.seL4_ARM_VCPU_InjectIRQ(guest.vcpu, VTIMER_PPI, 0, 0, lr);
        if (e !== 0) throw new Error(`InjectIRQ: ${e}`);
        injected[lr] = VTIMER_PPI;
        resumeGuest(sel4, guest, 0);
        break;
      }
      case 6: {
        const lr = Number(BigInt.asIntN(64, f.words[0]!));
        if (lr >= 0 && injected[lr] === VTIMER_PPI) {
          const e = sel4.seL4_ARM_VCPU_AckVPPI(guest.vcpu, VTIMER_PPI);
          if (e !== 0) throw new Error(`AckVPPI: ${e}`);
        }
        if (lr >= 0) injected[lr] = null;
        resumeGuest(sel4, guest, 0);
        break;
      }
      default:
        throw new Error(`unexpected fault label ${f.label}`);
    }
  }
  throw new Error("the guest did not power off");
}
