import { bootstrap_use_current_simple } from "@sel4/allocman";
import { type Arch, inRootTask } from "@sel4/kernel/testing";
import {
  type Sel4,
  type seL4_BootInfo,
  seL4_CapInitThreadCNode,
  seL4_NotificationObject,
} from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import { vka_alloc_object, vka_free_object } from "@sel4/vka";
import { sel4utils_bootstrap_vspace_with_bootinfo, VSPACE_FREE } from "@sel4/vspace";
import { describe, expect, it } from "vitest";
import {
  EINVAL,
  ENOSYS,
  PS_INTERFACE_FOUND_MATCH,
  PS_INTERFACE_NO_MATCH,
  PsIoUnmapError,
  ps_calloc,
  ps_dma_alloc,
  ps_dma_cache_clean_invalidate,
  ps_dma_free,
  ps_dma_pin,
  ps_free,
  ps_interface_find,
  ps_interface_register,
  ps_io_fdt_get,
  ps_io_map,
  ps_io_port_in,
  ps_io_port_out,
  ps_io_unmap,
  ps_irq_register,
  ps_irq_unregister,
  ps_malloc,
  type Sel4IoPortOps,
  type Sel4IrqOps,
  sel4platsupport_new_arch_ops,
  sel4platsupport_new_io_ops,
  sel4utils_new_page_dma_alloc,
} from "../src/index.js";
import { probeTranslations } from "./probe.js";

function setup(sel4: Sel4, bi: seL4_BootInfo, extra?: Uint8Array) {
  const simple = simple_default_init_bootinfo(sel4, bi, extra);
  const vka = bootstrap_use_current_simple(simple);
  const vspace = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, {
    image_start: 0x40_0000,
    bootinfo_vaddr: 0x40_2000,
  });
  const io = sel4platsupport_new_arch_ops(
    sel4platsupport_new_io_ops(vspace, vka, simple),
    simple,
    vka,
  );
  return { simple, vka, vspace, io };
}

describe.each<Arch>(["aarch64", "x86_64"])("ps_io_ops on %s", (arch) => {
  // A device register page of each platform (PL011 UART / a PCI hole address).
  const device = arch === "aarch64" ? 0x0900_0000 : 0xfeb0_0000;

  it("io mapper: maps device frames at their physical address and frees them on unmap", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const { vka, vspace, io } = setup(sel4, bi);
      const v = ps_io_map(io.io_mapper, device + 0x18, 0x2000, false, "PS_MEM_NORMAL")!;
      expect(v % 4096).toBe(0x18);
      const probed = await probeTranslations(sel4, vka, kernel, {}, [v, v + 0x1000]);
      expect(probed.map((p) => p.paddr)).toEqual([device + 0x18, device + 0x1018]);
      // The same registers cannot be handed out twice while mapped.
      expect(ps_io_map(io.io_mapper, device, 0x1000, false, "PS_MEM_NORMAL")).toBeNull();
      expect(() => ps_io_unmap(io.io_mapper, v + 4, 0x2000)).toThrow(PsIoUnmapError);
      ps_io_unmap(io.io_mapper, v, 0x2000);
      expect((await probeTranslations(sel4, vka, kernel, {}, [v]))[0]!.paddr).toBeNull();
      expect(ps_io_map(io.io_mapper, 2 ** 52, 0x1000, false, "PS_MEM_NORMAL")).toBeNull();
      expect(ps_io_map(io.io_mapper, device, 0, false, "PS_MEM_NORMAL")).toBeNull();
      vspace.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("io mapper uses a 2 MiB page when the region allows it", async () => {
    await inRootTask(arch, async (sel4, bi) => {
      const { vka, vspace, io } = setup(sel4, bi);
      const base = arch === "aarch64" ? 0x1000_0000 : 0xc000_0000;
      const v = ps_io_map(io.io_mapper, base, 2 ** 21, true, "PS_MEM_NORMAL")!;
      expect(v % 2 ** 21).toBe(0);
      expect(vspace.mapping_count).toBe(1);
      ps_io_unmap(io.io_mapper, v, 2 ** 21);
      vspace.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("DMA: contiguous pinned buffers whose physical address the kernel confirms", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const { vka, vspace } = setup(sel4, bi);
      const dma = sel4utils_new_page_dma_alloc(vka, vspace);
      const v = ps_dma_alloc(dma, 3 * 4096 + 1, 64, true, "PS_MEM_NORMAL")!; // rounds to 16 KiB
      const p = ps_dma_pin(dma, v, 16384);
      expect(p).not.toBe(0);
      expect(p % 16384).toBe(0);
      const probed = await probeTranslations(sel4, vka, kernel, {}, [v, v + 0x3ff0]);
      expect(probed.map((x) => x.paddr)).toEqual([p, p + 0x3ff0]);
      expect(ps_dma_pin(dma, v + 0x100, 0x10)).toBe(p + 0x100);
      expect(ps_dma_pin(dma, v + 0x3000, 0x2000)).toBe(0); // runs past the buffer
      ps_dma_cache_clean_invalidate(dma, v, 4096);
      expect(ps_dma_alloc(dma, 4096, 8192, true, "PS_MEM_NORMAL")).toBeNull();
      expect(ps_dma_alloc(dma, 0, 0, true, "PS_MEM_NORMAL")).toBeNull();
      ps_dma_free(dma, v, 16384);
      expect(ps_dma_pin(dma, v, 1)).toBe(0);
      vspace.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("IRQs: a raised interrupt reaches its callback through a badged notification", async () => {
    await inRootTask(arch, (sel4, bi, kernel) => {
      const { vka, vspace, io } = setup(sel4, bi);
      const irqOps = io.irq_ops as Sel4IrqOps;
      const ntfn = vka_alloc_object(vka, seL4_NotificationObject, 0).object;
      const ntfnId = irqOps.provide_ntfn(ntfn.cptr, 0b1100n);
      const number = arch === "aarch64" ? 33 : 4;
      const acks: (() => number)[] = [];
      const id = ps_irq_register(io.irq_ops, { type: "PS_INTERRUPT", irq: { number } }, (ack) =>
        acks.push(ack),
      );
      expect(id).toBeGreaterThanOrEqual(0);
      expect(irqOps.set_ntfn(ntfnId, id)).toEqual({ error: 0, badge: 0b100n });
      expect(irqOps.poll(ntfnId)).toBe(0);
      expect(kernel.raiseIRQ(number)).toBe(true); // x86: the model numbers IOAPIC interrupts by vector (= irq here)
      expect(irqOps.poll(ntfnId)).toBe(1);
      expect(acks.length).toBe(1);
      expect(acks[0]!()).toBe(0);
      expect(acks[0]!()).toBe(0); // a second ack does nothing
      expect(kernel.raiseIRQ(number)).toBe(true); // unmasked by the ack: delivered again
      expect(irqOps.poll(ntfnId)).toBe(1);
      expect(kernel.raiseIRQ(number)).toBe(true); // not acked yet: masked, held pending
      expect(irqOps.poll(ntfnId)).toBe(0);
      acks[1]!(); // the ack unmasks it and the pending interrupt arrives
      expect(irqOps.poll(ntfnId)).toBe(1);
      acks[2]!();
      expect(irqOps.return_ntfn(ntfnId).error).toBe(-EINVAL); // still paired
      expect(ps_irq_unregister(io.irq_ops, id)).toBe(0);
      expect(ps_irq_unregister(io.irq_ops, id)).toBe(-EINVAL);
      expect(irqOps.return_ntfn(ntfnId)).toEqual({ error: 0, ntfn: ntfn.cptr });
      expect(
        ps_irq_register(io.irq_ops, { type: "PS_INTERRUPT", irq: { number: 100_000 } }, () => {}),
      ).toBeLessThan(0);
      vka_free_object(vka, ntfn);
      vspace.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true); // one slot per registration, none leaked (C bug #22)
    });
  });

  it("port I/O through cached IOPort caps on x86; none on ARM", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const { vka, vspace, io } = setup(sel4, bi);
      if (arch === "aarch64") {
        expect(io.io_port_ops).toBeUndefined();
        expect(ps_io_port_out(io.io_port_ops, 0x80, 1, 0)).toBe(-ENOSYS);
        return;
      }
      expect(ps_io_port_out(io.io_port_ops, 0x80, 1, 0x12)).toBe(0);
      const slots = vka.stats().slotsUsed;
      expect(ps_io_port_out(io.io_port_ops, 0x80, 1, 0x34)).toBe(0);
      expect(ps_io_port_in(io.io_port_ops, 0x80, 1).error).toBe(0);
      expect(vka.stats().slotsUsed).toBe(slots); // the cap is reused, not re-issued (C bug #24)
      expect(ps_io_port_in(io.io_port_ops, 0xffff, 4).error).toBe(-EINVAL);
      expect(ps_io_port_out(io.io_port_ops, 0x80, 3, 0)).toBe(-EINVAL);
      expect(ps_io_port_out(io.io_port_ops, 0x80, 1, 256)).toBe(-EINVAL);
      (io.io_port_ops as Sel4IoPortOps).release();
      vspace.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("malloc ops, FDT from extra BootInfo, interface registration", async () => {
    const fdt = Uint8Array.of(0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 8);
    const extra = new Uint8Array(16 + fdt.length);
    const view = new DataView(extra.buffer);
    view.setBigUint64(0, 6n, true);
    view.setBigUint64(8, BigInt(extra.length), true);
    extra.set(fdt, 16);
    await inRootTask(arch, (sel4, bi) => {
      const { io } = setup(sel4, bi, extra);
      expect(ps_io_fdt_get(io.io_fdt)).toEqual(fdt);
      const zero = ps_malloc(io.malloc_ops, 0);
      expect(zero.error).toBe(0);
      expect(zero.ptr?.byteLength).toBe(0); // C leaves the pointer unset (C bug #25)
      const c = ps_calloc(io.malloc_ops, 4, 8);
      expect(c.ptr?.byteLength).toBe(32);
      expect(ps_free(io.malloc_ops, 32, c.ptr!)).toBe(0);
      expect(ps_free(io.malloc_ops, 31, c.ptr!)).toBe(EINVAL);
      expect(ps_malloc(io.malloc_ops, -1).error).toBe(EINVAL);
      expect(ps_malloc(undefined, 4).error).toBe(EINVAL);
      const eth = { name: "eth0" };
      expect(
        ps_interface_register(io.interface_registration_ops, "PS_ETHERNET_INTERFACE", eth, ["mac"]),
      ).toBe(0);
      let found: unknown = null;
      const r = ps_interface_find(
        io.interface_registration_ops,
        "PS_ETHERNET_INTERFACE",
        (inst) => {
          found = inst;
          return PS_INTERFACE_FOUND_MATCH;
        },
      );
      expect([r, found]).toEqual([0, eth]);
      expect(
        ps_interface_find(
          io.interface_registration_ops,
          "PS_GPIO_INTERFACE",
          () => PS_INTERFACE_NO_MATCH,
        ),
      ).toBe(-EINVAL);
      expect(sel4.seL4_DebugCapIdentify(seL4_CapInitThreadCNode)).not.toBe(0);
    });
  });
});
