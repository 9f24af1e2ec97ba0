/**
 * One decoded instruction. The decoder fills a reusable record with plain numbers only (no
 * per-instruction allocation), so a later block-translation tier can decode once and keep these
 * records, or generate code from them.
 */
export class Instruction {
  /**
   * What executes it, chosen once after decoding (ops/execute.ts bindHandler); typed loosely
   * here so the decoder stays independent of the CPU.
   */
  handler: (cpu: never, insn: Instruction) => void = () => {};
  /** Opcode: 0x00-0xff one-byte, 0x100-0x1ff for the 0F page. */
  opcode = 0;
  /** Length in bytes, prefixes included. */
  length = 0;
  /** Operand size in bits (16 or 32). */
  opsize = 32;
  /** Address size in bits (16 or 32). */
  adsize = 32;
  /** Segment of the memory operand (after overrides): 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS. */
  seg = 3;
  /** True when a segment-override prefix was present. */
  segOverride = false;
  /** Repeat prefix: 0, 0xf3 (REP/REPE) or 0xf2 (REPNE). */
  rep = 0;
  /** LOCK prefix present. */
  lock = false;
  /** ModRM fields (mod 0-3, reg 0-7, rm 0-7); mod is -1 without a ModRM byte. */
  mod = -1;
  /** ModRM.reg (also the opcode extension of group instructions). */
  reg = 0;
  /** ModRM.rm. */
  rm = 0;
  /** Effective-address base register (-1 none). */
  base = -1;
  /** Effective-address index register (-1 none). */
  index = -1;
  /** Index scale as a shift count (0-3). */
  scale = 0;
  /** Displacement (sign-extended). */
  disp = 0;
  /** First immediate (sign-extended where the encoding is signed). */
  imm = 0;
  /** Second immediate (segment of a far pointer, nesting level of ENTER). */
  imm2 = 0;
  /** The code size (CS.D) it was decoded for. */
  code32 = true;
  /** The instruction that last followed this one (a cached decoding), with where it was. */
  next: Instruction | null = null;
  /** Linear address `next` was fetched from. */
  nextLinear = 0;
  /** DecodedCache.epoch when the link was made; any later change of code or mapping breaks it. */
  nextEpoch = -1;
}
