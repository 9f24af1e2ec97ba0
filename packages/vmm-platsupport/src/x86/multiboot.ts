/**
 * Multiboot (v1) boot of a 32-bit ELF kernel on the PC machine: the information structure (memory
 * sizes, memory map, command line) the loader hands over in EBX, with EAX =
 * {@link MULTIBOOT_BOOTLOADER_MAGIC}. The ELF itself is loaded with `parseElf`/`loadElf`.
 */

/** EAX of a kernel entered by a Multiboot loader. */
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;
/** Magic of the Multiboot header in the kernel image. */
export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
/** Info flag: mem_lower/mem_upper valid. */
export const MULTIBOOT_INFO_MEMORY = 0x1;
/** Info flag: cmdline valid. */
export const MULTIBOOT_INFO_CMDLINE = 0x4;
/** Info flag: mmap_* valid. */
export const MULTIBOOT_INFO_MEM_MAP = 0x40;
/** Memory-map type of usable RAM. */
export const MULTIBOOT_MEMORY_AVAILABLE = 1;
/** Memory-map type of reserved memory. */
export const MULTIBOOT_MEMORY_RESERVED = 2;

/** One memory-map entry. */
export interface MultibootMemoryRegion {
  /** Start address. */
  readonly addr: number;
  /** Length in bytes. */
  readonly len: number;
  /** 1 available, 2 reserved. */
  readonly type: number;
}

/**
 * The memory map QEMU's PC firmware reports for `ram_bytes` of RAM below 4 GiB: conventional
 * memory up to 0x9FC00, the EBDA and BIOS area reserved, extended memory from 1 MiB to the end
 * of RAM minus the 128 KiB the firmware keeps at the top, then the BIOS ROM at 4 GiB - 256 KiB.
 */
export function pc_memory_map(ram_bytes: number): MultibootMemoryRegion[] {
  const top = ram_bytes - 0x20000;
  return [
    { addr: 0, len: 0x9fc00, type: MULTIBOOT_MEMORY_AVAILABLE },
    { addr: 0x9fc00, len: 0x400, type: MULTIBOOT_MEMORY_RESERVED },
    { addr: 0xf0000, len: 0x10000, type: MULTIBOOT_MEMORY_RESERVED },
    { addr: 0x100000, len: top - 0x100000, type: MULTIBOOT_MEMORY_AVAILABLE },
    { addr: top, len: 0x20000, type: MULTIBOOT_MEMORY_RESERVED },
    { addr: 0xfffc0000, len: 0x40000, type: MULTIBOOT_MEMORY_RESERVED },
  ];
}

/** The bytes of a Multiboot information structure placed at guest-physical `at`. */
export interface MultibootInfoImage {
  /** Guest-physical address of the structure (EBX). */
  readonly info_addr: number;
  /** Everything to write at `at`: the structure, the memory map, the command line. */
  readonly bytes: Uint8Array;
}

/**
 * Builds the information structure at `at`: flags MEMORY | CMDLINE | MEM_MAP, `mem_lower` and
 * `mem_upper` in KiB from the map, the map itself (24-byte entries with their size field) and the
 * NUL-terminated command line (Latin-1).
 */
export function multiboot_info(
  at: number,
  memory_map: readonly MultibootMemoryRegion[],
  cmdline: string,
): MultibootInfoImage {
  const INFO_SIZE = 88;
  const mmapAt = at + INFO_SIZE;
  const mmapLen = memory_map.length * 24;
  const cmdAt = mmapAt + mmapLen;
  const cmd = Array.from(cmdline, (c) => c.charCodeAt(0) & 0xff);
  const bytes = new Uint8Array(INFO_SIZE + mmapLen + cmd.length + 1);
  const view = new DataView(bytes.buffer);
  const lower = memory_map.find((r) => r.addr === 0 && r.type === MULTIBOOT_MEMORY_AVAILABLE);
  const upper = memory_map.find(
    (r) => r.addr === 0x100000 && r.type === MULTIBOOT_MEMORY_AVAILABLE,
  );
  view.setUint32(0, MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MEM_MAP, true);
  view.setUint32(4, Math.floor((lower?.len ?? 0) / 1024), true);
  view.setUint32(8, Math.floor((upper?.len ?? 0) / 1024), true);
  view.setUint32(16, cmdAt, true);
  view.setUint32(44, mmapLen, true);
  view.setUint32(48, mmapAt, true);
  memory_map.forEach((r, i) => {
    const o = INFO_SIZE + i * 24;
    view.setUint32(o, 20, true);
    view.setUint32(o + 4, r.addr % 2 ** 32, true);
    view.setUint32(o + 8, Math.floor(r.addr / 2 ** 32), true);
    view.setUint32(o + 12, r.len % 2 ** 32, true);
    view.setUint32(o + 16, Math.floor(r.len / 2 ** 32), true);
    view.setUint32(o + 20, r.type, true);
  });
  bytes.set(cmd, INFO_SIZE + mmapLen);
  return { info_addr: at, bytes };
}
