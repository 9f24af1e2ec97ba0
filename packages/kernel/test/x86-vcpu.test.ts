/** x86 guest mode on @sel4/emu-x86 (§9.5): VM exits, EPT, notifications, failed entries. */
import {
  type Sel4_X86_64,
  seL4_AllRights,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapIOPortControl,
  seL4_NotificationObject,
  seL4_X86_4K,
  seL4_X86_EPTPDObject,
  seL4_X86_EPTPDPTObject,
  seL4_X86_EPTPML4Object,
  seL4_X86_EPTPTObject,
  seL4_X86_VCPUObject,
  VMX_CONTROL_PIN_EXECUTION_CONTROLS,
  VMX_GUEST_RFLAGS,
  VMX_GUEST_RSP,
  VMX_GUEST_SYSENTER_CS,
  VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { type Kernel, X86VcpuExecutor } from "../src/index.js";
import { ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const root = seL4_CapInitThreadCNode;
const HLT_EXITING = 1n << 7n;

interface Guest {
  readonly sel4: Sel4_X86_64;
  readonly vcpu: number;
  readonly ept: number;
  readonly frame: number;
  readonly ntfn: number;
  readonly alloc: () => number;
  readonly ut: number;
  /** Enters with MR0..2 = rip, primary controls, entry info; returns [result, MR0..16]. */
  enter(rip: bigint, ppc?: bigint, entry?: bigint): Promise<bigint[]>;
}

/** A VMM root task: VCPU bound to itself, EPT with one RAM page at GPA 0 holding `code`. */
async function withGuest(code: number[], body: (g: Guest, kernel: Kernel) => Promise<void>) {
  await runRoot(
    { arch: "x86_64" },
    async (s, bi, kernel) => {
      const sel4 = s as Sel4_X86_64;
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const make = (type: number) => {
        const c = alloc();
        expect(sel4.seL4_Untyped_Retype(ut, type, 0, root, 0, 0, c, 1)).toBe(0);
        return c;
      };
      const vcpu = make(seL4_X86_VCPUObject);
      const ept = make(seL4_X86_EPTPML4Object);
      expect(sel4.seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, ept)).toBe(0);
      expect(sel4.seL4_X86_EPTPDPT_Map(make(seL4_X86_EPTPDPTObject), ept, 0, 6)).toBe(0);
      expect(sel4.seL4_X86_EPTPD_Map(make(seL4_X86_EPTPDObject), ept, 0, 6)).toBe(0);
      expect(sel4.seL4_X86_EPTPT_Map(make(seL4_X86_EPTPTObject), ept, 0, 6)).toBe(0);
      const frame = make(seL4_X86_4K);
      expect(sel4.seL4_X86_Page_MapEPT(frame, ept, 0, seL4_AllRights, 6)).toBe(0);
      const paddr = sel4.seL4_X86_Page_GetAddress(frame).paddr;
      kernel.writePhysical(paddr, Uint8Array.from(code));
      const ntfn = make(seL4_NotificationObject);
      expect(sel4.seL4_TCB_SetEPTRoot(seL4_CapInitThreadTCB, ept)).toBe(0);
      expect(sel4.seL4_TCB_BindNotification(seL4_CapInitThreadTCB, ntfn)).toBe(0);
      expect(sel4.seL4_X86_VCPU_SetTCB(vcpu, seL4_CapInitThreadTCB)).toBe(0);
      const enter = async (rip: bigint, ppc = HLT_EXITING, entry = 0n) => {
        sel4.seL4_SetMR(0, rip);
        sel4.seL4_SetMR(1, ppc);
        sel4.seL4_SetMR(2, entry);
        const r = await sel4.seL4_VMEnter();
        return [r.result, ...Array.from({ length: 17 }, (_, i) => sel4.seL4_GetMR(i))];
      };
      await body({ sel4, vcpu, ept, frame, ntfn, alloc, ut, enter }, kernel);
    },
    (kernel) => kernel.setExecutor(new X86VcpuExecutor(kernel)),
  );
}

describe("seL4_VMEnter with the x86 executor", () => {
  it("runs real-mode guest code to an I/O exit, then CPUID, EPT violation and HLT exits", async () => {
    // mov al,0x41; out 0x80,al; cpuid; mov [0x2000],al; hlt
    const code = [0xb0, 0x41, 0xe6, 0x80, 0x0f, 0xa2, 0xa2, 0x00, 0x20, 0xf4];
    await withGuest(code, async (g) => {
      const io = await g.enter(0n);
      expect(io[0]).toBe(1n); // SEL4_VMENTER_RESULT_FAULT
      expect(io[1]).toBe(2n); // RIP at the OUT
      expect(io[2]! & HLT_EXITING).toBe(HLT_EXITING);
      expect(io[2]! & (1n << 25n)).toBe(1n << 25n); // forced: I/O bitmaps
      expect(io[4]).toBe(30n);
      expect(io[5]).toBe((0x80n << 16n) | (1n << 6n)); // OUT, size 1, immediate port 0x80
      expect(io[6]).toBe(2n);
      expect(io[11]! & 0xffn).toBe(0x41n);
      const cpuid = await g.enter(io[1]! + io[6]!);
      expect(cpuid[4]).toBe(10n);
      expect(cpuid[5]).toBe(0n);
      const ept = await g.enter(cpuid[1]! + cpuid[6]!);
      expect(ept[4]).toBe(48n);
      expect(ept[5]! & 7n).toBe(2n); // a write
      expect(ept[7]).toBe(0x2000n);
      expect(ept[1]).toBe(6n); // fault-like: RIP on the MOV
      const hlt = await g.enter(ept[1]! + 3n);
      expect(hlt[4]).toBe(12n);
      expect(hlt[1]).toBe(9n);
    });
  });

  it("guest GPRs go in with WriteRegisters and come back in the exit message", async () => {
    // add eax, ebx (66 01 d8 in real mode = add eax,ebx); out 0x80, al
    const code = [0x66, 0x01, 0xd8, 0xe6, 0x80];
    await withGuest(code, async (g) => {
      expect(
        g.sel4.seL4_X86_VCPU_WriteRegisters(g.vcpu, {
          eax: 5n,
          ebx: 0x1_0000n,
          ecx: 7n,
          edx: 8n,
          esi: 9n,
          edi: 10n,
          ebp: 11n,
        }),
      ).toBe(0);
      const r = await g.enter(0n);
      expect(r.slice(11, 18)).toEqual([0x1_0005n, 0x1_0000n, 7n, 8n, 9n, 10n, 11n]);
    });
  });

  it("ports enabled with EnableIOPort run without an exit; others exit", async () => {
    // in al, 0x71; out 0x80, al
    const code = [0xe4, 0x71, 0xe6, 0x80];
    await withGuest(code, async (g) => {
      const io = g.alloc();
      expect(
        g.sel4.seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x70, 0x71, root, io, 64),
      ).toBe(0);
      expect(g.sel4.seL4_X86_VCPU_EnableIOPort(g.vcpu, io, 0x70, 0x71)).toBe(0);
      const r = await g.enter(0n);
      expect(r[5]! >> 16n).toBe(0x80n);
      expect(r[11]! & 0xffn).toBe(0xffn); // nothing behind the port: all ones
      expect(g.sel4.seL4_X86_VCPU_DisableIOPort(g.vcpu, 0x70, 0x71)).toBe(0);
      const again = await g.enter(0n);
      expect(again[5]! >> 16n).toBe(0x71n);
      expect(again[5]! & 8n).toBe(8n); // IN
    });
  });

  it("SYSENTER MSRs are handled by the kernel; other MSRs exit", async () => {
    // mov ecx,0x174; mov eax,0x10; wrmsr; xor eax,eax; rdmsr; mov ecx,0x10; rdmsr
    const code = [
      0x66, 0xb9, 0x74, 0x01, 0, 0, 0x66, 0xb8, 0x10, 0, 0, 0, 0x0f, 0x30, 0x66, 0x31, 0xc0, 0x0f,
      0x32, 0x66, 0xb9, 0x10, 0, 0, 0, 0x0f, 0x32,
    ];
    await withGuest(code, async (g) => {
      const r = await g.enter(0n);
      expect(r[4]).toBe(31n);
      expect(r[11]).toBe(0x10n);
      expect(r[13]).toBe(0x10n);
      expect(g.sel4.seL4_X86_VCPU_ReadVMCS(g.vcpu, VMX_GUEST_SYSENTER_CS).value).toBe(0x10n);
    });
  });

  it("injects the event of MR2 (an external interrupt through the real-mode IVT)", async () => {
    // IVT entry 0x20 -> 0000:0x0100; handler at 0x100: out 0x81, al
    const code = new Array<number>(0x110).fill(0x90);
    code.splice(0x80, 4, 0x00, 0x01, 0x00, 0x00);
    code.splice(0x100, 2, 0xe6, 0x81);
    code.splice(0, 2, 0xe6, 0x80);
    await withGuest(code, async (g, kernel) => {
      const paddr = g.sel4.seL4_X86_Page_GetAddress(g.frame).paddr;
      g.sel4.seL4_X86_VCPU_WriteVMCS(g.vcpu, VMX_GUEST_RFLAGS, 0x202n);
      g.sel4.seL4_X86_VCPU_WriteVMCS(g.vcpu, VMX_GUEST_RSP, 0x800n);
      const r = await g.enter(0x10n, HLT_EXITING, (1n << 31n) | 0x20n);
      expect(r[5]! >> 16n).toBe(0x81n);
      expect(r[3]).toBe(0x20n); // the injection was consumed: valid bit clear
      expect(r[1]).toBe(0x100n);
      // The pushed return frame: IP 0x10, CS 0, FLAGS 0x202.
      expect(Array.from(kernel.readPhysical(paddr + 0x7fa, 6))).toEqual([0x10, 0, 0, 0, 2, 2]);
    });
  });

  it("a bad injection fails the entry; a bad guest state exits with reason 33|bit 31", async () => {
    await withGuest([0xf4], async (g) => {
      const bad = await g.enter(0n, HLT_EXITING, (1n << 31n) | (1n << 8n) | 3n);
      expect(bad[0]).toBe(1n);
      expect(bad[4]).toBe(0xffff_ffffn);
      expect(bad[5]).toBe((1n << 64n) - 1n);
      expect(g.sel4.seL4_X86_VCPU_WriteVMCS(g.vcpu, VMX_GUEST_RFLAGS, 0n).error).toBe(0);
      const state = await g.enter(0n);
      expect(state[4]).toBe(0x8000_0021n);
      g.sel4.seL4_X86_VCPU_WriteVMCS(g.vcpu, VMX_GUEST_RFLAGS, 2n);
      expect((await g.enter(0n))[4]).toBe(12n);
    });
  });

  it("a guest that never exits is preempted and leaves when another thread signals (NOTIF)", async () => {
    // jmp $ (an endless loop)
    await withGuest([0xeb, 0xfe], async (g, kernel) => {
      const badged = g.alloc();
      g.sel4.seL4_CNode_Mint(root, badged, 64, root, g.ntfn, 64, seL4_AllRights, 0x42n);
      let signalled = 0;
      startThread(
        g.sel4,
        kernel,
        g.alloc,
        g.ut,
        async ({ sel4 }) => {
          signalled++;
          sel4.seL4_Signal(badged);
        },
        { prio: 255 },
      );
      const r = await g.enter(0n);
      expect(signalled).toBe(1);
      expect(r[0]).toBe(0n);
      expect(r[1]).toBe(0n); // guest RIP still on the loop
      expect(r[2]! & HLT_EXITING).toBe(HLT_EXITING);
    });
  });

  it("the VMX-preemption timer armed by the VMM exits after that many guest instructions", async () => {
    // inc ax; jmp short back (an endless counting loop)
    await withGuest([0x40, 0xeb, 0xfd], async (g) => {
      g.sel4.seL4_X86_VCPU_WriteVMCS(g.vcpu, VMX_CONTROL_PIN_EXECUTION_CONTROLS, 1n << 6n);
      g.sel4.seL4_X86_VCPU_WriteVMCS(g.vcpu, VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE, 1000n);
      const r = await g.enter(0n);
      expect(r[4]).toBe(52n);
      expect(r[11]).toBe(500n);
    });
  });

  it("unmapping a guest frame is seen by the next entry (no stale EPT translation)", async () => {
    // mov al,[0x10]; out 0x80, al
    const code = [0xa0, 0x10, 0x00, 0xe6, 0x80];
    await withGuest(code, async (g) => {
      expect((await g.enter(0n))[4]).toBe(30n);
      expect(g.sel4.seL4_X86_Page_Unmap(g.frame)).toBe(0);
      const r = await g.enter(0n);
      expect(r[4]).toBe(48n);
      expect(r[5]! & 4n).toBe(4n); // instruction fetch
    });
  });
});
