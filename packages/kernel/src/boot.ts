/** The platform memory maps and the boot sequence: initial objects, CSpace and BootInfo (§11). */

import { encodeBootInfo, type seL4_BootInfo, type seL4_UntypedDesc } from "@sel4/sel4";
import {
  type Arch,
  InitialSlot,
  ROOT_CNODE_SIZE_BITS,
  seL4_MaxUntypedBits,
  seL4_MinUntypedBits,
} from "./abi.js";
import { cteInsert, insertRootCap, type Slot } from "./cdt.js";
import { cnodeSlot } from "./cspace/resolve.js";
import type { Cap, PagingTable } from "./objects/types.js";
import type { PhysicalRegion } from "./physmem.js";
import type { KernelState } from "./state.js";
import { createObject } from "./untyped.js";
import { lookupPTSlot } from "./vspace/common.js";

/** The physical memory map of a platform. */
export interface PlatformMap {
  /** RAM regions. */
  readonly ram: readonly PhysicalRegion[];
  /** Device regions handed to user level as device untypeds. */
  readonly devices: readonly PhysicalRegion[];
  /** Device regions the kernel keeps (interrupt controllers). */
  readonly kernelDevices: readonly PhysicalRegion[];
}

/** qemu-arm-virt RAM base. */
export const ARM_RAM_BASE = 0x4000_0000;
/** x86 pc99: RAM the model gives starts at 1 MiB. */
export const X86_RAM_BASE = 0x10_0000;
/** RAM at the start kept by the kernel (its image and the initial objects). */
export const KERNEL_RESERVED_RAM = 0x20_0000;
/** Virtual address of the root task's (notional) image frame; IPC buffer and BootInfo follow. */
export const USER_IMAGE_VADDR = 0x40_0000n;

function minus(range: PhysicalRegion, holes: readonly PhysicalRegion[]): PhysicalRegion[] {
  let parts = [range];
  for (const h of holes) {
    const next: PhysicalRegion[] = [];
    for (const p of parts) {
      const pEnd = p.base + p.size;
      const hEnd = h.base + h.size;
      if (hEnd <= p.base || h.base >= pEnd) {
        next.push(p);
        continue;
      }
      if (h.base > p.base) next.push({ base: p.base, size: h.base - p.base });
      if (hEnd < pEnd) next.push({ base: hEnd, size: pEnd - hEnd });
    }
    parts = next;
  }
  return parts;
}

/** The memory map of the configuration (qemu-arm-virt with GICv2, or pc99). */
export function platformMap(arch: Arch, ramSize: number): PlatformMap {
  if (arch === "aarch64") {
    const ram = { base: ARM_RAM_BASE, size: ramSize };
    // GICD, GICC, GICH are the kernel's; GICV (0x0804_0000) and the PL011 UART are users'.
    const kernelDevices = [
      { base: 0x0800_0000, size: 0x2_0000 },
      { base: 0x0803_0000, size: 0x1_0000 },
    ];
    const top = 2 ** 40;
    const devices = minus({ base: 0, size: top }, [...kernelDevices, ram]);
    return { ram: [ram], devices, kernelDevices };
  }
  const ram = { base: X86_RAM_BASE, size: ramSize };
  const kernelDevices = [
    { base: 0xfec0_0000, size: 0x1000 },
    { base: 0xfee0_0000, size: 0x1000 },
  ];
  const devices = minus({ base: 0, size: 2 ** 47 }, [...kernelDevices, ram]);
  return { ram: [ram], devices, kernelDevices };
}

/** Splits a range into maximal naturally aligned power-of-two blocks (2^4 .. 2^47). */
export function untypedBlocks(range: PhysicalRegion): PhysicalRegion[] {
  const out: PhysicalRegion[] = [];
  let base = range.base;
  const end = range.base + range.size;
  while (end - base >= 2 ** seL4_MinUntypedBits) {
    let bits = seL4_MaxUntypedBits;
    while (bits > seL4_MinUntypedBits && (base % 2 ** bits !== 0 || base + 2 ** bits > end)) bits--;
    if (base % 2 ** bits !== 0 || base + 2 ** bits > end) break;
    out.push({ base, size: 2 ** bits });
    base += 2 ** bits;
  }
  return out;
}

/** What boot produced: the root thread is ready to start at its entry. */
export interface BootResult {
  readonly bootInfo: seL4_BootInfo;
  readonly rootTCB: import("./objects/types.js").TCB;
}

/** A bump allocator over the kernel-reserved RAM for the initial objects. */
function bootAllocator(base: number) {
  let next = base;
  return (sizeBits: number): number => {
    const size = 2 ** sizeBits;
    next = Math.ceil(next / size) * size;
    const p = next;
    next += size;
    return p;
  };
}

/** Maps a boot frame (or installs a boot table) in the initial VSpace, creating no tables. */
function bootMapFrame(root: PagingTable, frameCap: Cap & { type: "frame" }, vaddr: bigint): void {
  const slot = lookupPTSlot(root, vaddr);
  slot.table.entries.set(slot.index, {
    kind: "page",
    frame: frameCap.obj,
    sizeBits: frameCap.obj.sizeBits,
    rights: "ReadWrite",
    attributes: 0n,
  });
}

/**
 * Boots: creates the initial objects and caps, the untypeds and the root thread (§11), and writes
 * BootInfo into its frame. The root thread's pc is `entry`.
 */
export function boot(
  k: KernelState,
  map: PlatformMap,
  numNodes: number,
  entry: bigint,
): BootResult {
  const ram = map.ram[0]!;
  const alloc = bootAllocator(ram.base);
  const arch = k.arch;

  const cnodeCap = createObject(
    k,
    "cnode",
    alloc(ROOT_CNODE_SIZE_BITS + 5),
    ROOT_CNODE_SIZE_BITS,
    false,
  );
  if (cnodeCap.type !== "cnode") throw new Error("boot: CNode");
  const cnode = cnodeCap.obj;
  const slot = (i: number): Slot => cnodeSlot(cnode, i);
  insertRootCap(slot(InitialSlot.seL4_CapInitThreadCNode), {
    ...cnodeCap,
    guardSize: 64 - ROOT_CNODE_SIZE_BITS,
    guard: 0n,
  });

  const rootKind = arch === "aarch64" ? "arm_vspace" : "x86_pml4";
  const vsCap = createObject(k, rootKind, alloc(arch === "aarch64" ? 13 : 12), 0, false);
  if (vsCap.type !== "paging") throw new Error("boot: VSpace");
  const root = vsCap.obj;

  // ASID pool 0 holds the initial VSpace at ASID 1.
  const poolPaddr = alloc(12);
  const pool = {
    kind: "asid_pool" as const,
    paddr: poolPaddr,
    sizeBits: 12,
    live: true,
    base: 0,
    entries: new Map(),
  };
  k.live.add(pool);
  k.asidTable[0] = pool;
  pool.entries.set(1, root);
  root.asid = 1;
  insertRootCap(slot(InitialSlot.seL4_CapInitThreadVSpace), { ...vsCap, asid: 1 });
  insertRootCap(slot(InitialSlot.seL4_CapInitThreadASIDPool), { type: "asid_pool", obj: pool });
  insertRootCap(slot(InitialSlot.seL4_CapIRQControl), { type: "irq_control" });
  insertRootCap(slot(InitialSlot.seL4_CapASIDControl), { type: "asid_control" });
  if (arch === "x86_64")
    insertRootCap(slot(InitialSlot.seL4_CapIOPortControl), { type: "io_port_control" });
  insertRootCap(slot(InitialSlot.seL4_CapDomain), { type: "domain" });

  // Paging structures for the user image region, largest level first.
  const tableKinds =
    arch === "aarch64"
      ? (["arm_pt", "arm_pt"] as const)
      : (["x86_pdpt", "x86_pd", "x86_pt"] as const);
  let next = InitialSlot.seL4_NumInitialCaps;
  const pagingStart = next;
  for (const kind of tableKinds) {
    const cap = createObject(k, kind, alloc(12), 0, false);
    if (cap.type !== "paging") throw new Error("boot: table");
    const s = lookupPTSlot(root, USER_IMAGE_VADDR);
    s.table.entries.set(s.index, { kind: "table", table: cap.obj });
    cap.obj.parent = { table: s.table, index: s.index };
    const mapped = USER_IMAGE_VADDR & ~((1n << BigInt(s.bitsLeft)) - 1n);
    insertRootCap(slot(next++), { ...cap, mappedAddress: mapped, asid: 1 });
  }
  const pagingEnd = next;

  // The user image (one notional 4 KiB frame), then the IPC buffer and BootInfo pages after it.
  const frame = (vaddr: bigint): Cap & { type: "frame" } => {
    const cap = createObject(k, "frame4k", alloc(12), 0, false);
    if (cap.type !== "frame") throw new Error("boot: frame");
    bootMapFrame(root, cap, vaddr);
    return { ...cap, mapping: { asid: 1, vaddr, space: "vspace" } };
  };
  const ipcBufferVaddr = USER_IMAGE_VADDR + 0x1000n;
  const bootInfoVaddr = USER_IMAGE_VADDR + 0x2000n;
  const imageFrame = frame(USER_IMAGE_VADDR);
  const ipcFrame = frame(ipcBufferVaddr);
  const biFrame = frame(bootInfoVaddr);
  insertRootCap(slot(InitialSlot.seL4_CapInitThreadIPCBuffer), ipcFrame);
  insertRootCap(slot(InitialSlot.seL4_CapBootInfoFrame), biFrame);
  const imageStart = next;
  insertRootCap(slot(next++), imageFrame);
  const imageEnd = next;

  // The initial thread.
  const tcbCap = createObject(k, "tcb", alloc(11), 0, false);
  if (tcbCap.type !== "thread") throw new Error("boot: TCB");
  const tcb = tcbCap.obj;
  insertRootCap(slot(InitialSlot.seL4_CapInitThreadTCB), tcbCap);

  // Untypeds: device ranges first, then free RAM (after the kernel's reserved part).
  const untypedList: seL4_UntypedDesc[] = [];
  const untypedStart = next;
  const addUntyped = (r: { base: number; size: number }, isDevice: boolean) => {
    for (const b of untypedBlocks(r)) {
      if (untypedList.length >= k.maxUntypedCaps) return;
      const sizeBits = Math.log2(b.size);
      insertRootCap(slot(next++), {
        type: "untyped",
        paddr: b.base,
        sizeBits,
        isDevice,
        freeIndex: b.size,
      });
      untypedList.push({ paddr: b.base, sizeBits, isDevice: isDevice ? 1 : 0 });
    }
  };
  for (const d of map.devices) addUntyped(d, true);
  addUntyped({ base: ram.base + KERNEL_RESERVED_RAM, size: ram.size - KERNEL_RESERVED_RAM }, false);
  const untypedEnd = next;

  // The TCB's own slots hold copies of the root caps.
  cteInsert(
    slot(InitialSlot.seL4_CapInitThreadCNode).cap,
    slot(InitialSlot.seL4_CapInitThreadCNode),
    tcb.ctable,
  );
  cteInsert(
    slot(InitialSlot.seL4_CapInitThreadVSpace).cap,
    slot(InitialSlot.seL4_CapInitThreadVSpace),
    tcb.vtable,
  );
  cteInsert(
    { ...ipcFrame, mapping: null },
    slot(InitialSlot.seL4_CapInitThreadIPCBuffer),
    tcb.bufferSlot,
  );
  tcb.ipcBufferAddr = ipcBufferVaddr;
  tcb.priority = 255;
  tcb.mcp = 255;
  tcb.name = "rootserver";
  tcb.context[k.params.pcRegister] = entry;
  // x0 / rdi = BootInfo vaddr.
  tcb.context[arch === "aarch64" ? 3 : 8] = bootInfoVaddr;

  const bootInfo: seL4_BootInfo = {
    extraLen: 0,
    nodeID: 0,
    numNodes,
    numIOPTLevels: arch === "aarch64" ? 0n : (1n << 64n) - 1n,
    ipcBuffer: Number(ipcBufferVaddr),
    empty: { start: untypedEnd, end: 2 ** ROOT_CNODE_SIZE_BITS },
    sharedFrames: { start: 0, end: 0 },
    userImageFrames: { start: imageStart, end: imageEnd },
    userImagePaging: { start: pagingStart, end: pagingEnd },
    ioSpaceCaps: { start: 0, end: 0 },
    extraBIPages: { start: 0, end: 0 },
    initThreadCNodeSizeBits: ROOT_CNODE_SIZE_BITS,
    initThreadDomain: 0,
    untyped: { start: untypedStart, end: untypedEnd },
    untypedList,
  };
  k.mem.write(biFrame.obj.paddr, encodeBootInfo(bootInfo));
  return { bootInfo, rootTCB: tcb };
}
