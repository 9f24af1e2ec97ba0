/**
 * Round trips through the whole stack (guest -> kernel model -> VMM loop -> device -> guest) and
 * guest instructions per second, beside the bare emulator running the same loop.
 */
import { createFlatMemory, VmcsField, X86Vcpu } from "@sel4/emu-x86";
import { bench, describe } from "vitest";
import { bootPc } from "../test/pc-machine.js";
import { tinyElf } from "../test/tiny-elf.js";

const ROUNDS = 20_000;
const SMALL = { ram: 4 * 2 ** 20, time_limit_ns: 60e9 };

/** mov ecx, n; label: <body>; loop label; out 0xf4, al */
function loop(n: number, body: number[]): number[] {
  const b = [0xb9, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24, ...body];
  const back = -(body.length + 2);
  return [...b, 0xe2, back & 0xff, 0xe6, 0xf4];
}

// out 0x80, al: an I/O exit per iteration (port 0x80 unclaimed: the default handler).
const IO_GUEST = tinyElf(loop(ROUNDS, [0xe6, 0x80]));
// mov [0xb8000], eax: an EPT violation per iteration, emulated and sent to the VGA reservation.
const MMIO_GUEST = tinyElf(loop(ROUNDS, [0xa3, 0x00, 0x80, 0x0b, 0x00]));
// 10 M iterations of inc eax; loop: 20 M guest instructions, no exits but the preemption timer.
const SPIN = 10_000_000;
const SPIN_CODE = loop(SPIN, [0x40]);

describe("x86 VM exits through the kernel model", () => {
  bench(
    `I/O-port exit round trips (${ROUNDS} per iteration)`,
    async () => {
      await bootPc(IO_GUEST, SMALL);
    },
    { iterations: 3, warmupIterations: 1 },
  );
  bench(
    `EPT-violation (MMIO) round trips (${ROUNDS} per iteration)`,
    async () => {
      await bootPc(MMIO_GUEST, SMALL);
    },
    { iterations: 3, warmupIterations: 1 },
  );
});

describe("guest instructions (20 M per iteration)", () => {
  bench(
    "whole stack: kernel model + vm-x86",
    async () => {
      await bootPc(tinyElf(SPIN_CODE), SMALL);
    },
    { iterations: 3, warmupIterations: 1 },
  );
  bench(
    "bare @sel4/emu-x86",
    () => {
      const mem = createFlatMemory(0x20_0000);
      mem.ram.set(SPIN_CODE, 0x10_0000);
      const cpu = new X86Vcpu(mem);
      cpu.writeVmcs(VmcsField.GUEST_CS_ACCESS_RIGHTS, 0xc09b);
      cpu.writeVmcs(VmcsField.GUEST_CS_LIMIT, 0xffffffff);
      cpu.writeVmcs(VmcsField.GUEST_CR0, 0x11);
      cpu.writeVmcs(VmcsField.GUEST_RIP, 0x10_0000);
      cpu.writeVmcs(VmcsField.GUEST_RFLAGS, 2);
      cpu.writeVmcs(VmcsField.CONTROL_PRIMARY_PROCESSOR_CONTROLS, 1 << 24);
      cpu.run(3 * SPIN);
    },
    { iterations: 3, warmupIterations: 1 },
  );
});
