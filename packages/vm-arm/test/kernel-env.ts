/**
 * Test composition root: a kernel model, a small allocator behind `vka_t` (bump slots, first-fit
 * retype from the root task's untypeds, exact-address frames by splitting untypeds), the root
 * task's `simple` members libsel4vm uses, and host access to guest frames through the model's
 * physical memory.
 */
import { type ARMVCPUExecutorOptions, Kernel } from "@sel4/kernel";
import {
  type Sel4_AArch64,
  type seL4_BootInfo,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_NoError,
  seL4_UntypedObject,
} from "@sel4/sel4";
import {
  type cspacepath_t,
  VKA_NO_PADDR,
  vka_alloc_frame,
  vka_alloc_tcb,
  vka_get_object_size,
  type vka_t,
} from "@sel4/vka";
import type { VmSimple } from "@sel4/vm";
import { expect } from "vitest";
import type { HostFrameAccess } from "../src/index.js";

interface Ut {
  cap: number;
  paddr: number;
  bits: number;
  device: boolean;
  used: boolean;
}

/**
 * A first-fit allocator over the root task's untypeds. With `share`, it is part `index` of
 * `count` disjoint allocators (its own slice of empty slots and every `count`-th RAM untyped), so
 * threads with their own `Sel4` can allocate independently.
 */
export function kernelVka(
  sel4: Sel4_AArch64,
  bi: seL4_BootInfo,
  share: { index: number; count: number } = { index: 0, count: 1 },
): vka_t {
  const span = Math.floor((bi.empty.end - bi.empty.start) / share.count);
  let next = bi.empty.start + share.index * span;
  const end = next + span;
  const free: number[] = [];
  const uts: Ut[] = bi.untypedList
    .map((u, i) => ({
      cap: bi.untyped.start + i,
      paddr: u.paddr,
      bits: u.sizeBits,
      device: u.isDevice !== 0,
      used: false,
    }))
    .filter((u, i) => u.device || i % share.count === share.index);
  const path = (slot: number): cspacepath_t => ({
    capPtr: slot,
    capDepth: 64,
    root: seL4_CapInitThreadCNode,
    dest: 0,
    destDepth: 0,
    offset: slot,
    window: 1,
  });
  const retype = (ut: number, dest: cspacepath_t, type: number, size_bits: number) =>
    sel4.seL4_Untyped_Retype(
      ut,
      type,
      size_bits,
      dest.root,
      dest.dest,
      dest.destDepth,
      dest.offset,
      1,
    );
  const alloc = (dest: cspacepath_t, type: number, size_bits: number, dev: boolean) => {
    for (const u of uts) {
      if (u.device && !dev) continue;
      if (retype(u.cap, dest, type, size_bits) === seL4_NoError) return { error: 0, cookie: u.cap };
    }
    return { error: -1, cookie: 0 };
  };
  const vka: vka_t = {
    sel4,
    cspace_alloc: () => {
      const slot = free.pop() ?? (next < end ? next++ : 0);
      return slot === 0 ? { error: -1, cptr: 0 } : { error: 0, cptr: slot };
    },
    cspace_make_path: path,
    cspace_free: (slot) => {
      free.push(slot);
    },
    utspace_alloc: (dest, type, size_bits) => alloc(dest, type, size_bits, false),
    utspace_alloc_maybe_device: (dest, type, size_bits, dev) => alloc(dest, type, size_bits, dev),
    utspace_alloc_at: (dest, type, size_bits, paddr) => {
      const bits = vka_get_object_size("aarch64", type, size_bits);
      if (bits === null) return { error: -1, cookie: 0 };
      let u = uts.find((x) => !x.used && x.paddr <= paddr && paddr < x.paddr + 2 ** x.bits);
      while (u !== undefined && u.bits > bits) {
        const a = next;
        next += 2;
        const e = sel4.seL4_Untyped_Retype(
          u.cap,
          seL4_UntypedObject,
          u.bits - 1,
          seL4_CapInitThreadCNode,
          0,
          0,
          a,
          2,
        );
        if (e !== seL4_NoError) return { error: e, cookie: 0 };
        u.used = true;
        const half = 2 ** (u.bits - 1);
        const kids = [0, 1].map((k) => ({
          cap: a + k,
          paddr: u!.paddr + k * half,
          bits: u!.bits - 1,
          device: u!.device,
          used: false,
        }));
        uts.push(...kids);
        u = kids.find((x) => x.paddr <= paddr && paddr < x.paddr + half);
      }
      if (u === undefined || u.paddr !== paddr || u.bits !== bits) return { error: -1, cookie: 0 };
      const e = retype(u.cap, dest, type, size_bits);
      if (e !== seL4_NoError) return { error: e, cookie: 0 };
      u.used = true;
      return { error: 0, cookie: u.cap };
    },
    utspace_free: () => {},
    utspace_paddr: () => VKA_NO_PADDR,
  };
  return vka;
}

/** The root task's `simple` members libsel4vm uses. */
export function rootSimple(sel4: Sel4_AArch64): VmSimple {
  return {
    ASID_assign: (vspace) => sel4.seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace),
    init_cap: (cap) => cap,
  };
}

/** Host access to a frame: its physical address from the kernel, its bytes from the model. */
export function modelHostAccess(sel4: Sel4_AArch64, kernel: Kernel): HostFrameAccess {
  return (frame, size_bits, fn) => {
    const a = sel4.seL4_ARM_Page_GetAddress(frame);
    if (a.error !== seL4_NoError) return -1;
    const bytes = kernel.readPhysical(a.paddr, 2 ** size_bits);
    const r = fn(bytes);
    kernel.writePhysical(a.paddr, bytes);
    return r;
  };
}

/**
 * Boots an AArch64 kernel model and runs `body` as the root task; rethrows its failure. With
 * `vcpus`, threads bound to VCPUs execute guest code (`useARMVCPUs`).
 */
export async function inRootTask(
  body: (sel4: Sel4_AArch64, bi: seL4_BootInfo, kernel: Kernel) => Promise<void>,
  ramSize = 128 * 2 ** 20,
  vcpus?: ARMVCPUExecutorOptions,
): Promise<Kernel> {
  const kernel = new Kernel({ arch: "aarch64", ramSize });
  if (vcpus !== undefined) kernel.useARMVCPUs(vcpus);
  let failure: unknown = null;
  let finished = false;
  await kernel.run(async (sel4, bi) => {
    try {
      await body(sel4 as Sel4_AArch64, bi, kernel);
      finished = true;
    } catch (e) {
      failure = e;
    }
  });
  if (failure) throw failure;
  expect(finished).toBe(true);
  expect(kernel.threadErrors).toEqual([]);
  return kernel;
}

/**
 * Starts a TypeScript thread in the root task's CSpace and VSpace with an IPC buffer (as
 * sel4utils does: TCB, buffer frame, Configure, SetSchedParams, WriteRegisters + resume).
 */
export function spawnThread(
  sel4: Sel4_AArch64,
  kernel: Kernel,
  vka: vka_t,
  program: (sel4: Sel4_AArch64) => Promise<void>,
  prio = 100,
): void {
  const tcb = vka_alloc_tcb(vka);
  const frame = vka_alloc_frame(vka, 12);
  if (tcb.error !== 0 || frame.error !== 0) throw new Error("spawnThread: out of memory");
  const bufferAddr = 0x1000_0000 + frame.object.cptr * 0x1000;
  const ok = (e: number) => {
    if (e !== seL4_NoError) throw new Error(`spawnThread: error ${e}`);
  };
  ok(
    sel4.seL4_TCB_Configure(
      tcb.object.cptr,
      0,
      seL4_CapInitThreadCNode,
      0n,
      seL4_CapInitThreadVSpace,
      0n,
      bufferAddr,
      frame.object.cptr,
    ),
  );
  ok(sel4.seL4_TCB_SetSchedParams(tcb.object.cptr, seL4_CapInitThreadTCB, prio, prio));
  const entry = kernel.registerProgram(async (start) => program(start.sel4 as Sel4_AArch64));
  const regs = sel4.seL4_TCB_ReadRegisters(tcb.object.cptr, false, 0, 36).regs;
  ok(sel4.seL4_TCB_WriteRegisters(tcb.object.cptr, true, 0, 36, { ...regs, pc: entry }));
}
