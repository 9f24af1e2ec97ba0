/** Test helper: builds small little-endian ELF files with chosen program headers. */

export interface SegmentSpec {
  type?: number;
  paddr: bigint;
  vaddr?: bigint;
  data: Uint8Array;
  memsz?: bigint;
  flags?: number;
}

export interface ElfSpec {
  elfClass: 1 | 2;
  machine: number;
  type?: number;
  entry: bigint;
  segments: SegmentSpec[];
}

/** Lays out: header, program header table, then each segment's bytes in order. */
export function buildElf(spec: ElfSpec): Uint8Array {
  const is64 = spec.elfClass === 2;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const tableEnd = ehsize + phentsize * spec.segments.length;
  const total = tableEnd + spec.segments.reduce((sum, s) => sum + s.data.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass, 1, 1]);
  view.setUint16(16, spec.type ?? 2, true);
  view.setUint16(18, spec.machine, true);
  view.setUint32(20, 1, true);
  if (is64) {
    view.setBigUint64(24, spec.entry, true);
    view.setBigUint64(32, BigInt(ehsize), true);
    view.setUint16(52, ehsize, true);
    view.setUint16(54, phentsize, true);
    view.setUint16(56, spec.segments.length, true);
  } else {
    view.setUint32(24, Number(spec.entry), true);
    view.setUint32(28, ehsize, true);
    view.setUint16(40, ehsize, true);
    view.setUint16(42, phentsize, true);
    view.setUint16(44, spec.segments.length, true);
  }
  let dataAt = tableEnd;
  spec.segments.forEach((s, i) => {
    const at = ehsize + i * phentsize;
    const memsz = s.memsz ?? BigInt(s.data.length);
    const vaddr = s.vaddr ?? s.paddr;
    if (is64) {
      view.setUint32(at, s.type ?? 1, true);
      view.setUint32(at + 4, s.flags ?? 5, true);
      view.setBigUint64(at + 8, BigInt(dataAt), true);
      view.setBigUint64(at + 16, vaddr, true);
      view.setBigUint64(at + 24, s.paddr, true);
      view.setBigUint64(at + 32, BigInt(s.data.length), true);
      view.setBigUint64(at + 40, memsz, true);
      view.setBigUint64(at + 48, 0x1000n, true);
    } else {
      view.setUint32(at, s.type ?? 1, true);
      view.setUint32(at + 4, dataAt, true);
      view.setUint32(at + 8, Number(vaddr), true);
      view.setUint32(at + 12, Number(s.paddr), true);
      view.setUint32(at + 16, s.data.length, true);
      view.setUint32(at + 20, Number(memsz), true);
      view.setUint32(at + 24, s.flags ?? 5, true);
      view.setUint32(at + 28, 0x1000, true);
    }
    bytes.set(s.data, dataAt);
    dataAt += s.data.length;
  });
  return bytes;
}
