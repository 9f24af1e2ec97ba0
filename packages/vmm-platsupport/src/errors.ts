/**
 * Typed errors of this package. Malformed input (a corrupt device tree blob, a truncated kernel
 * image) is normal input: it is reported with one of these, never with a host exception.
 */

/**
 * Why a device tree blob could not be read or a tree could not be written. The names are
 * libfdt's `FDT_ERR_*` codes where libfdt has one; `FDT_ERR_BADNAME` is ours (libfdt leaves name
 * checks to dtc).
 */
export type FdtErrorCode =
  | "FDT_ERR_TRUNCATED"
  | "FDT_ERR_BADMAGIC"
  | "FDT_ERR_BADVERSION"
  | "FDT_ERR_BADSTRUCTURE"
  | "FDT_ERR_BADOFFSET"
  | "FDT_ERR_BADLAYOUT"
  | "FDT_ERR_ALIGNMENT"
  | "FDT_ERR_BADVALUE"
  | "FDT_ERR_BADPHANDLE"
  | "FDT_ERR_BADNCELLS"
  | "FDT_ERR_EXISTS"
  | "FDT_ERR_BADNAME";

/** A malformed device tree blob, or a tree that cannot be written as one. */
export class FdtError extends Error {
  /** Which check failed. */
  readonly code: FdtErrorCode;
  /** Byte offset in the blob where the problem was found, when there is one. */
  readonly offset: number | null;

  /**
   * @param code - which check failed
   * @param message - what was wrong, for a human
   * @param offset - byte offset in the blob, or null
   */
  constructor(code: FdtErrorCode, message: string, offset: number | null = null) {
    super(offset === null ? `${code}: ${message}` : `${code} at offset ${offset}: ${message}`);
    this.name = "FdtError";
    this.code = code;
    this.offset = offset;
  }
}

/** Why a guest image (ELF file, Linux Image, initrd) cannot be loaded as asked. */
export type GuestImageErrorCode =
  | "BAD_MAGIC"
  | "TRUNCATED"
  | "WRONG_CLASS"
  | "WRONG_ENDIANNESS"
  | "WRONG_MACHINE"
  | "WRONG_TYPE"
  | "BAD_HEADER"
  | "BAD_SEGMENT"
  | "NO_LOADABLE_SEGMENTS"
  | "SEGMENT_OUTSIDE_RAM"
  | "SEGMENTS_OVERLAP"
  | "ENTRY_OUTSIDE_IMAGE"
  | "DOES_NOT_FIT";

/** A guest image that is malformed, built for another machine, or does not fit guest RAM. */
export class GuestImageError extends Error {
  /** Which check failed. */
  readonly code: GuestImageErrorCode;

  /**
   * @param code - which check failed
   * @param message - what was wrong, for a human
   */
  constructor(code: GuestImageErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "GuestImageError";
    this.code = code;
  }
}

/** A guest machine description that cannot be built (for example more vCPUs than GICv2 serves). */
export class GuestConfigError extends Error {
  /**
   * @param message - what was wrong, for a human
   */
  constructor(message: string) {
    super(message);
    this.name = "GuestConfigError";
  }
}
