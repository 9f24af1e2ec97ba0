import { cpuidLeaf } from "../cpuid.js";
import { EPT_RWX, eptEntry, type GuestPhysicalMemory } from "../memory.js";
import { X86Vcpu } from "../vcpu.js";
import { ExitReason, VmcsField as F } from "../vmcs.js";
import { flatProtectedMode } from "./flat.js";

/**
 * A Linux-like user-mode harness for static freestanding i386 ELF test programs: flat ring-3
 * segments, no paging, guest RAM as a window of guest-physical memory through the EPT callback,
 * and the two system calls the programs use (write, exit). INT 0x80 reaches the harness as a #GP
 * exit: the IDT is empty and the exception bitmap intercepts #GP, so no guest kernel is needed.
 */

/** Where the window of RAM sits in the guest-physical (= linear) space. */
export const WINDOW_BASE = 0x08000000;
const WINDOW_SIZE = 16 << 20;

/** Result of running a program. */
export interface UserRun {
  /** Everything written to file descriptors 1 and 2. */
  output: string;
  /** exit() status, or -1 when the run stopped otherwise. */
  status: number;
  /** Why it stopped when not by exit(). */
  error?: string;
  /** Instructions retired. */
  instructions: number;
}

function windowMemory(): GuestPhysicalMemory {
  const ram = new Uint8Array(WINDOW_SIZE);
  const first = WINDOW_BASE / 4096;
  const frames = WINDOW_SIZE / 4096;
  return {
    ram,
    translate: (frame) =>
      frame >= first && frame < first + frames ? eptEntry((frame - first) * 4096, EPT_RWX) : 0,
    mmioRead: () => 0,
    mmioWrite: () => {},
  };
}

/** Loads the PT_LOAD segments of a 32-bit little-endian ELF; returns the entry point. */
export function loadElf32(image: Uint8Array, ram: Uint8Array, base: number): number {
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || image[4] !== 1 || image[5] !== 1)
    throw new Error("not an ELF32 LE file");
  const entry = dv.getUint32(24, true);
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  const phnum = dv.getUint16(44, true);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (dv.getUint32(ph, true) !== 1) continue;
    const offset = dv.getUint32(ph + 4, true);
    const vaddr = dv.getUint32(ph + 8, true);
    const filesz = dv.getUint32(ph + 16, true);
    const memsz = dv.getUint32(ph + 20, true);
    const at = vaddr - base;
    if (at < 0 || at + memsz > ram.length)
      throw new Error(`segment at 0x${vaddr.toString(16)} outside RAM`);
    ram.fill(0, at, at + memsz);
    ram.set(image.subarray(offset, offset + filesz), at);
  }
  return entry;
}

/** Runs `image` to its exit() (or `budget` instructions). */
export function runUserProgram(image: Uint8Array, budget = 200_000_000): UserRun {
  const memory = windowMemory();
  const cpu = new X86Vcpu(memory);
  flatProtectedMode(cpu, true);
  cpu.writeVmcs(F.GUEST_TR_ACCESS_RIGHTS, 0x8b);
  cpu.writeVmcs(F.GUEST_IDTR_LIMIT, 0);
  cpu.writeVmcs(F.CONTROL_EXCEPTION_BITMAP, 1 << 13);
  cpu.writeVmcs(F.GUEST_RIP, loadElf32(image, memory.ram, WINDOW_BASE));
  cpu.writeVmcs(F.GUEST_RSP, WINDOW_BASE + WINDOW_SIZE - 4096);
  cpu.writeVmcs(F.GUEST_RFLAGS, 0x202);
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const finish = (status: number, error?: string): UserRun => ({
    output: chunks.join(""),
    status,
    instructions: cpu.instructionsRetired,
    ...(error === undefined ? {} : { error }),
  });
  for (;;) {
    const left = budget - cpu.instructionsRetired;
    if (left <= 0) return finish(-1, "instruction budget exhausted");
    const exit = cpu.run(left);
    const eip = cpu.readVmcs(F.GUEST_RIP);
    switch (exit.reason) {
      case ExitReason.EXCEPTION_NMI: {
        const vector = exit.interruptInfo & 0xff;
        // INT 0x80 through an empty IDT: #GP with error code 0x80 * 8 + 2.
        if (vector !== 13 || exit.interruptError !== 0x402) {
          return finish(
            -1,
            `exception ${vector} error 0x${exit.interruptError.toString(16)} at 0x${eip.toString(16)}`,
          );
        }
        const nr = cpu.getRegister(0);
        if (nr === 1) return finish(cpu.getRegister(3));
        if (nr === 4) {
          const at = cpu.getRegister(1) - WINDOW_BASE;
          const len = cpu.getRegister(2);
          chunks.push(decoder.decode(memory.ram.subarray(at, at + len)));
          cpu.setRegister(0, len);
        } else cpu.setRegister(0, -38 >>> 0);
        cpu.writeVmcs(F.GUEST_RIP, eip + 2);
        break;
      }
      case ExitReason.CPUID: {
        const [a, b, c, d] = cpuidLeaf(cpu.getRegister(0));
        cpu.setRegister(0, a);
        cpu.setRegister(3, b);
        cpu.setRegister(1, c);
        cpu.setRegister(2, d);
        cpu.writeVmcs(F.GUEST_RIP, eip + exit.instructionLength);
        break;
      }
      case ExitReason.VMX_TIMER:
        break;
      default:
        return finish(
          -1,
          `VM exit ${exit.reason} qualification 0x${exit.qualification.toString(16)} at 0x${eip.toString(16)}`,
        );
    }
  }
}
