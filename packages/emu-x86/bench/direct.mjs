// The emulator alone, in a plain Node process (vitest would transform the modules it loads, which
// costs several times the speed): runs benchmark loops of packages/guests/x86/isa/system on the
// built package (`pnpm build` first) and reports guest instructions per second, best of five runs.
//   node bench/direct.mjs [iterations] [program...]      human-readable
//   node bench/direct.mjs --json iterations program      one JSON line (used by the vitest bench)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createFlatMemory } from "../dist/memory.js";
import { flatProtectedMode } from "../dist/testing/flat.js";
import { loadElf32 } from "../dist/testing/user-mode.js";
import { X86Vcpu } from "../dist/vcpu.js";
import { VmcsField as F } from "../dist/vmcs.js";

const binDir = join(import.meta.dirname, "../../guests/x86/isa/bin");
const args = process.argv.slice(2);
const json = args[0] === "--json";
if (json) args.shift();
const iterations = Number(args[0] ?? 1_000_000);
const names = args.length > 1 ? args.slice(1) : ["bench-int", "bench-mem", "bench-paging"];

function once(name) {
  const memory = createFlatMemory(8 << 20);
  const cpu = new X86Vcpu(memory);
  flatProtectedMode(cpu);
  const entry = loadElf32(readFileSync(join(binDir, name)), memory.ram, 0);
  memory.ram.set(new TextEncoder().encode(`${name} ${iterations}\0`), 0x9000);
  const view = new DataView(memory.ram.buffer);
  view.setUint32(0x8000, 1 << 2, true);
  view.setUint32(0x8010, 0x9000, true);
  cpu.setRegister(3, 0x8000);
  cpu.writeVmcs(F.GUEST_RIP, entry);
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const exit = cpu.run(Number.MAX_SAFE_INTEGER);
  const used = process.cpuUsage(cpuStart);
  if (exit.reason !== 30 || exit.qualification >>> 16 !== 0xf4)
    throw new Error(`${name}: exit ${exit.reason}`);
  return {
    instructions: cpu.instructionsRetired,
    wall: (performance.now() - wallStart) / 1000,
    cpu: (used.user + used.system) / 1e6,
  };
}

for (const name of names) {
  const best = { instructions: 0, wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let run = 0; run < 5; run++) {
    const r = once(name);
    best.instructions = r.instructions;
    best.wall = Math.min(best.wall, r.wall);
    best.cpu = Math.min(best.cpu, r.cpu);
  }
  if (json) process.stdout.write(`${JSON.stringify({ name, ...best })}\n`);
  else {
    const wall = (best.instructions / best.wall / 1e6).toFixed(1);
    const cpu = (best.instructions / best.cpu / 1e6).toFixed(1);
    process.stdout.write(`${name}: ${wall} M guest instructions/s wall, ${cpu} M/s CPU time\n`);
  }
}
