import type { Instruction } from "./instruction.js";
import {
  IMM_B,
  IMM_ENTER,
  IMM_GROUP3,
  IMM_MOFFS,
  IMM_NONE,
  IMM_PTR,
  IMM_W,
  IMM_Z,
  OPCODE_SHAPE,
} from "./tables.js";

/** Where the decoder reads code bytes from; fetch8 may throw a guest fault (#PF, EPT exit). */
export interface CodeSource {
  /** Reads the code byte at linear address `linear`. */
  fetch8(linear: number): number;
  /**
   * Host index in `ram` of the byte at `linear` when the 15 bytes from there are executable RAM
   * in one page already in the TLB, else -1 (then every byte goes through fetch8).
   */
  codeWindow(linear: number): number;
  /** Host RAM the window points into. */
  readonly ram: Uint8Array;
}

/** Byte `pos` of the instruction: straight from RAM inside the window, else through fetch8. */
function byteAt(src: CodeSource, host: number, lin: number, pos: number): number {
  return host >= 0 ? src.ram[host + pos]! : src.fetch8((lin + pos) | 0);
}

/** Thrown for an instruction longer than 15 bytes (the caller raises #GP(0)). */
export const DECODE_TOO_LONG = -1;

const SEG_SS = 2;
const SEG_DS = 3;

/**
 * Decodes one instruction starting at `csBase + eip` into `insn`. Returns the length, or
 * DECODE_TOO_LONG. Opcodes that do not exist are decoded (as having no operands) and left for
 * the executor to reject with #UD, so decoding itself never depends on the opcode's meaning.
 */
export function decode(
  src: CodeSource,
  insn: Instruction,
  csBase: number,
  eip: number,
  code32: boolean,
): number {
  const lin = (csBase + eip) | 0;
  const host = code32 ? src.codeWindow(lin) : -1;
  let pos = 0;
  let opsize = code32 ? 32 : 16;
  let adsize = opsize;
  let seg = -1;
  let rep = 0;
  let lock = false;
  let op: number;
  for (;;) {
    if (pos >= 15) return DECODE_TOO_LONG;
    op = byteAt(src, host, lin, pos);
    pos++;
    switch (op) {
      case 0x26:
        seg = 0;
        continue;
      case 0x2e:
        seg = 1;
        continue;
      case 0x36:
        seg = 2;
        continue;
      case 0x3e:
        seg = 3;
        continue;
      case 0x64:
        seg = 4;
        continue;
      case 0x65:
        seg = 5;
        continue;
      case 0x66:
        opsize = code32 ? 16 : 32;
        continue;
      case 0x67:
        adsize = code32 ? 16 : 32;
        continue;
      case 0xf0:
        lock = true;
        continue;
      case 0xf2:
      case 0xf3:
        rep = op;
        continue;
    }
    break;
  }
  if (op === 0x0f) {
    if (pos >= 15) return DECODE_TOO_LONG;
    op = 0x100 | byteAt(src, host, lin, pos);
    pos++;
  }
  insn.opcode = op;
  insn.code32 = code32;
  insn.opsize = opsize;
  insn.adsize = adsize;
  insn.rep = rep;
  insn.lock = lock;
  insn.segOverride = seg >= 0;
  const shape = OPCODE_SHAPE[op]!;
  let defaultSeg = SEG_DS;
  insn.mod = -1;
  insn.base = -1;
  insn.index = -1;
  insn.scale = 0;
  insn.disp = 0;
  if (shape & 1) {
    if (pos >= 15) return DECODE_TOO_LONG;
    const modrm = byteAt(src, host, lin, pos);
    pos++;
    const mod = modrm >> 6;
    const rm = modrm & 7;
    insn.mod = mod;
    insn.reg = (modrm >> 3) & 7;
    insn.rm = rm;
    if (mod !== 3) {
      let dispSize = mod === 1 ? 1 : mod === 2 ? (adsize === 32 ? 4 : 2) : 0;
      if (adsize === 32) {
        let base = rm;
        if (rm === 4) {
          if (pos >= 15) return DECODE_TOO_LONG;
          const sib = byteAt(src, host, lin, pos);
          pos++;
          base = sib & 7;
          const index = (sib >> 3) & 7;
          if (index !== 4) {
            insn.index = index;
            insn.scale = sib >> 6;
          }
          if (base === 5 && mod === 0) {
            base = -1;
            dispSize = 4;
          }
        } else if (rm === 5 && mod === 0) {
          base = -1;
          dispSize = 4;
        }
        insn.base = base;
        if (base === 4 || base === 5) defaultSeg = SEG_SS;
      } else {
        // 16-bit forms: BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP (or disp16), BX.
        switch (rm) {
          case 0:
            insn.base = 3;
            insn.index = 6;
            break;
          case 1:
            insn.base = 3;
            insn.index = 7;
            break;
          case 2:
            insn.base = 5;
            insn.index = 6;
            defaultSeg = SEG_SS;
            break;
          case 3:
            insn.base = 5;
            insn.index = 7;
            defaultSeg = SEG_SS;
            break;
          case 4:
            insn.base = 6;
            break;
          case 5:
            insn.base = 7;
            break;
          case 6:
            if (mod === 0) {
              dispSize = 2;
            } else {
              insn.base = 5;
              defaultSeg = SEG_SS;
            }
            break;
          default:
            insn.base = 3;
            break;
        }
      }
      if (dispSize > 0) {
        if (pos + dispSize > 15) return DECODE_TOO_LONG;
        insn.disp = readImmediate(src, host, lin, pos, dispSize);
        pos += dispSize;
      }
    }
  }
  insn.seg = seg >= 0 ? seg : defaultSeg;
  let immKind = shape >> 4;
  if (immKind === IMM_GROUP3) immKind = insn.reg < 2 ? (op === 0xf6 ? IMM_B : IMM_Z) : IMM_NONE;
  if (immKind !== IMM_NONE) {
    let size: number;
    let size2 = 0;
    switch (immKind) {
      case IMM_B:
        size = 1;
        break;
      case IMM_Z:
        size = opsize >> 3;
        break;
      case IMM_W:
        size = 2;
        break;
      case IMM_PTR:
        size = opsize >> 3;
        size2 = 2;
        break;
      case IMM_ENTER:
        size = 2;
        size2 = 1;
        break;
      default:
        size = adsize >> 3;
        break;
    }
    if (pos + size + size2 > 15) return DECODE_TOO_LONG;
    insn.imm = readImmediate(src, host, lin, pos, size);
    if (immKind === IMM_W || immKind === IMM_ENTER) insn.imm &= 0xffff;
    pos += size;
    if (size2 > 0) {
      insn.imm2 = readImmediate(src, host, lin, pos, size2) & (size2 === 2 ? 0xffff : 0xff);
      pos += size2;
    }
    if (immKind === IMM_MOFFS) insn.disp = insn.imm;
  }
  insn.length = pos;
  return pos;
}

function readImmediate(
  src: CodeSource,
  host: number,
  lin: number,
  pos: number,
  size: number,
): number {
  const b0 = byteAt(src, host, lin, pos);
  if (size === 1) return (b0 << 24) >> 24;
  const b1 = byteAt(src, host, lin, pos + 1);
  if (size === 2) return ((b0 | (b1 << 8)) << 16) >> 16;
  return (
    b0 |
    (b1 << 8) |
    (byteAt(src, host, lin, pos + 2) << 16) |
    (byteAt(src, host, lin, pos + 3) << 24)
  );
}
