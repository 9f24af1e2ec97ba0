/**
 * A user-mode harness for tests: loads a static AArch64 Linux ELF into flat RAM, runs it at EL0
 * (MMU off, HCR_EL2.TGE so SVC exits to us) and emulates the few Linux system calls the test
 * programs use. Not part of the package's API.
 */
import { Aarch64Cpu } from "../cpu.js";
import { FlatPhysicalMemory } from "../host.js";
import { Hcr, Reg } from "../state.js";

/** What a program did. */
export interface UserRunResult {
  stdout: string;
  exitCode: number | undefined;
  /** Set when the program stopped for another reason (an unexpected exception, the budget). */
  error?: string;
  instructions: number;
}

const RAM_SIZE = 64 * 1024 * 1024;
const STACK_TOP = RAM_SIZE - 0x100000;

/**
 * Load the PT_LOAD segments of an ELF64 little-endian AArch64 image into `ram`, which holds
 * physical addresses from `base`; returns the entry point and the end of the loaded image.
 */
export function loadElf(
  image: Uint8Array,
  ram: Uint8Array,
  base = 0,
): { entry: number; end: number } {
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (v.getUint32(0, false) !== 0x7f454c46 || image[4] !== 2 || v.getUint16(18, true) !== 183) {
    throw new Error("not an ELF64 AArch64 image");
  }
  const entry = Number(v.getBigUint64(24, true));
  const phoff = Number(v.getBigUint64(32, true));
  const phentsize = v.getUint16(54, true);
  const phnum = v.getUint16(56, true);
  let end = 0;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (v.getUint32(ph, true) !== 1) continue;
    const offset = Number(v.getBigUint64(ph + 8, true));
    const vaddr = Number(v.getBigUint64(ph + 16, true));
    const filesz = Number(v.getBigUint64(ph + 32, true));
    const memsz = Number(v.getBigUint64(ph + 40, true));
    ram.set(image.subarray(offset, offset + filesz), vaddr - base);
    ram.fill(0, vaddr - base + filesz, vaddr - base + memsz);
    end = Math.max(end, vaddr + memsz);
  }
  return { entry, end };
}

/**
 * Identity-map RAM for EL0 with 4 KiB pages (39-bit VA, TTBR0, tables at the top of RAM) and
 * turn the MMU on: the same program then runs through the stage-1 walk and the TLB.
 */
function enableIdentityMmu(cpu: Aarch64Cpu, ram: Uint8Array): void {
  const view = new DataView(ram.buffer);
  const pages = RAM_SIZE / 4096;
  const l3Base = RAM_SIZE - 0x8000 - (pages / 512) * 4096;
  const l2 = RAM_SIZE - 0x8000;
  const l1 = RAM_SIZE - 0x7000;
  view.setBigUint64(l1, BigInt(l2) | 3n, true);
  for (let t = 0; t < pages / 512; t++) {
    view.setBigUint64(l2 + t * 8, BigInt(l3Base + t * 4096) | 3n, true);
    for (let i = 0; i < 512; i++) {
      const pa = BigInt((t * 512 + i) * 4096);
      // AF, inner shareable, EL0 read/write (AP = 01), normal memory (AttrIndx 0), page.
      view.setBigUint64(
        l3Base + t * 4096 + i * 8,
        pa | 0x400n | (3n << 8n) | (1n << 6n) | 3n,
        true,
      );
    }
  }
  cpu.setSys(Reg.MAIR_EL1, 0xffn);
  cpu.setSys(Reg.TCR_EL1, 25n | (1n << 23n));
  cpu.setSys(Reg.TTBR0_EL1, BigInt(l1));
  cpu.setSys(Reg.SCTLR_EL1, cpu.getSys(Reg.SCTLR_EL1) | 1n);
}

/** Run a static program until it exits, with at most `budget` instructions (optionally with the MMU on). */
export function runUserProgram(image: Uint8Array, budget = 2e9, mmu = false): UserRunResult {
  const ram = new Uint8Array(RAM_SIZE);
  const memory = new FlatPhysicalMemory();
  memory.addRam(0, ram);
  const { entry, end } = loadElf(image, ram);
  const cpu = new Aarch64Cpu({ memory });
  cpu.setSys(Reg.HCR_EL2, BigInt(Hcr.TGE));
  cpu.setSys(Reg.CPACR_EL1, 3n << 20n);
  // UCT, DZE, UCI, nTWI, nTWE as Linux sets them for user space.
  cpu.setSys(
    Reg.SCTLR_EL1,
    0x30d00800n | (1n << 15n) | (1n << 14n) | (1n << 26n) | (3n << 16n) | (1n << 18n),
  );
  cpu.setSys(Reg.CNTKCTL_EL1, 3n);
  if (mmu) enableIdentityMmu(cpu, ram);
  cpu.setPstate(0);
  cpu.setPc(BigInt(entry));
  // argc = 0, argv = NULL, envp = NULL, auxv = AT_NULL.
  cpu.setSp(BigInt(STACK_TOP));
  let brk = Math.ceil(end / 4096) * 4096;
  let mmapTop = STACK_TOP - 0x100000;
  const decoder = new TextDecoder();
  let stdout = "";
  let retired = 0;
  while (retired < budget) {
    const exit = cpu.run(Math.min(budget - retired, 1e8));
    retired += exit.instructions;
    if (exit.reason === "budget") continue;
    const ec = exit.esr >>> 26;
    if (exit.reason !== "el2-exception" || ec !== 0x15) {
      return {
        stdout,
        exitCode: undefined,
        error: `${exit.reason} esr=${exit.esr.toString(16)} pc=${cpu.getPc().toString(16)} far=${exit.far.toString(16)}`,
        instructions: retired,
      };
    }
    const nr = Number(cpu.getX(8));
    const a0 = cpu.getX(0);
    const a1 = Number(cpu.getX(1) & 0xffffffffffffn);
    const a2 = Number(cpu.getX(2) & 0xffffffffffffn);
    let result = 0n;
    switch (nr) {
      case 64: // write
        if (a0 === 1n || a0 === 2n) {
          if (a1 + a2 <= RAM_SIZE) stdout += decoder.decode(ram.subarray(a1, a1 + a2));
          result = BigInt(a2);
        } else result = -9n;
        break;
      case 93: // exit
      case 94: // exit_group
        return { stdout, exitCode: Number(a0 & 0xffn), instructions: retired };
      case 214: {
        // brk
        const want = Number(a0);
        if (want >= brk && want < mmapTop) brk = want;
        result = BigInt(brk);
        break;
      }
      case 222: {
        // mmap (anonymous only)
        const len = Math.ceil(a1 / 4096) * 4096;
        mmapTop -= len;
        ram.fill(0, mmapTop, mmapTop + len);
        result = BigInt(mmapTop);
        break;
      }
      case 215: // munmap
      case 226: // mprotect
      case 99: // set_robust_list
        result = 0n;
        break;
      case 96: // set_tid_address
        result = 1n;
        break;
      default:
        result = -38n; // ENOSYS
    }
    cpu.setX(0, BigInt.asUintN(64, result));
  }
  return { stdout, exitCode: undefined, error: "budget spent", instructions: retired };
}
