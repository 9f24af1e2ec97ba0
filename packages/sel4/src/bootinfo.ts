/**
 * The boot environment of the root task: the initial CSpace slots (`seL4_RootCNodeCapSlots`) and
 * `seL4_BootInfo` (non-MCS, 64-bit), with its byte layout so that a kernel can write the bootinfo
 * frame and the root task can read it back.
 */
import { asWord } from "./check.js";
import { Sel4ArgumentError } from "./errors.js";

/** The null slot. */
export const seL4_CapNull = 0;
/** The initial thread's TCB. */
export const seL4_CapInitThreadTCB = 1;
/** The initial thread's root CNode. */
export const seL4_CapInitThreadCNode = 2;
/** The initial thread's VSpace. */
export const seL4_CapInitThreadVSpace = 3;
/** The IRQ control cap. */
export const seL4_CapIRQControl = 4;
/** The ASID control cap. */
export const seL4_CapASIDControl = 5;
/** The initial thread's ASID pool. */
export const seL4_CapInitThreadASIDPool = 6;
/** The I/O port control cap (x86; null on ARM). */
export const seL4_CapIOPortControl = 7;
/** The IOSpace cap (x86 with IOMMU; else null). */
export const seL4_CapIOSpace = 8;
/** The bootinfo frame. */
export const seL4_CapBootInfoFrame = 9;
/** The initial thread's IPC buffer frame. */
export const seL4_CapInitThreadIPCBuffer = 10;
/** The domain control cap. */
export const seL4_CapDomain = 11;
/** The SMMU SID control cap (null unless ARM SMMU). */
export const seL4_CapSMMUSIDControl = 12;
/** The SMMU CB control cap (null unless ARM SMMU). */
export const seL4_CapSMMUCBControl = 13;
/** The initial thread's scheduling context (null unless MCS). */
export const seL4_CapInitThreadSC = 14;
/** The SMC cap (null unless ARM SMC caps). */
export const seL4_CapSMC = 15;
/** Number of fixed initial slots. */
export const seL4_NumInitialCaps = 16;

/** A range of CNode slots [start, end) (`seL4_SlotRegion`). */
export interface seL4_SlotRegion {
  /** First slot of the region. */
  readonly start: number;
  /** First slot after the region. */
  readonly end: number;
}

/** One boot untyped (`seL4_UntypedDesc`). */
export interface seL4_UntypedDesc {
  /** Physical address. */
  readonly paddr: number;
  /** log2 of its size. */
  readonly sizeBits: number;
  /** 1 if it is device memory, else 0. */
  readonly isDevice: number;
}

/** `seL4_BootInfo` (non-MCS). */
export interface seL4_BootInfo {
  /** Bytes of extra bootinfo following the frame. */
  readonly extraLen: number;
  /** This node's ID (0). */
  readonly nodeID: number;
  /** Number of nodes (1). */
  readonly numNodes: number;
  /** IOMMU page-table levels (all ones on x86 without an IOMMU: a full word). */
  readonly numIOPTLevels: bigint;
  /** Virtual address of the initial thread's IPC buffer. */
  readonly ipcBuffer: number;
  /** Empty slots. */
  readonly empty: seL4_SlotRegion;
  /** Shared-frame caps. */
  readonly sharedFrames: seL4_SlotRegion;
  /** User-image frame caps. */
  readonly userImageFrames: seL4_SlotRegion;
  /** User-image paging-structure caps. */
  readonly userImagePaging: seL4_SlotRegion;
  /** IOSpace caps (ARM SMMU). */
  readonly ioSpaceCaps: seL4_SlotRegion;
  /** Extra-bootinfo frame caps. */
  readonly extraBIPages: seL4_SlotRegion;
  /** log2 of the root CNode's slot count. */
  readonly initThreadCNodeSizeBits: number;
  /** The initial thread's domain. */
  readonly initThreadDomain: number;
  /** Untyped caps. */
  readonly untyped: seL4_SlotRegion;
  /** One descriptor per untyped cap (slot `untyped.start + i`). */
  readonly untypedList: readonly seL4_UntypedDesc[];
}

/** Most untyped descriptors in the bootinfo (CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS). */
export const CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS = 230;
/** Size of the bootinfo frame. */
export const seL4_BootInfoFrameSize = 4096;
/** Byte offset of `untypedList` in `seL4_BootInfo`. */
export const seL4_BootInfo_untypedList_offset = 168;
/** Bytes of one `seL4_UntypedDesc`. */
export const seL4_UntypedDesc_size = 16;

/** Extra-bootinfo chunk identifiers (`seL4_BootInfoID`). */
export const SEL4_BOOTINFO_HEADER_PADDING = 0;
/** x86 VBE information. */
export const SEL4_BOOTINFO_HEADER_X86_VBE = 1;
/** x86 multiboot memory map. */
export const SEL4_BOOTINFO_HEADER_X86_MBMMAP = 2;
/** x86 ACPI RSDP. */
export const SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP = 3;
/** x86 framebuffer. */
export const SEL4_BOOTINFO_HEADER_X86_FRAMEBUFFER = 4;
/** x86 TSC frequency (MHz). */
export const SEL4_BOOTINFO_HEADER_X86_TSC_FREQ = 5;
/** Flattened device tree. */
export const SEL4_BOOTINFO_HEADER_FDT = 6;

const REGION_FIELDS = [
  ["empty", 40],
  ["sharedFrames", 56],
  ["userImageFrames", 72],
  ["userImagePaging", 88],
  ["ioSpaceCaps", 104],
  ["extraBIPages", 120],
  ["untyped", 152],
] as const;

/** Writes `bootInfo` in the kernel's byte layout (little endian) into a 4 KiB frame image. */
export function encodeBootInfo(bootInfo: seL4_BootInfo): Uint8Array {
  if (bootInfo.untypedList.length > CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS) {
    throw new Sel4ArgumentError(
      "encodeBootInfo.untypedList",
      bootInfo.untypedList.length,
      `at most ${CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS} descriptors`,
    );
  }
  const bytes = new Uint8Array(seL4_BootInfoFrameSize);
  const view = new DataView(bytes.buffer);
  const put = (offset: number, value: number | bigint, what: string): void => {
    const word = typeof value === "bigint" ? value : BigInt(wholeNumber(what, value));
    view.setBigUint64(offset, asWord(word), true);
  };
  put(0, bootInfo.extraLen, "extraLen");
  put(8, bootInfo.nodeID, "nodeID");
  put(16, bootInfo.numNodes, "numNodes");
  put(24, bootInfo.numIOPTLevels, "numIOPTLevels");
  put(32, bootInfo.ipcBuffer, "ipcBuffer");
  for (const [field, offset] of REGION_FIELDS) {
    put(offset, bootInfo[field].start, `${field}.start`);
    put(offset + 8, bootInfo[field].end, `${field}.end`);
  }
  put(136, bootInfo.initThreadCNodeSizeBits, "initThreadCNodeSizeBits");
  put(144, bootInfo.initThreadDomain, "initThreadDomain");
  bootInfo.untypedList.forEach((desc, i) => {
    const at = seL4_BootInfo_untypedList_offset + i * seL4_UntypedDesc_size;
    put(at, desc.paddr, `untypedList[${i}].paddr`);
    view.setUint8(at + 8, byte(`untypedList[${i}].sizeBits`, desc.sizeBits));
    view.setUint8(at + 9, byte(`untypedList[${i}].isDevice`, desc.isDevice));
  });
  return bytes;
}

/**
 * Reads a bootinfo frame. Only the first `untyped.end - untyped.start` descriptors are returned
 * (at most 230). Returns `null` if the frame is shorter than 4 KiB or a field that must be below
 * 2^53 is not (the bytes are then not a bootinfo written by a kernel).
 */
export function decodeBootInfo(frame: Uint8Array): seL4_BootInfo | null {
  if (frame.length < seL4_BootInfoFrameSize) return null;
  const view = new DataView(frame.buffer, frame.byteOffset, seL4_BootInfoFrameSize);
  let valid = true;
  const word = (offset: number): bigint => view.getBigUint64(offset, true);
  const num = (offset: number): number => {
    const w = word(offset);
    if (w > BigInt(Number.MAX_SAFE_INTEGER)) valid = false;
    return Number(w);
  };
  const region = (offset: number): seL4_SlotRegion => ({
    start: num(offset),
    end: num(offset + 8),
  });
  const untyped = region(152);
  const count = Math.max(
    0,
    Math.min(untyped.end - untyped.start, CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS),
  );
  const untypedList: seL4_UntypedDesc[] = [];
  for (let i = 0; i < count; i++) {
    const at = seL4_BootInfo_untypedList_offset + i * seL4_UntypedDesc_size;
    untypedList.push({
      paddr: num(at),
      sizeBits: view.getUint8(at + 8),
      isDevice: view.getUint8(at + 9),
    });
  }
  const bootInfo: seL4_BootInfo = {
    extraLen: num(0),
    nodeID: num(8),
    numNodes: num(16),
    numIOPTLevels: word(24),
    ipcBuffer: num(32),
    empty: region(40),
    sharedFrames: region(56),
    userImageFrames: region(72),
    userImagePaging: region(88),
    ioSpaceCaps: region(104),
    extraBIPages: region(120),
    initThreadCNodeSizeBits: num(136),
    initThreadDomain: num(144),
    untyped,
    untypedList,
  };
  return valid ? bootInfo : null;
}

function wholeNumber(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Sel4ArgumentError(`encodeBootInfo.${what}`, value, "a non-negative safe integer");
  }
  return value;
}

function byte(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new Sel4ArgumentError(`encodeBootInfo.${what}`, value, "an integer in [0, 255]");
  }
  return value;
}
