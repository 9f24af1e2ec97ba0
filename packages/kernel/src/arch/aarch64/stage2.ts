/**
 * Stage-2 translation for a vCPU: the emulator's `PhysicalMemory` over the seL4 page-table
 * objects of the thread's VSpace (guest-physical address → frame, with the mapping's rights).
 * The emulator caches what this returns; {@link Stage2Memory.isStale} tells the executor when the
 * kernel has since removed or changed a translation, so it can invalidate the emulator's TLB.
 */
import type { AccessKind, PhysicalMemory, Stage2Result } from "@sel4/emu-aarch64";
import type { PagingTable } from "../../objects/types.js";
import type { KernelState } from "../../state.js";
import { findVSpaceForASID, type PTSlot } from "../../vspace/common.js";

/** Physical address of the GIC virtual CPU interface (GICV) on qemu-arm-virt. */
export const GICV_PADDR = 0x0804_0000;
/** Size of the GICV register frame (CPU interface registers, then GICV_DIR at 0x1000). */
export const GICV_SIZE = 0x2000;

/** Largest intermediate physical address of the hyp configuration (40-bit IPA). */
const IPA_LIMIT = 2 ** 40;
/** Fault status codes (DFSC/IFSC) without their level. */
const FSC_TRANSLATION = 0x04;
const FSC_PERMISSION = 0x0c;
/** seL4_ARM_ExecuteNever in a mapping's attributes. */
const ATTR_EXECUTE_NEVER = 4n;

/**
 * `lookupPTSlot` for an IPA below 2^40 as a number (no BigInt on the TLB-miss path): the root
 * indexes bits 39..30 (1024 entries), the next levels 9 bits each, down to the 4 KiB level.
 */
function walkStage2(root: PagingTable, ipa: number): PTSlot {
  let table = root;
  let shift = 30;
  let entries = 1024;
  for (;;) {
    const index = Math.floor(ipa / 2 ** shift) % entries;
    const e = table.entries.get(index);
    if (e?.kind === "table" && shift > 12) {
      table = e.table;
      shift -= 9;
      entries = 512;
      continue;
    }
    return { table, index, bitsLeft: shift };
  }
}

/** The stage-2 view of one vCPU's VSpace. */
export class Stage2Memory implements PhysicalMemory {
  /** The VSpace root the cached translations came from, and its ASID then. */
  private root: PagingTable | null = null;
  private asid: number | null = null;
  /** `k.vspaceEpoch` when the cache was last known good. */
  private epoch = -1;
  /** Non-root tables walked by cached translations (each must stay attached). */
  private readonly tables = new Set<PagingTable>();

  constructor(private readonly k: KernelState) {}

  /**
   * Points the translation at `root` (the thread's current VSpace, or null) and returns true
   * when translations handed out before may no longer hold (the caller flushes its TLB).
   */
  isStale(root: PagingTable | null): boolean {
    const asid = root?.asid ?? null;
    let stale = root !== this.root || asid !== this.asid || this.epoch !== this.k.vspaceEpoch;
    if (!stale) {
      for (const t of this.tables) {
        const p = t.parent;
        const e = p?.table.entries.get(p.index);
        if (e?.kind !== "table" || e.table !== t) {
          stale = true;
          break;
        }
      }
    }
    if (stale) {
      this.root = root;
      this.asid = asid;
      this.epoch = this.k.vspaceEpoch;
      this.tables.clear();
    }
    return stale;
  }

  /** Translates one IPA page through the VSpace's page tables. */
  stage2(ipaPage: number, access: AccessKind): Stage2Result {
    const root = this.root;
    if (root === null || root.asid === null || findVSpaceForASID(this.k, root.asid) !== root) {
      return { kind: "fault", status: FSC_TRANSLATION | 1 };
    }
    if (!(ipaPage >= 0 && ipaPage < IPA_LIMIT))
      return { kind: "fault", status: FSC_TRANSLATION | 1 };
    const slot = walkStage2(root, ipaPage);
    const level = (39 - slot.bitsLeft) / 9;
    const e = slot.table.entries.get(slot.index);
    if (e?.kind !== "page") return { kind: "fault", status: FSC_TRANSLATION | level };
    const permitted =
      e.rights !== "KernelOnly" &&
      (access !== "write" || e.rights === "ReadWrite") &&
      (access !== "fetch" || (e.attributes & ATTR_EXECUTE_NEVER) === 0n);
    if (!permitted) return { kind: "fault", status: FSC_PERMISSION | level };
    for (let t: PagingTable | null = slot.table; t !== null && t !== root; ) {
      this.tables.add(t);
      t = t.parent?.table ?? null;
    }
    const paddr = e.frame.paddr + (ipaPage % 2 ** e.sizeBits);
    if (paddr >= GICV_PADDR && paddr < GICV_PADDR + GICV_SIZE) {
      return { kind: "gicv", frameOffset: paddr - GICV_PADDR };
    }
    const bytes = this.k.mem.page(paddr);
    return {
      kind: "ram",
      view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length),
      offset: 0,
      writable: e.rights === "ReadWrite",
      executable: (e.attributes & ATTR_EXECUTE_NEVER) === 0n,
    };
  }

  /** Never reached: this memory has no pages of kind "mmio" (device accesses fault to the VMM). */
  mmioRead(_ipa: number, _size: number): bigint {
    return 0n;
  }

  /** Never reached (see {@link Stage2Memory.mmioRead}). */
  mmioWrite(_ipa: number, _size: number, _value: bigint): void {}
}
