/**
 * The host side of guest-physical memory: RAM as host bytes, an EPT-style translation of
 * guest-physical frames supplied by the host, MMIO callbacks and pass-through I/O ports.
 */

/** EPT entry permission: reads allowed (bit 0, as in an EPT entry). */
export const EPT_READ = 1;
/** EPT entry permission: writes allowed (bit 1). */
export const EPT_WRITE = 2;
/** EPT entry permission: instruction fetches allowed (bit 2). */
export const EPT_EXECUTE = 4;
/** Not an EPT bit: the frame is device memory served by `mmioRead`/`mmioWrite`. */
export const EPT_MMIO = 8;
/** All of read, write and execute. */
export const EPT_RWX = 7;

/**
 * Builds the number an {@link GuestPhysicalMemory.translate} callback returns: the byte offset of
 * the 4 KiB frame in `ram` (a multiple of 4096) combined with permission bits.
 */
export function eptEntry(ramOffset: number, permissions: number): number {
  return (ramOffset & ~0xfff) | (permissions & 0xf);
}

/**
 * Guest-physical memory as the host provides it. The CPU caches `translate` answers per 4 KiB
 * frame until the host calls `invalidateEpt` on the CPU.
 */
export interface GuestPhysicalMemory {
  /** Host bytes backing guest RAM; translations point into this buffer. */
  readonly ram: Uint8Array;
  /**
   * The EPT lookup for guest-physical frame `frame` (address / 4096): an {@link eptEntry} value.
   * An entry lacking the permission an access needs (for example 0) causes an EPT-violation exit.
   */
  translate(frame: number): number;
  /** Reads `size` bytes (1, 2 or 4) of device memory at a guest-physical address mapped EPT_MMIO. */
  mmioRead(address: number, size: number): number;
  /** Writes `size` bytes (1, 2 or 4) of device memory at a guest-physical address mapped EPT_MMIO. */
  mmioWrite(address: number, size: number, value: number): void;
  /** Reads an I/O port the I/O bitmap lets through without an exit; all ones when absent. */
  portIn?(port: number, size: number): number;
  /** Writes an I/O port the I/O bitmap lets through without an exit. */
  portOut?(port: number, size: number, value: number): void;
}

/**
 * A flat RAM-only memory: guest-physical `[0, size)` maps 1:1 onto one buffer with all
 * permissions; everything above causes EPT violations. Handy for tests and user-mode harnesses.
 */
export function createFlatMemory(size: number): GuestPhysicalMemory {
  const ram = new Uint8Array(size);
  const frames = Math.floor(size / 4096);
  return {
    ram,
    translate: (frame) => (frame < frames ? eptEntry(frame * 4096, EPT_RWX) : 0),
    mmioRead: () => 0xffffffff,
    mmioWrite: () => {},
  };
}
