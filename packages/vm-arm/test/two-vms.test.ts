/**
 * Two VMs on one kernel, each driven by its own VMM thread, run recorded `@sel4/guests` programs
 * at the same time: their vCPUs share the model's core, each guest talks to its own PL011 (from
 * `@sel4/vmm-platsupport`), and each UART's bytes equal QEMU's recording for that guest alone.
 * Nothing of one VM (vCPU ids, reservations, vGIC, RAM, stop reason) leaks into the other.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Sel4_AArch64, seL4_MessageInfo_new } from "@sel4/sel4";
import { vka_alloc_endpoint, vka_alloc_frame, vka_alloc_frame_at, type vka_t } from "@sel4/vka";
import {
  vcpu_start,
  vm_assign_vcpu_target,
  vm_create_default_irq_controller,
  vm_guest_ram_write_callback,
  vm_init,
  vm_ram_register_at,
  vm_ram_touch,
  vm_run,
} from "@sel4/vm";
import {
  planVirtBoot,
  VIRT_RAM_BASE,
  VIRT_UART_BASE,
  VIRT_UART_SPI,
  vm_install_pl011,
} from "@sel4/vmm-platsupport";
import { describe, expect, it } from "vitest";
import {
  type ArmGuestVspace,
  create_vmm_plat_vcpu,
  GIC_LAYOUT_QEMU_VIRT,
  vcpu_set_bootargs,
  vm_arm,
  vm_arm_arch,
} from "../src/index.js";
import { inRootTask, kernelVka, modelHostAccess, rootSimple, spawnThread } from "./kernel-env.js";

const virt = join(import.meta.dirname, "..", "..", "guests", "aarch64", "virt");
const GUEST_RAM = 16 * 2 ** 20;
const SPI_BASE = 32;

interface Outcome {
  run: number;
  event: string | null;
  error: string | null;
  uart: string;
  vcpu_ids: number[];
}

/** A VMM thread's whole life: builds its VM, loads `binary`, runs it, reports on `done`. */
async function vmmThread(
  sel4: Sel4_AArch64,
  kernel: Parameters<typeof modelHostAccess>[1],
  vka: vka_t,
  gicv: readonly [number, number],
  binary: string,
  done: number,
  out: Outcome[],
): Promise<void> {
  const boot = planVirtBoot({
    kernel: readFileSync(join(virt, "bin", binary)),
    machine: { ram_size: GUEST_RAM, num_vcpus: 1 },
  });
  const ep = vka_alloc_endpoint(vka).object.cptr;
  const arch = vm_arm_arch({ host_access: modelHostAccess(sel4, kernel), gicv_frames: gicv });
  const vm = vm_init(sel4, arch, vka, rootSimple(sel4), null, null, ep, binary)!;
  expect(vm_create_default_irq_controller(vm)).toBe(0);
  const vcpu = create_vmm_plat_vcpu(vm, 100)!;
  expect(vm_ram_register_at(vm, VIRT_RAM_BASE, GUEST_RAM, false)).toBe(0);
  for (const seg of boot.segments) {
    const bytes = new Uint8Array(seg.memsz);
    bytes.set(seg.data);
    expect(vm_ram_touch(vm, seg.paddr, bytes.length, vm_guest_ram_write_callback, bytes)).toBe(0);
  }
  let uart = "";
  const pl011 = vm_install_pl011(vcpu, {
    base: VIRT_UART_BASE,
    irq: SPI_BASE + VIRT_UART_SPI,
    transmit: (b) => {
      uart += String.fromCharCode(b);
    },
  });
  expect(pl011).not.toBeNull();
  expect(vm_assign_vcpu_target(vcpu, 0)).toBe(0);
  expect(vcpu_set_bootargs(vcpu, boot.registers.pc, 0n, boot.registers.x0)).toBe(0);
  expect(vcpu_start(vcpu)).toBe(0);
  const run = await vm_run(vm);
  const arm = vm_arm(vm);
  out.push({
    run,
    event: arm.system_event,
    error: arm.last_error,
    uart,
    vcpu_ids: vm.vcpus.map((v) => v.vcpu_id),
  });
  await sel4.seL4_Send(done, seL4_MessageInfo_new(0, 0, 0, 0));
}

describe("two VMs on one kernel", () => {
  it("run two guests at once, each with its own PL011, each printing exactly QEMU's output", {
    timeout: 120_000,
  }, async () => {
    const guests = ["timer", "vectors"];
    const outcomes = new Map<string, Outcome[]>(guests.map((g) => [g, []]));
    await inRootTask(
      async (sel4, bi, kernel) => {
        const count = guests.length + 1;
        const vka = kernelVka(sel4, bi, { index: 0, count });
        const done = vka_alloc_endpoint(vka).object.cptr;
        // The hardware's GICV frames, retyped once; each VM maps its own copies.
        const gicv = [0, 0x1000].map((off) => {
          const f = vka_alloc_frame_at(vka, 12, GIC_LAYOUT_QEMU_VIRT.vcpu_paddr + off);
          expect(f.error).toBe(0);
          return f.object.cptr;
        }) as [number, number];
        guests.forEach((g, i) => {
          spawnThread(
            sel4,
            kernel,
            vka,
            (t) => {
              const own = kernelVka(t, bi, { index: i + 1, count });
              return vmmThread(t, kernel, own, gicv, g, done, outcomes.get(g)!);
            },
            200,
          );
        });
        for (const _ of guests) await sel4.seL4_Recv(done);
      },
      256 * 2 ** 20,
      { trapWFI: false },
    );
    for (const g of guests) {
      const expected = readFileSync(join(virt, "expected", `${g}.txt`), "latin1");
      expect(outcomes.get(g)).toEqual([
        { run: 0, event: "off", error: null, uart: expected, vcpu_ids: [0] },
      ]);
    }
  });

  it("a second VM's vGIC needs the GICV frames given (gicv_frames): it maps copies, the device frame is retyped once", async () => {
    await inRootTask(async (sel4, bi, kernel) => {
      const vka = kernelVka(sel4, bi);
      const make = (gicv_frames?: readonly [number, number]) =>
        vm_init(
          sel4,
          vm_arm_arch({
            host_access: modelHostAccess(sel4, kernel),
            ...(gicv_frames === undefined ? {} : { gicv_frames }),
          }),
          vka,
          rootSimple(sel4),
          null,
          null,
          vka_alloc_endpoint(vka).object.cptr,
          "vm",
        )!;
      expect(vm_create_default_irq_controller(make())).toBe(0); // retypes the GICV frames
      expect(vm_create_default_irq_controller(make())).toBe(-1); // nothing left to retype
      const gicv = [0, 1].map(() => {
        const f = vka_alloc_frame(vka, 12); // stand-ins: any frames the VMM holds caps to
        expect(f.error).toBe(0);
        return f.object.cptr;
      }) as [number, number];
      for (let i = 0; i < 2; i++) {
        const vm = make(gicv);
        expect(vm_create_default_irq_controller(vm)).toBe(0);
        const space = vm.mem.vm_vspace as ArmGuestVspace;
        const mapped = space.frame_at(GIC_LAYOUT_QEMU_VIRT.cpu_paddr)!;
        expect(mapped.cap).not.toBe(gicv[0]); // a copy
        expect(sel4.seL4_ARM_Page_GetAddress(mapped.cap).paddr).toBe(
          sel4.seL4_ARM_Page_GetAddress(gicv[0]).paddr,
        );
      }
      expect(vm_create_default_irq_controller(make([gicv[0], 0xfff]))).toBe(-1); // no such cap
    });
  });
});
