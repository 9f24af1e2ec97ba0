/** A minimal i386 ELF executable (one PT_LOAD at 1 MiB) around hand-assembled code, for tests. */
export function tinyElf(code: readonly number[], load = 0x10_0000): Uint8Array {
  const HEADER = 52;
  const PHDR = 32;
  const bytes = new Uint8Array(HEADER + PHDR + code.length);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 3, true); // EM_386
  v.setUint32(20, 1, true);
  v.setUint32(24, load + HEADER + PHDR, true); // entry: the code
  v.setUint32(28, HEADER, true);
  v.setUint16(40, HEADER, true);
  v.setUint16(42, PHDR, true);
  v.setUint16(44, 1, true);
  v.setUint32(HEADER, 1, true); // PT_LOAD
  v.setUint32(HEADER + 4, 0, true);
  v.setUint32(HEADER + 8, load, true);
  v.setUint32(HEADER + 12, load, true);
  v.setUint32(HEADER + 16, bytes.length, true);
  v.setUint32(HEADER + 20, bytes.length, true);
  v.setUint32(HEADER + 24, 5, true);
  bytes.set(code, HEADER + PHDR);
  return bytes;
}
