/**
 * @sel4/vm + @sel4/vm-arm against the kernel model without guest execution (a vCPU thread without
 * an executor takes a prefetch VMFault at its pc, which the first end-to-end test here uses as a
 * real fault). Guests executing real code are in guest-execution.test.ts.
 */
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_MessageInfo_new,
  seL4_NoError,
  seL4_VCPUReg_SCTLR,
  seL4_VCPUReg_TCR,
  seL4_VCPUReg_TTBR0,
  seL4_VCPUReg_VMPIDR_EL2,
} from "@sel4/sel4";
import { vka_alloc_endpoint, type vka_t } from "@sel4/vka";
import {
  FAULT_ERROR,
  get_vcpu_fault_address,
  get_vcpu_fault_ip,
  get_vcpu_fault_size,
  VM_GUEST_SHUTDOWN_EXIT,
  vcpu_start,
  vm_assign_vcpu_target,
  vm_create_default_irq_controller,
  vm_create_vcpu,
  vm_guest_ram_read_callback,
  vm_guest_ram_write_callback,
  vm_init,
  vm_inject_irq,
  vm_ram_register_at,
  vm_ram_touch,
  vm_register_irq,
  vm_register_notification_callback,
  vm_reserve_memory_at,
  vm_run,
  type vm_t,
} from "@sel4/vm";
import { describe, expect, it } from "vitest";
import {
  type ArmGuestVspace,
  create_vmm_plat_vcpu,
  VIRTUAL_TIMER_IRQ,
  VM_VCPU_BADGE_FLAG,
  vcpu_set_bootargs,
  vm_arm,
  vm_arm_arch,
  vm_arm_ipa_to_pa,
  vm_get_arm_vcpu_reg,
  vm_get_thread_context,
  vm_register_vtimer,
  vm_set_arm_vcpu_reg,
  vm_set_thread_context,
} from "../src/index.js";
import { inRootTask, kernelVka, modelHostAccess, rootSimple, spawnThread } from "./kernel-env.js";

type Env = Parameters<Parameters<typeof inRootTask>[0]>;

function newVm(env: Env, name = "vm0", shared?: vka_t): vm_t {
  const [sel4, bi, kernel] = env;
  const vka = shared ?? kernelVka(sel4, bi);
  const ep = vka_alloc_endpoint(vka);
  expect(ep.error).toBe(0);
  const vm = vm_init(
    sel4,
    vm_arm_arch({ host_access: modelHostAccess(sel4, kernel) }),
    vka,
    rootSimple(sel4),
    null,
    null,
    ep.object.cptr,
    name,
  );
  expect(vm).not.toBeNull();
  return vm!;
}

describe("vm_init / vm_create_vcpu on the kernel model", () => {
  it("creates the vCPU CNode, an ASID-assigned stage-2 root, and vCPUs numbered per VM (C bug G1)", async () => {
    await inRootTask(async (...env) => {
      const [sel4, bi] = env;
      const vka = kernelVka(sel4, bi);
      const a = newVm(env, "a", vka);
      const b = newVm(env, "b", vka);
      expect(a.vm_initialised && a.vm_name === "a").toBe(true);
      expect(sel4.seL4_DebugCapIdentify(a.cspace.cspace_obj.cptr)).toBeGreaterThan(0);
      const a0 = vm_create_vcpu(a, 100)!;
      const a1 = vm_create_vcpu(a, 100)!;
      const b0 = vm_create_vcpu(b, 100)!;
      expect([a0.vcpu_id, a1.vcpu_id, b0.vcpu_id]).toEqual([0, 1, 0]);
      expect(a.num_vcpus).toBe(2);
      // Each vCPU thread's context can be read: the TCB exists and is configured.
      expect(vm_get_thread_context(a1)).not.toBeNull();
      expect(vm_create_vcpu(a, 300)).toBeNull();
    });
  });

  it("vm_init refuses an x86 kernel's Sel4", async () => {
    await inRootTask(async (sel4, bi, kernel) => {
      const fake = { ...sel4, config: "x86_64" } as never;
      const vka = kernelVka(sel4, bi);
      expect(
        vm_init(
          fake,
          vm_arm_arch({ host_access: modelHostAccess(sel4, kernel) }),
          vka,
          rootSimple(sel4),
          null,
          null,
          0,
          "x",
        ),
      ).toBeNull();
    });
  });
});

describe("guest RAM on the kernel model", () => {
  it("maps RAM into the stage-2 VSpace with 2 MiB frames where aligned, and vm_ram_touch reaches the frames", async () => {
    await inRootTask(async (...env) => {
      const [sel4, , kernel] = env;
      const vm = newVm(env);
      expect(vm_ram_register_at(vm, 0x4000_0000, 0x40_3000, false)).toBe(0);
      const space = vm.mem.vm_vspace as ArmGuestVspace;
      const big = space.frame_at(0x4020_0000)!;
      expect(big.size_bits).toBe(21);
      expect(sel4.seL4_DebugCapIdentify(big.cap)).toBeGreaterThan(0);
      expect(space.frame_at(0x4040_2000)!.size_bits).toBe(12);
      const data = Uint8Array.from({ length: 0x3000 }, (_, i) => (i * 13) & 0xff);
      expect(vm_ram_touch(vm, 0x401f_f000, data.length, vm_guest_ram_write_callback, data)).toBe(0);
      // The bytes are in the physical frames the kernel maps at those guest addresses.
      const pa = sel4.seL4_ARM_Page_GetAddress(big.cap).paddr;
      expect(kernel.readPhysical(pa, 0x2000)).toEqual(data.subarray(0x1000));
      // vm_arm_ipa_to_pa: contiguous inside the 2 MiB frame, 0 where frames are not contiguous.
      expect(vm_arm_ipa_to_pa(vm, 0x4020_0010, 0x1000)).toBe(pa + 0x10);
      expect(vm_arm_ipa_to_pa(vm, 0x4060_0000, 0x1000)).toBe(0);
      const back = new Uint8Array(data.length);
      expect(vm_ram_touch(vm, 0x401f_f000, back.length, vm_guest_ram_read_callback, back)).toBe(0);
      expect(back).toEqual(data);
    });
  });
});

describe("instruction fetch for ISV=0 aborts on the kernel model", () => {
  it("reads the faulting instruction from guest RAM, through the guest's stage 1 when its MMU is on", async () => {
    await inRootTask(async (...env) => {
      const vm = newVm(env);
      const vcpu = vm_create_vcpu(vm, 100)!;
      expect(vm_ram_register_at(vm, 0x4000_0000, 0x20_0000, false)).toBe(0);
      const put = (gpa: number, bytes: Uint8Array) =>
        expect(vm_ram_touch(vm, gpa, bytes.length, vm_guest_ram_write_callback, bytes)).toBe(0);
      const le = (v: bigint, n: number) =>
        Uint8Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
      put(0x4001_0010, le(0xa9bf_7bfdn, 4)); // stp x29, x30, [sp, #-16]!
      const arm = vm_arm(vm);
      expect(vm_get_arm_vcpu_reg(vcpu, seL4_VCPUReg_SCTLR)! & 1n).toBe(0n);
      expect(arm.fetch_instruction(vcpu, 0x4001_0010n)).toBe(0xa9bf_7bfd);
      expect(arm.fetch_instruction(vcpu, 0x4001_0012n)).toBeNull(); // misaligned
      expect(arm.fetch_instruction(vcpu, 0x5000_0000n)).toBeNull(); // not RAM
      // MMU on, 39-bit TTBR0: L1 table at 0x4000_0000 -> L2 at 0x4000_1000 -> L3 at 0x4000_2000,
      // VA 0x0000_0000_1234_5010 -> page 0x4001_0000.
      const va = 0x1234_5010n;
      put(0x4000_0000 + Number((va >> 30n) & 0x1ffn) * 8, le(0x4000_1003n, 8));
      put(0x4000_1000 + Number((va >> 21n) & 0x1ffn) * 8, le(0x4000_2003n, 8));
      put(0x4000_2000 + Number((va >> 12n) & 0x1ffn) * 8, le(0x4001_0403n, 8));
      expect(vm_set_arm_vcpu_reg(vcpu, seL4_VCPUReg_TCR, 25n)).toBe(0);
      expect(vm_set_arm_vcpu_reg(vcpu, seL4_VCPUReg_TTBR0, 0x4000_0000n)).toBe(0);
      const sctlr = vm_get_arm_vcpu_reg(vcpu, seL4_VCPUReg_SCTLR)!;
      expect(vm_set_arm_vcpu_reg(vcpu, seL4_VCPUReg_SCTLR, sctlr | 1n)).toBe(0);
      expect(arm.fetch_instruction(vcpu, va)).toBe(0xa9bf_7bfd);
      expect(arm.fetch_instruction(vcpu, va + 0x1000n)).toBeNull(); // no page there
    });
  });
});

describe("vcpu_start and vm_run on the kernel model", () => {
  it("VMPIDR has bit 31 and Aff0; a vCPU with nothing to execute faults at its pc into the reservation there", async () => {
    await inRootTask(async (...env) => {
      const vm = newVm(env);
      const vcpu = vm_create_vcpu(vm, 100)!;
      const seen: unknown[] = [];
      vm_reserve_memory_at(
        vm,
        0x1000_0000,
        0x1000,
        (_vm, v, addr, len) => {
          seen.push([
            v === vcpu,
            addr,
            len,
            get_vcpu_fault_address(v),
            get_vcpu_fault_ip(v),
            get_vcpu_fault_size(v),
          ]);
          return FAULT_ERROR;
        },
        null,
      );
      expect(vcpu_set_bootargs(vcpu, 0x1000_0040n, 0n, 0x4800_0000n)).toBe(0);
      const ctx = vm_get_thread_context(vcpu)!;
      expect([ctx.pc, ctx.x0, ctx.spsr]).toEqual([0x1000_0040n, 0x4800_0000n, 0x3c5n]);
      expect(vcpu_start(vcpu)).toBe(0);
      expect(vcpu_start(vcpu)).toBe(-1);
      expect(vm_get_arm_vcpu_reg(vcpu, seL4_VCPUReg_VMPIDR_EL2)).toBe(0x8000_0000n);
      expect(await vm_run(vm)).toBe(-1);
      expect(seen).toEqual([[true, 0x1000_0040, 0, 0x1000_0040, 0x1000_0040n, 0]]);
      expect(vm_arm(vm).last_error).toMatch(/error/);
    });
  });

  it("messages without the vCPU badge flag go to the notification callback (C bug G7)", async () => {
    await inRootTask(async (...env) => {
      const [sel4, , kernel] = env;
      const vm = newVm(env);
      const seen: bigint[] = [];
      vm_register_notification_callback(
        vm,
        (_vm, badge, tag) => {
          seen.push(badge, BigInt(tag.label));
          return seen.length >= 4 ? 1 : 0;
        },
        null,
      );
      const root = seL4_CapInitThreadCNode;
      for (const badge of [1n, 2n]) {
        const slot = vm.vka.cspace_alloc().cptr;
        expect(
          sel4.seL4_CNode_Mint(root, slot, 64, root, vm.host_endpoint, 64, seL4_AllRights, badge),
        ).toBe(seL4_NoError);
        spawnThread(
          sel4,
          kernel,
          vm.vka,
          async (t) => {
            await t.seL4_Send(slot, seL4_MessageInfo_new(7, 0, 0, 0));
          },
          50,
        );
      }
      // Badges 1 and 2 were vCPU badges in C; here they are notifications, and the callback's
      // non-zero answer stops vm_run with an error.
      expect(await vm_run(vm)).toBe(-1);
      expect([seen[0], seen[2]].sort()).toEqual([1n, 2n]);
      expect([seen[1], seen[3]]).toEqual([7n, 7n]);
      expect(vm.run.exit_reason).toBe(-1);
      expect(VM_VCPU_BADGE_FLAG & 3n).toBe(0n);
    });
  });

  it("a fault badge naming no vCPU is an error", async () => {
    await inRootTask(async (...env) => {
      const [sel4, , kernel] = env;
      const vm = newVm(env);
      const root = seL4_CapInitThreadCNode;
      const slot = vm.vka.cspace_alloc().cptr;
      sel4.seL4_CNode_Mint(
        root,
        slot,
        64,
        root,
        vm.host_endpoint,
        64,
        seL4_AllRights,
        VM_VCPU_BADGE_FLAG | 5n,
      );
      spawnThread(
        sel4,
        kernel,
        vm.vka,
        async (t) => {
          await t.seL4_Send(slot, seL4_MessageInfo_new(5, 0, 0, 4));
        },
        50,
      );
      expect(await vm_run(vm)).toBe(-1);
      expect(vm_arm(vm).last_error).toMatch(/unknown vCPU/);
    });
  });
});

describe("vGIC on the kernel model", () => {
  it("maps the GICV frames at the guest CPU interface and injects through InjectIRQ, learning the LR count", async () => {
    await inRootTask(async (...env) => {
      const vm = newVm(env);
      const vcpu = vm_create_vcpu(vm, 100)!;
      expect(vm_create_default_irq_controller(vm)).toBe(0);
      expect(vm_create_default_irq_controller(vm)).toBe(-1);
      const space = vm.mem.vm_vspace as ArmGuestVspace;
      expect(space.frame_at(0x0801_1000)).not.toBeNull();
      const gic = vm_arm(vm).vgic!;
      gic.dist_access(0, 0, 4, true, 1n);
      for (let i = 1; i < 8; i++) gic.dist_access(0, 0x100 + 4 * i, 4, true, 0xffff_ffffn);
      const acks: number[] = [];
      for (let irq = 40; irq < 46; irq++)
        expect(vm_register_irq(vcpu, irq, (_v, i) => acks.push(i), null)).toBe(0);
      for (let irq = 40; irq < 46; irq++) expect(vm_inject_irq(vcpu, irq)).toBe(0);
      expect(gic.num_list_regs).toBe(4);
      expect(gic.list_registers(0)).toEqual([40, 41, 42, 43]);
      expect(vm_inject_irq(vcpu, 47)).toBe(-1); // not registered
    });
  });
});

describe("virtual timer on the kernel model", () => {
  it("create_vmm_plat_vcpu registers PPI 27; its EOI acks the VPPI in the kernel", async () => {
    await inRootTask(async (...env) => {
      const vm = newVm(env);
      expect(create_vmm_plat_vcpu(vm, 100)).toBeNull(); // no vGIC yet
      expect(vm_create_default_irq_controller(vm)).toBe(0);
      const vcpu = create_vmm_plat_vcpu(vm, 100)!;
      expect(vm_register_vtimer(vcpu)).toBe(-1);
      const gic = vm_arm(vm).vgic!;
      gic.dist_access(vcpu.vcpu_id, 0, 4, true, 1n);
      gic.dist_access(vcpu.vcpu_id, 0x100, 4, true, 1n << 27n);
      expect(vm_inject_irq(vcpu, VIRTUAL_TIMER_IRQ)).toBe(0);
      expect(gic.list_registers(vcpu.vcpu_id)).toEqual([27]);
      vm_arm(vm).last_error = null;
      expect(gic.maintenance(vcpu.vcpu_id, 0)).toBe(0);
      expect(vm_arm(vm).last_error).toBeNull(); // AckVPPI(27) accepted by the kernel
      expect(gic.list_registers(vcpu.vcpu_id)).toEqual([null]);
    });
  });
});

describe("PSCI over the HVC conduit through the kernel's UnknownSyscall faults", () => {
  // The vCPU threads run TypeScript programs instead of guest code (the kernel runs a thread
  // whose pc is a registered program): each HVC is an unknown system call, which the kernel turns
  // into a real UnknownSyscall fault on the vCPU's badged fault endpoint, x0..x7 in MR0..7.
  it("CPU_ON starts the second vCPU with its context id, AFFINITY_INFO tracks CPU_OFF, SYSTEM_OFF ends vm_run", async () => {
    await inRootTask(async (...env) => {
      const [, , kernel] = env;
      const vm = newVm(env);
      const v0 = vm_create_vcpu(vm, 100)!;
      vm_create_vcpu(vm, 100);
      expect(vm_assign_vcpu_target(v0, 0)).toBe(0);
      const log: string[] = [];
      const hvc = (
        port: {
          syscallBlocking(id: number, dest: number, info: bigint): Promise<{ badge: bigint }>;
        },
        fid: number,
        x1: bigint,
      ) => port.syscallBlocking(0, fid, x1).then((r) => BigInt.asIntN(64, r.badge));
      const secondary = kernel.registerProgram(async ({ port, args }) => {
        log.push(`secondary x0=${args[0]}`);
        log.push(`version ${(await hvc(port, 0x8400_0000, 0n)).toString(16)}`);
        log.push(`affinity of 0: ${await hvc(port, 0xc400_0004, 0n)}`); // x2 = 0: level 0
        log.push(`affinity of 1: ${await hvc(port, 0xc400_0004, 1n)}`);
        await hvc(port, 0x8400_0002, 0n); // CPU_OFF
        // A guest CPU would restart at the CPU_ON entry; a TypeScript stand-in continues here
        // instead. Its next HVC is a new fault, taken and answered normally.
        log.push("secondary on again");
        log.push(`version ${(await hvc(port, 0x8400_0000, 0n)).toString(16)}`);
        await hvc(port, 0x8400_0002, 0n);
        log.push("returned from the second CPU_OFF");
      });
      const primary = kernel.registerProgram(async ({ port, sel4 }) => {
        log.push(`cpu_on ${await hvc(port, 0xc400_0003, 1n)}`);
        log.push(`cpu_on again ${await hvc(port, 0xc400_0003, 1n)}`);
        log.push(`cpu_on unknown ${await hvc(port, 0xc400_0003, 7n)}`);
        for (let i = 0; i < 100 && !log.includes("affinity of 1: 0"); i++) await sel4.seL4_Yield();
        await sel4.seL4_Yield();
        // CPU 1 is off again: it can be turned on a second time (its fault slot was released).
        log.push(`cpu_on after off ${await hvc(port, 0xc400_0003, 1n)}`);
        for (let i = 0; i < 100 && log.filter((l) => l === "version 10000").length < 2; i++) {
          await sel4.seL4_Yield();
        }
        await sel4.seL4_Yield();
        // This thread's x2 holds the secondary entry: a non-zero lowest affinity level.
        log.push(`affinity level x2 ${await hvc(port, 0xc400_0004, 1n)}`);
        log.push(`smccc unknown ${await hvc(port, 0x8200_0001, 0n)}`);
        await hvc(port, 0x8400_0008, 0n); // SYSTEM_OFF
        log.push("returned from SYSTEM_OFF");
      });
      const ctx = vm_get_thread_context(v0)!;
      expect(vm_set_thread_context(v0, { ...ctx, pc: primary, x2: secondary, x3: 0x77n })).toBe(0);
      expect(vcpu_start(v0)).toBe(0);
      expect(await vm_run(vm)).toBe(0);
      expect(vm.run.exit_reason).toBe(VM_GUEST_SHUTDOWN_EXIT);
      expect(vm_arm(vm).system_event).toBe("off");
      expect(log).toEqual([
        "cpu_on 0",
        "cpu_on again -4",
        "cpu_on unknown -2",
        "secondary x0=119",
        "version 10000",
        "affinity of 0: 0",
        "affinity of 1: 0",
        "cpu_on after off 0",
        "secondary on again",
        "version 10000",
        "affinity level x2 -2",
        "smccc unknown -1",
      ]);
      expect(vm.vcpus[1]!.target_cpu).toBe(1);
      expect(vm.vcpus[1]!.vcpu_online).toBe(false); // CPU_OFF
      expect(vm_get_arm_vcpu_reg(vm.vcpus[1]!, seL4_VCPUReg_VMPIDR_EL2)).toBe(0x8000_0001n);
    });
  });
});
