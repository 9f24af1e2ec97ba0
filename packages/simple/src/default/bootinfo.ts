/** simple-default: a `simple_t` over the root task's `seL4_BootInfo`. */
import {
  type Sel4,
  type Sel4_AArch64,
  type Sel4_X86_64,
  type seL4_BootInfo,
  seL4_CapASIDControl,
  seL4_CapBootInfoFrame,
  seL4_CapDomain,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadIPCBuffer,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapIOPortControl,
  seL4_CapIRQControl,
  seL4_CapNull,
  type seL4_CPtr,
  seL4_FailedLookup,
  seL4_InvalidArgument,
  seL4_NoError,
  type seL4_SlotRegion,
} from "@sel4/sel4";
import { type cspacepath_t, kobject_get_type } from "@sel4/vka";
import type { arch_simple_t, SimpleUntyped, simple_t } from "../simple.js";

/** The initial caps present in each configuration (non-MCS, no IOMMU, no SMMU, no SMC), ascending. */
function initialCaps(sel4: Sel4): readonly seL4_CPtr[] {
  const common = [
    seL4_CapInitThreadTCB,
    seL4_CapInitThreadCNode,
    seL4_CapInitThreadVSpace,
    seL4_CapIRQControl,
    seL4_CapASIDControl,
    seL4_CapInitThreadASIDPool,
  ];
  const arch = sel4.config === "x86_64" ? [seL4_CapIOPortControl] : [];
  return [...common, ...arch, seL4_CapBootInfoFrame, seL4_CapInitThreadIPCBuffer, seL4_CapDomain];
}

function regionLength(r: seL4_SlotRegion): number {
  return Math.max(0, r.end - r.start);
}

function armSimple(sel4: Sel4_AArch64): arch_simple_t {
  return {
    irq: (irq, root, index, depth) =>
      sel4.seL4_IRQControl_Get(seL4_CapIRQControl, irq, root, index, depth),
    irq_trigger: (irq, trigger, _core, root, index, depth) =>
      sel4.seL4_IRQControl_GetTrigger(seL4_CapIRQControl, irq, trigger, root, index, depth),
  };
}

function x86Simple(sel4: Sel4_X86_64): arch_simple_t {
  return {
    irq(irq, root, index, depth) {
      // An IOAPIC route guessed as simple-default does: ISA IRQ 0 is pin 2, pins < 16 edge/high,
      // the others level/low, vector = irq.
      if (!Number.isInteger(irq) || irq < 0) return seL4_InvalidArgument;
      const pin = irq === 0 ? 2 : irq;
      const isa = pin < 16;
      return sel4.seL4_IRQControl_GetIOAPIC(
        seL4_CapIRQControl,
        root,
        index,
        depth,
        0,
        pin,
        isa ? 0 : 1,
        isa ? 0 : 1,
        irq,
      );
    },
    IOPort_cap: (start, end, root, dest, depth) =>
      sel4.seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, start, end, root, dest, depth),
    msi: (root, index, depth, bus, dev, func, handle, vector) =>
      sel4.seL4_IRQControl_GetMSI(
        seL4_CapIRQControl,
        root,
        index,
        depth,
        bus,
        dev,
        func,
        handle,
        vector,
      ),
    ioapic: (root, index, depth, ioapic, pin, level, polarity, vector) =>
      sel4.seL4_IRQControl_GetIOAPIC(
        seL4_CapIRQControl,
        root,
        index,
        depth,
        ioapic,
        pin,
        level,
        polarity,
        vector,
      ),
  };
}

function frameAddress(sel4: Sel4, cap: seL4_CPtr): number | null {
  const r =
    sel4.config === "aarch64"
      ? (sel4 as Sel4_AArch64).seL4_ARM_Page_GetAddress(cap)
      : (sel4 as Sel4_X86_64).seL4_X86_Page_GetAddress(cap);
  return r.error === seL4_NoError ? r.paddr : null;
}

/** Splits extra bootinfo into its chunks (`seL4_BootInfoHeader { id, len }`, len includes the header). */
function parseExtra(extra: Uint8Array): Map<number, Uint8Array> {
  const chunks = new Map<number, Uint8Array>();
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  let at = 0;
  while (at + 16 <= extra.byteLength) {
    const id = Number(view.getBigUint64(at, true));
    const len = Number(view.getBigUint64(at + 8, true));
    if (len < 16 || at + len > extra.byteLength) break;
    if (!chunks.has(id)) chunks.set(id, extra.subarray(at, at + len));
    at += len;
  }
  return chunks;
}

/**
 * Builds the default `simple_t` over `bootInfo` (`simple_default_init_bootinfo`). `extra` is the
 * extra-bootinfo bytes that follow the BootInfo frame, if the caller can read them.
 *
 * Unlike C's `frame_cap`, which retypes from an untyped starting at `paddr` and so returns a frame
 * at the wrong address when that untyped already has children, this one uses each untyped once and
 * checks the address the kernel reports, deleting the cap and failing with `seL4_FailedLookup` on a
 * mismatch.
 */
export function simple_default_init_bootinfo(
  sel4: Sel4,
  bootInfo: seL4_BootInfo,
  extra?: Uint8Array,
): simple_t {
  const inits = initialCaps(sel4);
  const regions = [
    bootInfo.sharedFrames,
    bootInfo.userImageFrames,
    bootInfo.userImagePaging,
    bootInfo.untyped,
  ];
  const capCount = inits.length + regions.reduce((n, r) => n + regionLength(r), 0);
  const chunks = parseExtra(extra ?? new Uint8Array(0));
  const usedForFrames = new Set<number>();
  const untypedAt = (n: number): SimpleUntyped | null => {
    const d = Number.isInteger(n) && n >= 0 ? bootInfo.untypedList[n] : undefined;
    if (!d || n >= regionLength(bootInfo.untyped)) return null;
    return {
      cap: bootInfo.untyped.start + n,
      size_bits: d.sizeBits,
      paddr: d.paddr,
      device: d.isDevice !== 0,
    };
  };
  const untypedCount = Math.min(regionLength(bootInfo.untyped), bootInfo.untypedList.length);
  return {
    sel4,
    frame_cap(paddr: number, size_bits: number, path: cspacepath_t) {
      const type = kobject_get_type(sel4.config, "KOBJECT_FRAME", size_bits);
      if (type < 0) return seL4_InvalidArgument;
      for (let i = 0; i < untypedCount; i++) {
        const u = untypedAt(i)!;
        if (u.paddr !== paddr || u.size_bits < size_bits || usedForFrames.has(u.cap)) continue;
        const error = sel4.seL4_Untyped_Retype(
          u.cap,
          type,
          size_bits,
          path.root,
          path.dest,
          path.destDepth,
          path.offset,
          1,
        );
        if (error !== seL4_NoError) return error;
        usedForFrames.add(u.cap);
        if (frameAddress(sel4, path.capPtr) === paddr) return seL4_NoError;
        sel4.seL4_CNode_Delete(path.root, path.capPtr, path.capDepth);
        return seL4_FailedLookup;
      }
      return seL4_FailedLookup;
    },
    frame_mapping: () => null,
    frame_info(paddr, size_bits) {
      for (let i = 0; i < untypedCount; i++) {
        const u = untypedAt(i)!;
        if (paddr >= u.paddr && paddr + 2 ** size_bits <= u.paddr + 2 ** u.size_bits) {
          return { vaddr: null, cap: u.cap, ut_offset: paddr - u.paddr };
        }
      }
      return null;
    },
    ASID_assign(vspace) {
      return sel4.config === "aarch64"
        ? (sel4 as Sel4_AArch64).seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace)
        : (sel4 as Sel4_X86_64).seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace);
    },
    cap_count: () => capCount,
    nth_cap(n) {
      if (!Number.isInteger(n) || n < 0 || n >= capCount) return seL4_CapNull;
      if (n < inits.length) return inits[n]!;
      let rest = n - inits.length;
      for (const r of regions) {
        if (rest < regionLength(r)) return r.start + rest;
        rest -= regionLength(r);
      }
      return seL4_CapNull;
    },
    init_cap: (cap) => cap,
    cnode_size: () => bootInfo.initThreadCNodeSizeBits,
    untyped_count: () => untypedCount,
    nth_untyped: untypedAt,
    userimage_count: () => regionLength(bootInfo.userImageFrames),
    nth_userimage: (n) =>
      Number.isInteger(n) && n >= 0 && n < regionLength(bootInfo.userImageFrames)
        ? bootInfo.userImageFrames.start + n
        : seL4_CapNull,
    core_count: () => bootInfo.numNodes,
    sched_ctrl: () => seL4_CapNull,
    extended_bootinfo_len: (type) => chunks.get(type)?.byteLength ?? -1,
    extended_bootinfo: (type) => chunks.get(type)?.slice() ?? null,
    print() {
      const lines = [
        `cnode size bits ${bootInfo.initThreadCNodeSizeBits}, ${bootInfo.numNodes} core(s)`,
      ];
      lines.push(`empty slots [${bootInfo.empty.start}, ${bootInfo.empty.end})`);
      for (let i = 0; i < untypedCount; i++) {
        const u = untypedAt(i)!;
        lines.push(
          `untyped ${u.cap}: paddr 0x${u.paddr.toString(16)} size_bits ${u.size_bits}${u.device ? " device" : ""}`,
        );
      }
      return lines.join("\n");
    },
    arch_simple:
      sel4.config === "aarch64" ? armSimple(sel4 as Sel4_AArch64) : x86Simple(sel4 as Sel4_X86_64),
  };
}
