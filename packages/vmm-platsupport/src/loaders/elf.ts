/**
 * The ELF loader: parses and checks an ELF file's header and program headers (ELF32 and ELF64,
 * little-endian) and describes its loadable segments at their physical addresses. AArch64 ELF
 * kernels use it now, i386 Multiboot kernels later.
 */
import { GuestImageError } from "../errors.js";
import {
  checkGuestRam,
  type GuestLoadSegment,
  type GuestRamRegion,
  guestRamRegionOf,
} from "./guest-ram.js";

/** `e_ident[EI_CLASS]`: 32-bit objects. */
export const ELFCLASS32 = 1;
/** `e_ident[EI_CLASS]`: 64-bit objects. */
export const ELFCLASS64 = 2;
/** `e_ident[EI_DATA]`: little-endian. */
export const ELFDATA2LSB = 1;
/** `e_ident[EI_DATA]`: big-endian. */
export const ELFDATA2MSB = 2;
/** `e_type`: executable file. */
export const ET_EXEC = 2;
/** `e_type`: shared object (position-independent executable). */
export const ET_DYN = 3;
/** `e_machine`: Intel 80386. */
export const EM_386 = 3;
/** `e_machine`: AMD x86-64. */
export const EM_X86_64 = 62;
/** `e_machine`: ARM AArch64. */
export const EM_AARCH64 = 183;
/** `p_type`: loadable segment. */
export const PT_LOAD = 1;
/** `e_phnum` escape meaning "the count is in section header 0" (not supported here). */
export const PN_XNUM = 0xffff;

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46]; // "\x7fELF"
const EV_CURRENT = 1;

/** Which kind of ELF file a guest accepts. */
export interface ElfTarget {
  /** {@link ELFCLASS32} or {@link ELFCLASS64}. */
  readonly elf_class: number;
  /** `e_machine`, such as {@link EM_AARCH64}. */
  readonly machine: number;
}

/** AArch64 guests: ELF64, EM_AARCH64. */
export const ELF_TARGET_AARCH64: ElfTarget = { elf_class: ELFCLASS64, machine: EM_AARCH64 };
/** i386 guests (Multiboot kernels): ELF32, EM_386. */
export const ELF_TARGET_I386: ElfTarget = { elf_class: ELFCLASS32, machine: EM_386 };

/** The ELF header fields the loader uses; 64-bit fields are bigint so nothing is truncated. */
export interface ElfHeader {
  /** `e_ident[EI_CLASS]`. */
  readonly elf_class: number;
  /** `e_type`. */
  readonly e_type: number;
  /** `e_machine`. */
  readonly e_machine: number;
  /** `e_entry`. */
  readonly e_entry: bigint;
  /** `e_phoff`. */
  readonly e_phoff: bigint;
  /** `e_phentsize`. */
  readonly e_phentsize: number;
  /** `e_phnum`. */
  readonly e_phnum: number;
}

/** One program header. */
export interface ElfProgramHeader {
  /** `p_type`. */
  readonly p_type: number;
  /** `p_flags` (PF_X 1, PF_W 2, PF_R 4). */
  readonly p_flags: number;
  /** `p_offset`: where the segment's bytes start in the file. */
  readonly p_offset: bigint;
  /** `p_vaddr`. */
  readonly p_vaddr: bigint;
  /** `p_paddr`: where the segment is loaded in guest-physical memory. */
  readonly p_paddr: bigint;
  /** `p_filesz`: bytes taken from the file. */
  readonly p_filesz: bigint;
  /** `p_memsz`: bytes occupied in memory (the rest zero-filled). */
  readonly p_memsz: bigint;
  /** `p_align`. */
  readonly p_align: bigint;
}

/** A parsed ELF file: its header and program headers. */
export interface ElfFile {
  /** The header. */
  readonly header: ElfHeader;
  /** The program headers, in file order. */
  readonly program_headers: readonly ElfProgramHeader[];
}

/** What {@link loadElf} decided: where each segment goes and where to start. */
export interface ElfLoad {
  /** The entry point (`e_entry`), the first instruction's address. */
  readonly entry: bigint;
  /** Loadable segments with a non-zero memory size, sorted by physical address. */
  readonly segments: readonly GuestLoadSegment[];
}

/** Layout of the header fields that differ between the two classes. */
const LAYOUT = {
  [ELFCLASS32]: { ehsize: 52, phentsize: 32, entry: 24, phoff: 28, phentsizeAt: 42, phnumAt: 44 },
  [ELFCLASS64]: { ehsize: 64, phentsize: 56, entry: 24, phoff: 32, phentsizeAt: 54, phnumAt: 56 },
} as const;

function readProgramHeader(view: DataView, at: number, elfClass: number): ElfProgramHeader {
  if (elfClass === ELFCLASS64) {
    return {
      p_type: view.getUint32(at, true),
      p_flags: view.getUint32(at + 4, true),
      p_offset: view.getBigUint64(at + 8, true),
      p_vaddr: view.getBigUint64(at + 16, true),
      p_paddr: view.getBigUint64(at + 24, true),
      p_filesz: view.getBigUint64(at + 32, true),
      p_memsz: view.getBigUint64(at + 40, true),
      p_align: view.getBigUint64(at + 48, true),
    };
  }
  return {
    p_type: view.getUint32(at, true),
    p_offset: BigInt(view.getUint32(at + 4, true)),
    p_vaddr: BigInt(view.getUint32(at + 8, true)),
    p_paddr: BigInt(view.getUint32(at + 12, true)),
    p_filesz: BigInt(view.getUint32(at + 16, true)),
    p_memsz: BigInt(view.getUint32(at + 20, true)),
    p_flags: view.getUint32(at + 24, true),
    p_align: BigInt(view.getUint32(at + 28, true)),
  };
}

/**
 * Parses and checks the ELF header and the program header table, for either class.
 * @param bytes - the whole file
 * @returns the header and program headers
 * @throws GuestImageError BAD_MAGIC, TRUNCATED, WRONG_ENDIANNESS (big-endian) or BAD_HEADER
 */
export function parseElf(bytes: Uint8Array): ElfFile {
  const magicMatches = ELF_MAGIC.every((b, i) => i >= bytes.length || bytes[i] === b);
  if (!magicMatches) throw new GuestImageError("BAD_MAGIC", "not an ELF file (no \\x7fELF magic)");
  if (bytes.length < 16)
    throw new GuestImageError(
      "TRUNCATED",
      `ELF identification needs 16 bytes, file has ${bytes.length}`,
    );
  const elfClass = bytes[4]!;
  const data = bytes[5]!;
  if (elfClass !== ELFCLASS32 && elfClass !== ELFCLASS64)
    throw new GuestImageError("BAD_HEADER", `unknown ELF class ${elfClass}`);
  if (data === ELFDATA2MSB)
    throw new GuestImageError("WRONG_ENDIANNESS", "big-endian ELF; guests here are little-endian");
  if (data !== ELFDATA2LSB)
    throw new GuestImageError("BAD_HEADER", `unknown ELF data encoding ${data}`);
  if (bytes[6] !== EV_CURRENT)
    throw new GuestImageError("BAD_HEADER", `unknown ELF identification version ${bytes[6]}`);
  const layout = LAYOUT[elfClass];
  if (bytes.length < layout.ehsize)
    throw new GuestImageError(
      "TRUNCATED",
      `ELF header needs ${layout.ehsize} bytes, file has ${bytes.length}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (at: number): bigint =>
    elfClass === ELFCLASS64 ? view.getBigUint64(at, true) : BigInt(view.getUint32(at, true));
  const header: ElfHeader = {
    elf_class: elfClass,
    e_type: view.getUint16(16, true),
    e_machine: view.getUint16(18, true),
    e_entry: word(layout.entry),
    e_phoff: word(layout.phoff),
    e_phentsize: view.getUint16(layout.phentsizeAt, true),
    e_phnum: view.getUint16(layout.phnumAt, true),
  };
  if (view.getUint32(20, true) !== EV_CURRENT)
    throw new GuestImageError("BAD_HEADER", `unknown ELF version ${view.getUint32(20, true)}`);
  if (header.e_phnum === PN_XNUM)
    throw new GuestImageError(
      "BAD_HEADER",
      "more than 65534 program headers (PN_XNUM) is not supported",
    );
  if (header.e_phnum > 0 && header.e_phentsize !== layout.phentsize) {
    throw new GuestImageError(
      "BAD_HEADER",
      `program header size ${header.e_phentsize}, expected ${layout.phentsize}`,
    );
  }
  const tableEnd = header.e_phoff + BigInt(header.e_phnum * layout.phentsize);
  if (tableEnd > BigInt(bytes.length)) {
    throw new GuestImageError(
      "TRUNCATED",
      `program header table ends at ${tableEnd}, file has ${bytes.length} bytes`,
    );
  }
  const program_headers: ElfProgramHeader[] = [];
  for (let i = 0; i < header.e_phnum; i++) {
    program_headers.push(
      readProgramHeader(view, Number(header.e_phoff) + i * layout.phentsize, elfClass),
    );
  }
  return { header, program_headers };
}

function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

/**
 * Checks an ELF file for a target and describes how to load it: each PT_LOAD segment at its
 * physical address (`p_paddr`), `p_filesz` bytes from the file and zeros up to `p_memsz`.
 * @param bytes - the whole file
 * @param target - the class and machine the guest runs
 * @param ram - guest RAM; every segment must lie wholly inside one region
 * @returns the entry point and the segments
 * @throws GuestImageError for a malformed file (see {@link parseElf}), WRONG_CLASS, WRONG_MACHINE,
 * WRONG_TYPE (not an executable), BAD_SEGMENT (file size above memory size), TRUNCATED (segment
 * bytes past the end of the file), NO_LOADABLE_SEGMENTS, SEGMENT_OUTSIDE_RAM, SEGMENTS_OVERLAP or
 * ENTRY_OUTSIDE_IMAGE (the entry point is in no segment, by virtual or physical address)
 * @throws GuestConfigError when `ram` itself is malformed
 */
export function loadElf(
  bytes: Uint8Array,
  target: ElfTarget,
  ram: readonly GuestRamRegion[],
): ElfLoad {
  const regions = checkGuestRam(ram);
  const { header, program_headers } = parseElf(bytes);
  if (header.elf_class !== target.elf_class) {
    throw new GuestImageError(
      "WRONG_CLASS",
      `ELF class ${header.elf_class === ELFCLASS64 ? 64 : 32}-bit, guest needs ${target.elf_class === ELFCLASS64 ? 64 : 32}-bit`,
    );
  }
  if (header.e_machine !== target.machine)
    throw new GuestImageError(
      "WRONG_MACHINE",
      `e_machine ${header.e_machine}, guest needs ${target.machine}`,
    );
  if (header.e_type !== ET_EXEC && header.e_type !== ET_DYN)
    throw new GuestImageError("WRONG_TYPE", `e_type ${header.e_type} is not an executable`);

  const loads = program_headers.filter((ph) => ph.p_type === PT_LOAD);
  const segments: GuestLoadSegment[] = [];
  for (const ph of loads) {
    if (ph.p_filesz > ph.p_memsz)
      throw new GuestImageError(
        "BAD_SEGMENT",
        `segment at ${hex(ph.p_paddr)}: p_filesz ${ph.p_filesz} > p_memsz ${ph.p_memsz}`,
      );
    if (ph.p_offset + ph.p_filesz > BigInt(bytes.length)) {
      throw new GuestImageError(
        "TRUNCATED",
        `segment at ${hex(ph.p_paddr)}: bytes ${ph.p_offset}+${ph.p_filesz} past the end of the file (${bytes.length})`,
      );
    }
    if (ph.p_memsz === 0n) continue;
    const end = ph.p_paddr + ph.p_memsz;
    if (
      end > BigInt(Number.MAX_SAFE_INTEGER) ||
      guestRamRegionOf(regions, { start: Number(ph.p_paddr), end: Number(end) }) === null
    ) {
      throw new GuestImageError(
        "SEGMENT_OUTSIDE_RAM",
        `segment [${hex(ph.p_paddr)}, ${hex(end)}) is not inside guest RAM`,
      );
    }
    const offset = Number(ph.p_offset);
    segments.push({
      paddr: Number(ph.p_paddr),
      data: bytes.subarray(offset, offset + Number(ph.p_filesz)),
      memsz: Number(ph.p_memsz),
    });
  }
  if (segments.length === 0)
    throw new GuestImageError("NO_LOADABLE_SEGMENTS", "no PT_LOAD segment with a non-zero size");
  segments.sort((a, b) => a.paddr - b.paddr);
  for (let i = 1; i < segments.length; i++) {
    const previous = segments[i - 1]!;
    const current = segments[i]!;
    if (current.paddr < previous.paddr + previous.memsz) {
      throw new GuestImageError(
        "SEGMENTS_OVERLAP",
        `segments at ${hex(previous.paddr)} and ${hex(current.paddr)} overlap`,
      );
    }
  }
  const entry = header.e_entry;
  const inSegment = loads.some(
    (ph) =>
      ph.p_memsz > 0n &&
      ((entry >= ph.p_vaddr && entry < ph.p_vaddr + ph.p_memsz) ||
        (entry >= ph.p_paddr && entry < ph.p_paddr + ph.p_memsz)),
  );
  if (!inSegment)
    throw new GuestImageError(
      "ENTRY_OUTSIDE_IMAGE",
      `entry point ${hex(entry)} is in no loadable segment`,
    );
  return { entry, segments };
}
