import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { undefinedOpcode } from "../faults.js";
import { executeFpu } from "../fpu.js";
import { registerAlu } from "./alu.js";
import { registerBits } from "./bits.js";
import { registerControl } from "./control.js";
import { registerShift } from "./shift.js";
import { registerStack } from "./stack.js";
import { registerString } from "./string.js";
import { registerSystem } from "./system.js";
import { registerTransfer } from "./transfer.js";

/** Executes one decoded instruction on the CPU. */
export type Handler = (cpu: CpuCore, insn: Instruction) => void;

const HANDLERS: readonly Handler[] = buildHandlers();
const LOCKABLE: Uint8Array = buildLockable();

function buildHandlers(): Handler[] {
  const t: Handler[] = new Array<Handler>(512).fill(() => undefinedOpcode());
  registerAlu(t);
  registerShift(t);
  registerBits(t);
  registerTransfer(t);
  registerStack(t);
  registerControl(t);
  registerString(t);
  registerSystem(t);
  for (let op = 0xd8; op <= 0xdf; op++) t[op] = executeFpu;
  return t;
}

/** Opcodes that accept LOCK (with a memory destination); 2 = only for some ModRM.reg values. */
function buildLockable(): Uint8Array {
  const t = new Uint8Array(512);
  for (const op of [
    0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28, 0x29, 0x30, 0x31,
  ])
    t[op] = 1;
  for (const op of [0x86, 0x87, 0x1ab, 0x1b3, 0x1bb, 0x1b0, 0x1b1, 0x1c0, 0x1c1]) t[op] = 1;
  for (const op of [0x80, 0x81, 0x82, 0x83, 0xf6, 0xf7, 0xfe, 0xff, 0x1ba, 0x1c7]) t[op] = 2;
  return t;
}

function lockAllowed(insn: Instruction): boolean {
  if (insn.mod === 3 || insn.mod === -1) return false;
  const kind = LOCKABLE[insn.opcode]!;
  if (kind === 1) return true;
  if (kind === 0) return false;
  const reg = insn.reg;
  switch (insn.opcode) {
    case 0x80:
    case 0x81:
    case 0x82:
    case 0x83:
      return reg !== 7;
    case 0xf6:
    case 0xf7:
      return reg === 2 || reg === 3;
    case 0xfe:
    case 0xff:
      return reg < 2;
    case 0x1ba:
      return reg >= 5;
    default:
      return reg === 1;
  }
}

const INVALID_LOCK: Handler = () => undefinedOpcode();

/** Chooses the handler of a decoded instruction (LOCK where it is not allowed is #UD). */
export function bindHandler(insn: Instruction): void {
  insn.handler = (
    insn.lock && !lockAllowed(insn) ? INVALID_LOCK : HANDLERS[insn.opcode]!
  ) as Instruction["handler"];
}
