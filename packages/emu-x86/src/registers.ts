/** Architectural register numbering and control-register bits, shared by every part of the CPU. */

/** Segment register indices (the x86 encoding order), plus LDTR and TR. */
export const ES = 0;
/** Code segment. */
export const CS = 1;
/** Stack segment. */
export const SS = 2;
/** Data segment. */
export const DS = 3;
/** FS. */
export const FS = 4;
/** GS. */
export const GS = 5;
/** Local descriptor table register. */
export const LDTR = 6;
/** Task register. */
export const TR = 7;

/** CR0 bits. */
export const CR0_PE = 1;
/** CR0.MP. */
export const CR0_MP = 2;
/** CR0.EM. */
export const CR0_EM = 4;
/** CR0.TS. */
export const CR0_TS = 8;
/** CR0.ET (hard-wired to 1). */
export const CR0_ET = 0x10;
/** CR0.NE. */
export const CR0_NE = 0x20;
/** CR0.WP. */
export const CR0_WP = 0x10000;
/** CR0.PG. */
export const CR0_PG = 0x80000000 | 0;
/** CR4.PSE. */
export const CR4_PSE = 0x10;
/** CR4.PGE. */
export const CR4_PGE = 0x80;

/** How many REP iterations one step may run before yielding (EIP stays on the instruction). */
export const REP_CHUNK = 4096;
