/**
 * The interface between the emulated CPU and whoever drives it (a hypervisor model, a user-mode
 * harness, a bare-metal test bench): physical memory, stage-2 translation, MMIO.
 */

/** Kind of memory access, as stage 2 and the fault syndromes see it. */
export type AccessKind = "read" | "write" | "fetch";

/**
 * One 4 KiB page of host RAM backing an intermediate physical address page.
 * The emulator caches it in its TLB until {@link Aarch64Cpu.invalidateStage2} is called.
 */
export interface Stage2RamPage {
  /** Discriminant. */
  readonly kind: "ram";
  /** Little-endian view of the RAM block holding the page. */
  readonly view: DataView;
  /** Byte offset of the page's first byte inside `view`. */
  readonly offset: number;
  /** Stage-2 write permission (S2AP[1]). */
  readonly writable: boolean;
  /** Stage-2 execute permission (not XN). */
  readonly executable: boolean;
}

/** An IPA page whose accesses the host handles synchronously through the MMIO callbacks. */
export interface Stage2Mmio {
  /** Discriminant. */
  readonly kind: "mmio";
}

/**
 * An IPA page that shows the emulator's GICv2 virtual CPU interface (the GICV frame): the
 * hypervisor maps it at the guest's GICC address. `frameOffset` is the offset of this 4 KiB page
 * inside the 8 KiB frame (0 or 0x1000).
 */
export interface Stage2Gicv {
  /** Discriminant. */
  readonly kind: "gicv";
  /** 0 for the first page of the frame, 0x1000 for the second (GICV_DIR). */
  readonly frameOffset: number;
}

/** No valid stage-2 mapping, or one without the needed permission: the access exits to the host. */
export interface Stage2Fault {
  /** Discriminant. */
  readonly kind: "fault";
  /**
   * Fault status code for the ESR_EL2 DFSC/IFSC field, e.g. 0x07 (translation fault, level 3)
   * or 0x0F (permission fault, level 3).
   */
  readonly status: number;
}

/** Result of the host's stage-2 translation of one IPA page. */
export type Stage2Result = Stage2RamPage | Stage2Mmio | Stage2Gicv | Stage2Fault;

/**
 * The physical side of the machine, supplied by the host.
 *
 * All addresses are intermediate physical addresses (IPAs) below 2^48 and therefore exact
 * JavaScript numbers. MMIO values are BigInts: MMIO is the slow path.
 */
export interface PhysicalMemory {
  /**
   * Translate the 4 KiB-aligned IPA page `ipaPage` for an access of kind `access`.
   * Called on TLB misses only; results of kind "ram" and "gicv" are cached.
   */
  stage2(ipaPage: number, access: AccessKind): Stage2Result;
  /** Read `size` bytes (1, 2, 4 or 8) of device memory at `ipa`. */
  mmioRead(ipa: number, size: number): bigint;
  /** Write `size` bytes (1, 2, 4 or 8) of device memory at `ipa`. */
  mmioWrite(ipa: number, size: number, value: bigint): void;
}

/**
 * A simple {@link PhysicalMemory}: identity stage 2 over RAM blocks, with MMIO handled by optional
 * callbacks and everything else a stage-2 translation fault (level 3).
 */
export class FlatPhysicalMemory implements PhysicalMemory {
  private readonly blocks: { base: number; size: number; view: DataView }[] = [];
  private readonly devices: {
    base: number;
    size: number;
    read: (offset: number, size: number) => bigint;
    write: (offset: number, size: number, value: bigint) => void;
  }[] = [];

  /** Add a RAM block of `bytes.length` bytes (a multiple of 4096) at IPA `base` (4 KiB aligned). */
  addRam(base: number, bytes: Uint8Array): void {
    if (base % 4096 !== 0 || bytes.length % 4096 !== 0) {
      throw new RangeError("RAM blocks must be 4 KiB aligned and sized");
    }
    this.blocks.push({
      base,
      size: bytes.length,
      view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length),
    });
  }

  /** Add a device at IPA `base` spanning `size` bytes, accessed with offsets from `base`. */
  addDevice(
    base: number,
    size: number,
    read: (offset: number, size: number) => bigint,
    write: (offset: number, size: number, value: bigint) => void,
  ): void {
    this.devices.push({ base, size, read, write });
  }

  /** Identity translation onto the RAM blocks and devices. */
  stage2(ipaPage: number, _access: AccessKind): Stage2Result {
    for (const b of this.blocks) {
      if (ipaPage >= b.base && ipaPage < b.base + b.size) {
        return {
          kind: "ram",
          view: b.view,
          offset: ipaPage - b.base,
          writable: true,
          executable: true,
        };
      }
    }
    for (const d of this.devices) {
      if (ipaPage + 4096 > d.base && ipaPage < d.base + d.size) return { kind: "mmio" };
    }
    return { kind: "fault", status: 0x07 };
  }

  /** Dispatch to the device covering `ipa`; unmapped reads return 0. */
  mmioRead(ipa: number, size: number): bigint {
    for (const d of this.devices) {
      if (ipa >= d.base && ipa < d.base + d.size) return d.read(ipa - d.base, size);
    }
    return 0n;
  }

  /** Dispatch to the device covering `ipa`; unmapped writes are ignored. */
  mmioWrite(ipa: number, size: number, value: bigint): void {
    for (const d of this.devices) {
      if (ipa >= d.base && ipa < d.base + d.size) {
        d.write(ipa - d.base, size, value);
        return;
      }
    }
  }
}
