/**
 * Operand-shape tables of the opcode map (Intel SDM Vol. 2 appendix A): whether an opcode has a
 * ModRM byte and which immediate follows. Built once; read-only afterwards.
 */

/** No immediate. */
export const IMM_NONE = 0;
/** 8-bit immediate, sign-extended. */
export const IMM_B = 1;
/** 16- or 32-bit immediate by operand size. */
export const IMM_Z = 2;
/** 16-bit immediate, unsigned. */
export const IMM_W = 3;
/** Far pointer: offset (16/32 by operand size) then a 16-bit selector. */
export const IMM_PTR = 4;
/** ENTER: 16-bit size then an 8-bit level. */
export const IMM_ENTER = 5;
/** Memory offset of address-size width (MOV A0-A3). */
export const IMM_MOFFS = 6;
/** Group 3 (F6/F7): an immediate only for TEST (/0 and /1). */
export const IMM_GROUP3 = 7;

/** Bit 0: has ModRM. Bits 4-7: immediate kind. Index = opcode (0x100 + second byte for 0F). */
export const OPCODE_SHAPE: Uint8Array = buildShapes();

function buildShapes(): Uint8Array {
  const t = new Uint8Array(512);
  const set = (op: number, modrm: boolean, imm: number) => {
    t[op] = (modrm ? 1 : 0) | (imm << 4);
  };
  for (let g = 0; g < 8; g++) {
    const b = g * 8;
    set(b, true, IMM_NONE);
    set(b + 1, true, IMM_NONE);
    set(b + 2, true, IMM_NONE);
    set(b + 3, true, IMM_NONE);
    set(b + 4, false, IMM_B);
    set(b + 5, false, IMM_Z);
  }
  set(0x62, true, IMM_NONE);
  set(0x63, true, IMM_NONE);
  set(0x68, false, IMM_Z);
  set(0x69, true, IMM_Z);
  set(0x6a, false, IMM_B);
  set(0x6b, true, IMM_B);
  for (let op = 0x70; op <= 0x7f; op++) set(op, false, IMM_B);
  set(0x80, true, IMM_B);
  set(0x81, true, IMM_Z);
  set(0x82, true, IMM_B);
  set(0x83, true, IMM_B);
  for (let op = 0x84; op <= 0x8f; op++) set(op, true, IMM_NONE);
  set(0x9a, false, IMM_PTR);
  for (let op = 0xa0; op <= 0xa3; op++) set(op, false, IMM_MOFFS);
  set(0xa8, false, IMM_B);
  set(0xa9, false, IMM_Z);
  for (let op = 0xb0; op <= 0xb7; op++) set(op, false, IMM_B);
  for (let op = 0xb8; op <= 0xbf; op++) set(op, false, IMM_Z);
  set(0xc0, true, IMM_B);
  set(0xc1, true, IMM_B);
  set(0xc2, false, IMM_W);
  set(0xc4, true, IMM_NONE);
  set(0xc5, true, IMM_NONE);
  set(0xc6, true, IMM_B);
  set(0xc7, true, IMM_Z);
  set(0xc8, false, IMM_ENTER);
  set(0xca, false, IMM_W);
  set(0xcd, false, IMM_B);
  for (let op = 0xd0; op <= 0xd3; op++) set(op, true, IMM_NONE);
  set(0xd4, false, IMM_B);
  set(0xd5, false, IMM_B);
  for (let op = 0xd8; op <= 0xdf; op++) set(op, true, IMM_NONE);
  for (let op = 0xe0; op <= 0xe7; op++) set(op, false, IMM_B);
  set(0xe8, false, IMM_Z);
  set(0xe9, false, IMM_Z);
  set(0xea, false, IMM_PTR);
  set(0xeb, false, IMM_B);
  set(0xf6, true, IMM_GROUP3);
  set(0xf7, true, IMM_GROUP3);
  set(0xfe, true, IMM_NONE);
  set(0xff, true, IMM_NONE);
  // Two-byte page.
  const two = (op: number, modrm: boolean, imm: number) => set(0x100 + op, modrm, imm);
  for (const op of [0x00, 0x01, 0x02, 0x03, 0x20, 0x21, 0x22, 0x23]) two(op, true, IMM_NONE);
  for (let op = 0x18; op <= 0x1f; op++) two(op, true, IMM_NONE);
  for (let op = 0x40; op <= 0x4f; op++) two(op, true, IMM_NONE);
  for (let op = 0x80; op <= 0x8f; op++) two(op, false, IMM_Z);
  for (let op = 0x90; op <= 0x9f; op++) two(op, true, IMM_NONE);
  for (const op of [0xa3, 0xa5, 0xab, 0xad, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7])
    two(op, true, IMM_NONE);
  for (const op of [0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc7]) two(op, true, IMM_NONE);
  two(0xa4, true, IMM_B);
  two(0xac, true, IMM_B);
  two(0xba, true, IMM_B);
  return t;
}
