import { describe, expect, it } from "vitest";
import { EPT_RWX, eptEntry, type GuestPhysicalMemory } from "./memory.js";
import { assemble } from "./testing/assemble.js";
import { flatProtectedMode } from "./testing/flat.js";
import { X86Vcpu } from "./vcpu.js";
import { ExitReason, VmcsField as F, PrimaryControl } from "./vmcs.js";

// The state libsel4vm gives a 32-bit guest (reference/libsel4vm.md 5.3): paging really on, on the
// VMM's 1:1 page directory of 4 MiB pages at guest-physical 0x10000000, while the CR0 read shadow
// says it is off; CR3 load/store exiting until the guest turns paging on itself.
describe("libsel4vm's 32-bit boot state", () => {
  function machine() {
    // 4 MiB of guest RAM at 0, plus the VMM's page directory frame at 0x10000000.
    const ram = new Uint8Array((4 << 20) + 4096);
    const pdOffset = 4 << 20;
    const memory: GuestPhysicalMemory = {
      ram,
      translate: (frame) =>
        frame < 1024
          ? eptEntry(frame * 4096, EPT_RWX)
          : frame === 0x10000
            ? eptEntry(pdOffset, EPT_RWX)
            : 0,
      mmioRead: () => 0,
      mmioWrite: () => {},
    };
    const pd = new DataView(ram.buffer, pdOffset, 4096);
    for (let i = 0; i < 1024; i++) pd.setUint32(i * 4, ((i << 22) | 0x87) >>> 0, true);
    const cpu = new X86Vcpu(memory);
    flatProtectedMode(cpu);
    cpu.writeVmcs(F.GUEST_CR0, 0x80000011);
    cpu.writeVmcs(F.CONTROL_CR0_MASK, 0x80000001);
    cpu.writeVmcs(F.CONTROL_CR0_READ_SHADOW, 0);
    cpu.writeVmcs(F.GUEST_CR4, 0x10 | 0x2000);
    cpu.writeVmcs(F.CONTROL_CR4_MASK, 0x10 | 0x20 | 0x2000);
    cpu.writeVmcs(F.CONTROL_CR4_READ_SHADOW, 0);
    cpu.writeVmcs(F.GUEST_CR3, 0x10000000);
    cpu.writeVmcs(
      F.CONTROL_PRIMARY_PROCESSOR_CONTROLS,
      PrimaryControl.HLT_EXITING |
        PrimaryControl.CR3_LOAD_EXITING |
        PrimaryControl.CR3_STORE_EXITING,
    );
    cpu.writeVmcs(F.GUEST_RIP, 0x100000);
    cpu.writeVmcs(F.GUEST_RSP, 0x90000);
    return { cpu, ram };
  }

  it("the guest sees paging (and PE) off, runs through the VMM's tables, and its CR3/CR0 writes exit", () => {
    const { cpu, ram } = machine();
    ram.set(
      assemble(
        "mov %cr0, %ebx\n mov %cr4, %esi\n movl $0x1234, (0x200000)\n mov $0x300000, %eax\n mov %eax, %cr3\n mov %cr0, %eax\n or $0x80000000, %eax\n mov %eax, %cr0",
        0x100000,
      ),
      0x100000,
    );
    let exit = cpu.run(100);
    // MOV to CR3 exits first (CR3-load exiting): CR 3, MOV to CR, register EAX.
    expect(exit).toMatchObject({
      reason: ExitReason.CR_ACCESS,
      qualification: 3,
      instructionLength: 3,
    });
    // CR0 reads show the shadow for the owned PG and PE bits: only ET is visible.
    expect(cpu.getRegister(3)).toBe(0x10);
    expect(cpu.getRegister(6)).toBe(0);
    expect(new DataView(ram.buffer).getUint32(0x200000, true)).toBe(0x1234);
    // The VMM remembers the guest's CR3 and skips the instruction, as vm_cr_access_handler does.
    cpu.writeVmcs(F.GUEST_RIP, cpu.readVmcs(F.GUEST_RIP) + exit.instructionLength);
    exit = cpu.run(100);
    // Setting PG differs from the shadow of an owned bit: the CR0 write exits too.
    expect(exit).toMatchObject({
      reason: ExitReason.CR_ACCESS,
      qualification: 0,
      instructionLength: 3,
    });
    expect(cpu.getRegister(0)).toBe(0x80000010);
  });
});
