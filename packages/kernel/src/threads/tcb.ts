/** TCB creation, registers, message registers and the IPC buffer (§1.2, §1.6, §4.3). */
import { TIME_SLICE, WORD_MASK } from "../abi.js";
import { newSlot } from "../cdt.js";
import type { TCB } from "../objects/types.js";
import type { KernelState } from "../state.js";

/** TCB-internal slot indices (not addressable by CPtrs). */
export const TCBSlot = { CTable: -1, VTable: -2, Reply: -3, Caller: -4, Buffer: -5, EPTRoot: -6 };

/** AArch64 `PSTATE_USER`: EL0t with FIQ masked (plus SError mask in release builds). */
const AARCH64_PSTATE_USER = 0x140n;
/** x86 user RFLAGS at creation: IF | bit 1. */
const X86_FLAGS_USER = 0x202n;

/** A fresh TCB in the initial state of §4.3. */
export function createTCB(k: KernelState, paddr: number): TCB {
  const context = new Array<bigint>(k.params.userContextWords).fill(0n);
  context[k.params.flagsRegister] = k.arch === "aarch64" ? AARCH64_PSTATE_USER : X86_FLAGS_USER;
  const id = k.nextThreadId++;
  const tcb = {
    kind: "tcb",
    id,
    paddr,
    sizeBits: 11,
    live: true,
    state: "Inactive",
    blocking: null,
    priority: 0,
    mcp: 0,
    timeSlice: TIME_SLICE,
    tickInstructions: 0,
    context,
    faultHandler: 0n,
    ipcBufferAddr: 0n,
    flags: 0n,
    boundNotification: null,
    pendingFault: null,
    vcpu: null,
    inReadyQueue: false,
    name: `tcb${id}`,
    program: null,
    executorSyscall: false,
    ipcBufferMemo: null,
  } as unknown as TCB;
  const slots = tcb as unknown as Record<string, unknown>;
  slots.ctable = newSlot(tcb, TCBSlot.CTable);
  slots.vtable = newSlot(tcb, TCBSlot.VTable);
  slots.replySlot = newSlot(tcb, TCBSlot.Reply);
  slots.callerSlot = newSlot(tcb, TCBSlot.Caller);
  slots.bufferSlot = newSlot(tcb, TCBSlot.Buffer);
  slots.eptRootSlot = newSlot(tcb, TCBSlot.EPTRoot);
  return tcb;
}

/**
 * `lookupIPCBuffer`: physical address of the thread's IPC buffer, or null when it has none usable.
 * A receive buffer needs a read-write frame; a read-only frame serves only as a send buffer.
 */
export function ipcBufferPaddr(t: TCB, receive: boolean): number | null {
  const cap = t.bufferSlot.cap;
  let memo = t.ipcBufferMemo;
  if (memo === null || memo.cap !== cap || memo.addr !== t.ipcBufferAddr) {
    memo = {
      cap,
      addr: t.ipcBufferAddr,
      send: lookupIPCBuffer(t, false),
      receive: lookupIPCBuffer(t, true),
    };
    t.ipcBufferMemo = memo;
  }
  return receive ? memo.receive : memo.send;
}

function lookupIPCBuffer(t: TCB, receive: boolean): number | null {
  const cap = t.bufferSlot.cap;
  if (cap.type !== "frame" || cap.obj.isDevice) return null;
  if (cap.rights === "KernelOnly") return null;
  if (receive && cap.rights !== "ReadWrite") return null;
  const size = 2 ** cap.obj.sizeBits;
  const offset = Number(t.ipcBufferAddr & BigInt(size - 1)) & ~1023;
  return cap.obj.paddr + offset;
}

/** Reads message register `i` given the thread's buffer (MR0..3 are registers). */
export function getMR(k: KernelState, t: TCB, buffer: number | null, i: number): bigint {
  if (i < 4) return t.context[k.params.msgRegisters[i]!]!;
  if (buffer === null || i >= 120) return 0n;
  return k.mem.readWord(buffer + 8 * (i + 1));
}

/** Writes message register `i`; MR4+ is dropped without a buffer. */
export function setMR(k: KernelState, t: TCB, buffer: number | null, i: number, v: bigint): void {
  const value = v & WORD_MASK;
  if (i < 4) {
    t.context[k.params.msgRegisters[i]!] = value;
    return;
  }
  if (buffer === null || i >= 120) return;
  k.mem.writeWord(buffer + 8 * (i + 1), value);
}

/** IPC buffer word index of caps_or_badges[0]. */
export const IPCBUF_CAPS = 122;
/** IPC buffer word index of receiveCNode, receiveIndex, receiveDepth. */
export const IPCBUF_RECEIVE_CNODE = 125;

/** Reads word `i` of an IPC buffer at `buffer`. */
export function bufferWord(k: KernelState, buffer: number, i: number): bigint {
  return k.mem.readWord(buffer + 8 * i);
}

/** Writes word `i` of an IPC buffer at `buffer`. */
export function setBufferWord(k: KernelState, buffer: number, i: number, v: bigint): void {
  k.mem.writeWord(buffer + 8 * i, v & WORD_MASK);
}

/** The badge/cap register and message-info register of a thread. */
export function setSyscallResult(k: KernelState, t: TCB, badge: bigint, info: bigint): void {
  t.context[k.params.capRegister] = badge & WORD_MASK;
  t.context[k.params.infoRegister] = info & WORD_MASK;
}

/** Sanitises one register value on write (§6.4). */
export function sanitiseRegister(k: KernelState, t: TCB, index: number, v: bigint): bigint {
  const value = v & WORD_MASK;
  if (k.arch === "aarch64") {
    if (index === k.params.flagsRegister) {
      const mode = value & 0x1fn;
      if (t.vcpu !== null && (mode === 0n || mode === 4n || mode === 5n)) return value;
      return (value & 0xf000_0000n) | AARCH64_PSTATE_USER;
    }
    return value;
  }
  if (index === k.params.flagsRegister) {
    return ((value & 0xfffn) | 0x202n) & ~(0x8n | 0x20n | 0x100n);
  }
  // rip, fs_base, gs_base must be canonical.
  if (index === 0 || index === 18 || index === 19) {
    if (value >= 0x0000_8000_0000_0000n && value <= 0xffff_7fff_ffff_ffffn) return 0n;
  }
  return value;
}
