/** The C wrappers of `simple.h` over a `simple_t`. */
import {
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapIRQControl,
  seL4_CapNull,
  type seL4_CPtr,
  type seL4_Error,
  seL4_InvalidArgument,
} from "@sel4/sel4";
import type { cspacepath_t } from "@sel4/vka";
import type { SimpleFrameInfo, SimpleUntyped, simple_t } from "./simple.js";

/** `simple_get_frame_cap`: a frame cap for `paddr` at `path` (`seL4_InvalidArgument` if unsupported). */
export function simple_get_frame_cap(
  simple: simple_t,
  paddr: number,
  size_bits: number,
  path: cspacepath_t,
): seL4_Error {
  return simple.frame_cap ? simple.frame_cap(paddr, size_bits, path) : seL4_InvalidArgument;
}

/** `simple_get_frame_vaddr`: where `paddr` is already mapped, or `null`. */
export function simple_get_frame_vaddr(
  simple: simple_t,
  paddr: number,
  size_bits: number,
): number | null {
  return simple.frame_mapping ? simple.frame_mapping(paddr, size_bits) : null;
}

/** `simple_get_frame_info`: a cap covering the range, or `null`. */
export function simple_get_frame_info(
  simple: simple_t,
  paddr: number,
  size_bits: number,
): SimpleFrameInfo | null {
  return simple.frame_info ? simple.frame_info(paddr, size_bits) : null;
}

/** `simple_ASIDPool_assign`: gives `vspace` an ASID. */
export function simple_ASIDPool_assign(simple: simple_t, vspace: seL4_CPtr): seL4_Error {
  return simple.ASID_assign(vspace);
}

/** `simple_get_IRQ_handler`: puts the handler cap of `irq` at `path`. */
export function simple_get_IRQ_handler(
  simple: simple_t,
  irq: number,
  path: cspacepath_t,
): seL4_Error {
  const fn = simple.arch_simple.irq;
  return fn
    ? fn.call(simple.arch_simple, irq, path.root, path.capPtr, path.capDepth)
    : seL4_InvalidArgument;
}

/** `arch_simple_get_IRQ_trigger` (ARM): handler cap of `irq` with a trigger mode, core 0. */
export function simple_get_IRQ_trigger(
  simple: simple_t,
  irq: number,
  trigger: number,
  path: cspacepath_t,
): seL4_Error {
  const fn = simple.arch_simple.irq_trigger;
  return fn
    ? fn.call(simple.arch_simple, irq, trigger, 0, path.root, path.capPtr, path.capDepth)
    : seL4_InvalidArgument;
}

/** `simple_get_IOPort_cap` (x86): an IOPort cap for [`start_port`, `end_port`] at (`root`, `dest`, `depth`). */
export function simple_get_IOPort_cap(
  simple: simple_t,
  start_port: number,
  end_port: number,
  root: seL4_CPtr,
  dest: seL4_CPtr,
  depth: number,
): seL4_Error {
  const fn = simple.arch_simple.IOPort_cap;
  return fn
    ? fn.call(simple.arch_simple, start_port, end_port, root, dest, depth)
    : seL4_InvalidArgument;
}

/** `arch_simple_get_msi` (x86); `seL4_InvalidArgument` when unsupported (C calls a null pointer). */
export function simple_get_msi(
  simple: simple_t,
  path: cspacepath_t,
  pci_bus: number,
  pci_dev: number,
  pci_func: number,
  handle: number,
  vector: number,
): seL4_Error {
  const fn = simple.arch_simple.msi;
  if (!fn) return seL4_InvalidArgument;
  return fn.call(
    simple.arch_simple,
    path.root,
    path.capPtr,
    path.capDepth,
    pci_bus,
    pci_dev,
    pci_func,
    handle,
    vector,
  );
}

/** `arch_simple_get_ioapic` (x86); `seL4_InvalidArgument` when unsupported (C calls a null pointer). */
export function simple_get_ioapic(
  simple: simple_t,
  path: cspacepath_t,
  ioapic: number,
  pin: number,
  level: number,
  polarity: number,
  vector: number,
): seL4_Error {
  const fn = simple.arch_simple.ioapic;
  if (!fn) return seL4_InvalidArgument;
  return fn.call(
    simple.arch_simple,
    path.root,
    path.capPtr,
    path.capDepth,
    ioapic,
    pin,
    level,
    polarity,
    vector,
  );
}

/** `simple_get_cap_count`. */
export function simple_get_cap_count(simple: simple_t): number {
  return simple.cap_count();
}

/** `simple_get_nth_cap`: the `n`-th cap or `seL4_CapNull`. */
export function simple_get_nth_cap(simple: simple_t, n: number): seL4_CPtr {
  return simple.nth_cap(n);
}

/** `simple_get_init_cap`: where initial cap `cap` lives. */
export function simple_get_init_cap(simple: simple_t, cap: seL4_CPtr): seL4_CPtr {
  return simple.init_cap(cap);
}

/** `simple_get_cnode`: the root CNode cap. */
export function simple_get_cnode(simple: simple_t): seL4_CPtr {
  return simple.init_cap(seL4_CapInitThreadCNode);
}

/** `simple_get_tcb`: the task's TCB cap. */
export function simple_get_tcb(simple: simple_t): seL4_CPtr {
  return simple.init_cap(seL4_CapInitThreadTCB);
}

/** `simple_get_pd`: the task's VSpace root cap. */
export function simple_get_pd(simple: simple_t): seL4_CPtr {
  return simple.init_cap(seL4_CapInitThreadVSpace);
}

/** `simple_get_irq_ctrl`: the IRQControl cap. */
export function simple_get_irq_ctrl(simple: simple_t): seL4_CPtr {
  return simple.init_cap(seL4_CapIRQControl);
}

/** `simple_get_sc`: the task's SchedContext (MCS only): `seL4_CapNull` here. */
export function simple_get_sc(_simple: simple_t): seL4_CPtr {
  return seL4_CapNull;
}

/** `simple_get_cnode_size_bits`. */
export function simple_get_cnode_size_bits(simple: simple_t): number {
  return simple.cnode_size();
}

/** `simple_get_untyped_count`. */
export function simple_get_untyped_count(simple: simple_t): number {
  return simple.untyped_count();
}

/** `simple_get_nth_untyped`: the `n`-th untyped or `null`. */
export function simple_get_nth_untyped(simple: simple_t, n: number): SimpleUntyped | null {
  return simple.nth_untyped(n);
}

/** `simple_get_userimage_count`. */
export function simple_get_userimage_count(simple: simple_t): number {
  return simple.userimage_count();
}

/** `simple_get_nth_userimage`. */
export function simple_get_nth_userimage(simple: simple_t, n: number): seL4_CPtr {
  return simple.nth_userimage(n);
}

/** `simple_get_core_count`. */
export function simple_get_core_count(simple: simple_t): number {
  return simple.core_count();
}

/** `simple_get_sched_ctrl`: `seL4_CapNull` without MCS or for `core` ≥ the core count. */
export function simple_get_sched_ctrl(simple: simple_t, core: number): seL4_CPtr {
  if (!simple.sched_ctrl || core >= simple.core_count()) return seL4_CapNull;
  return simple.sched_ctrl(core);
}

/** `simple_get_extended_bootinfo_length`: chunk length with header, or -1. */
export function simple_get_extended_bootinfo_length(simple: simple_t, type: number): number {
  return simple.extended_bootinfo_len ? simple.extended_bootinfo_len(type) : -1;
}

/** `simple_get_extended_bootinfo`: the chunk (with header), or `null`. */
export function simple_get_extended_bootinfo(simple: simple_t, type: number): Uint8Array | null {
  return simple.extended_bootinfo ? simple.extended_bootinfo(type) : null;
}

/** `simple_last_valid_cap`: the highest cap `nth_cap` can return. */
export function simple_last_valid_cap(simple: simple_t): seL4_CPtr {
  let last = seL4_CapNull;
  for (let i = 0; i < simple.cap_count(); i++) last = Math.max(last, simple.nth_cap(i));
  return last;
}

/** `simple_is_untyped_cap`: whether `cap` is one of the untyped caps. */
export function simple_is_untyped_cap(simple: simple_t, cap: seL4_CPtr): boolean {
  for (let i = 0; i < simple.untyped_count(); i++)
    if (simple.nth_untyped(i)?.cap === cap) return true;
  return false;
}
