/**
 * Reading `qemu-system-aarch64 -singlestep -d cpu,nochain` logs: one register state per
 * executed instruction (PC, X0..X30, SP, PSTATE).
 */

/** The architectural state QEMU prints before an instruction. */
export interface TraceState {
  pc: bigint;
  x: bigint[];
  sp: bigint;
  pstate: number;
}

/** Parse every state block of a QEMU `-d cpu` log. */
export function parseQemuCpuLog(log: string): TraceState[] {
  const states: TraceState[] = [];
  let current: { pc?: bigint; x: bigint[]; sp?: bigint } | undefined;
  for (const line of log.split("\n")) {
    const pc = /^\s*PC=([0-9a-f]+)/.exec(line);
    if (pc) current = { pc: BigInt(`0x${pc[1]}`), x: [] };
    if (!current) continue;
    for (const m of line.matchAll(/X(\d\d)=([0-9a-f]+)/g))
      current.x[Number(m[1])] = BigInt(`0x${m[2]}`);
    const sp = /SP=([0-9a-f]+)/.exec(line);
    if (sp) current.sp = BigInt(`0x${sp[1]}`);
    const ps = /^PSTATE=([0-9a-f]+)/.exec(line);
    if (ps && current.pc !== undefined && current.sp !== undefined) {
      states.push({
        pc: current.pc,
        x: current.x,
        sp: current.sp,
        pstate: Number.parseInt(ps[1]!, 16),
      });
      current = undefined;
    }
  }
  return states;
}
