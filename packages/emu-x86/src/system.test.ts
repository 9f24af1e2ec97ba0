import { describe, expect, it } from "vitest";
import {
  createFlatMemory,
  EPT_MMIO,
  EPT_RWX,
  eptEntry,
  type GuestPhysicalMemory,
} from "./memory.js";
import { assemble } from "./testing/assemble.js";
import { RING0_STACK, SEL, systemMachine } from "./testing/system.js";
import { X86Vcpu } from "./vcpu.js";
import { ExitReason, VmcsField as F, InterruptionType, PrimaryControl } from "./vmcs.js";

const HLT = PrimaryControl.HLT_EXITING;

function runToHlt(cpu: X86Vcpu, budget = 100_000) {
  cpu.writeVmcs(
    F.CONTROL_PRIMARY_PROCESSOR_CONTROLS,
    cpu.readVmcs(F.CONTROL_PRIMARY_PROCESSOR_CONTROLS) | HLT,
  );
  const exit = cpu.run(budget);
  expect({ reason: exit.reason, info: exit.interruptInfo.toString(16) }).toEqual({
    reason: ExitReason.HLT,
    info: "0",
  });
  return exit;
}

describe("exceptions through the IDT", () => {
  it("#DE is a fault: the pushed EIP is the DIV, CS and EFLAGS follow", () => {
    const m = systemMachine();
    m.load(0x1000, "xor %ecx, %ecx\n div %ecx\n hlt");
    m.load(0x2000, "pop %eax\n pop %ebx\n pop %edx\n hlt");
    m.gate(0, 0x2000);
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(0)).toBe(0x1002);
    expect(m.cpu.getRegister(3)).toBe(SEL.code0);
    expect(m.cpu.getRegister(2) & 0x2).toBe(2);
  });

  it("INT3 is a trap (EIP after it); #GP pushes its error code; #UD for an undefined opcode", () => {
    const m = systemMachine();
    m.load(0x1000, "int3\n hlt");
    m.load(0x2000, "pop %eax\n hlt");
    m.gate(3, 0x2000);
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(0)).toBe(0x1001);

    const g = systemMachine();
    // Loading DS with a selector beyond the GDT limit: #GP(selector).
    g.load(0x1000, "mov $0x80, %ax\n mov %ax, %ds\n hlt");
    g.load(0x2000, "pop %eax\n pop %ebx\n hlt");
    g.gate(13, 0x2000);
    runToHlt(g.cpu);
    expect(g.cpu.getRegister(0)).toBe(0x80);
    expect(g.cpu.getRegister(3)).toBe(0x1004);

    const u = systemMachine();
    u.load(0x1000, "ud2\n hlt");
    u.load(0x2000, "pop %eax\n hlt");
    u.gate(6, 0x2000);
    runToHlt(u.cpu);
    expect(u.cpu.getRegister(0)).toBe(0x1000);
  });

  it("an interrupt gate clears IF, a trap gate keeps it", () => {
    for (const [type, expectIf] of [
      [0xe, 0],
      [0xf, 0x200],
    ] as const) {
      const m = systemMachine();
      m.load(0x1000, "sti\n int $0x40\n hlt");
      m.load(0x2000, "pushf\n pop %eax\n hlt");
      m.gate(0x40, 0x2000, 0, type);
      runToHlt(m.cpu);
      expect(m.cpu.getRegister(0) & 0x200).toBe(expectIf);
    }
  });

  it("IRET to ring 3, INT 0x80 back to ring 0 on the TSS stack, HLT in ring 3 is #GP(0)", () => {
    const m = systemMachine();
    m.load(
      0x1000,
      `push $${SEL.data3}\n push $0x50000\n push $0x202\n push $${SEL.code3}\n push $0x3000\n iret`,
    );
    m.load(0x3000, "mov $0x23, %ax\n mov %ax, %ds\n int $0x80\n hlt");
    m.load(0x2000, "mov %esp, %esi\n mov 4(%esp), %ecx\n mov 16(%esp), %edx\n iret");
    m.load(0x2100, "pop %ebp\n pop %eax\n pop %ebx\n hlt");
    m.gate(0x80, 0x2000, 3);
    m.gate(13, 0x2100);
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(6)).toBe(RING0_STACK - 20);
    // Back in ring 0 from the #GP raised by the ring-3 HLT: error 0, EIP of the HLT, CS 0x1b.
    expect(m.cpu.getRegister(5)).toBe(0);
    expect(m.cpu.getRegister(0)).toBe(0x3008);
    expect(m.cpu.getRegister(3)).toBe(SEL.code3);
    // The frame the INT 0x80 handler saw: CS 0x1b and the ring-3 SS.
    expect([m.cpu.getRegister(1), m.cpu.getRegister(2)]).toEqual([SEL.code3, SEL.data3]);
    expect(m.cpu.readVmcs(F.GUEST_CS_SELECTOR)).toBe(SEL.code0);
    expect(m.cpu.readVmcs(F.GUEST_RSP)).toBe(RING0_STACK - 12);
  });

  it("an INT n whose gate DPL is below CPL is #GP(vector * 8 + 2)", () => {
    const m = systemMachine();
    m.load(
      0x1000,
      `push $${SEL.data3}\n push $0x50000\n push $0x2\n push $${SEL.code3}\n push $0x3000\n iret`,
    );
    m.load(0x3000, "int $0x41");
    m.load(0x2100, "pop %eax\n hlt");
    m.gate(0x41, 0x2000, 0);
    m.gate(13, 0x2100);
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(0)).toBe(0x41 * 8 + 2);
  });

  it("a fault while delivering a fault escalates to #DF, and a third one is a triple-fault exit", () => {
    const m = systemMachine();
    m.load(0x1000, "xor %ecx, %ecx\n div %ecx");
    m.load(0x2000, "pop %eax\n hlt");
    m.gate(8, 0x2000);
    // The #DE gate is not present: #NP while delivering #DE -> #DF (error code 0).
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(0)).toBe(0);
    const t = systemMachine();
    t.load(0x1000, "xor %ecx, %ecx\n div %ecx");
    expect(t.cpu.run(100).reason).toBe(ExitReason.TRIPLE_FAULT);
  });
});

describe("self-modifying code", () => {
  it("a store into already executed (and cached) code takes effect on the next fetch", () => {
    const m = systemMachine();
    m.load(
      0x1000,
      "xor %ebx, %ebx\n mov $3, %ecx\n1: mov $1, %eax\n add %eax, %ebx\n movl $5, (1b + 1)\n loop 1b\n hlt",
    );
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(3)).toBe(1 + 5 + 5);
  });
});

describe("self-modifying code, linked instructions", () => {
  it("patching the instruction that followed last time is seen on the next pass", () => {
    const m = systemMachine();
    m.load(
      0x1000,
      "mov $2, %ecx\n xor %eax, %eax\n xor %ebx, %ebx\n mov $0x40, %dl\n1: movb %dl, (2f)\n2: inc %eax\n mov $0x43, %dl\n loop 1b\n hlt",
    );
    runToHlt(m.cpu);
    // First pass: INC EAX (0x40); second pass: the byte became INC EBX (0x43).
    expect([m.cpu.getRegister(0), m.cpu.getRegister(3)]).toEqual([1, 1]);
  });
});

describe("real mode", () => {
  it("segment arithmetic and INT through the IVT with IRET", () => {
    const memory = createFlatMemory(1 << 20);
    const cpu = new X86Vcpu(memory);
    memory.ram.set(
      assemble(
        "mov $0x100, %ax\n mov %ax, %ds\n movb $0x55, (0x10)\n mov $0x1234, %ax\n int $0x10\n hlt",
        0,
        16,
      ),
      0x7c00,
    );
    memory.ram.set(assemble("mov %ax, %bx\n pushf\n pop %cx\n iret", 0, 16), 0x500);
    new DataView(memory.ram.buffer).setUint32(0x10 * 4, 0x00000500, true);
    cpu.writeVmcs(F.GUEST_RIP, 0x7c00);
    cpu.writeVmcs(F.GUEST_RSP, 0x7000);
    cpu.writeVmcs(F.GUEST_RFLAGS, 0x202);
    runToHlt(cpu);
    expect(memory.ram[0x1010]).toBe(0x55);
    expect(cpu.getRegister(3) & 0xffff).toBe(0x1234);
    expect(cpu.getRegister(1) & 0x200).toBe(0);
    expect(cpu.readVmcs(F.GUEST_RFLAGS) & 0x200).toBe(0x200);
    expect(cpu.readVmcs(F.GUEST_RSP)).toBe(0x7000);
  });

  it("switches to protected mode with LGDT, MOV CR0 and a far jump", () => {
    const m = systemMachine();
    const cpu = new X86Vcpu(m.memory);
    m.ram.set(
      assemble(
        "lgdt (0x600)\n mov %cr0, %eax\n or $1, %eax\n mov %eax, %cr0\n ljmp $0x08, $0x7e00",
        0,
        16,
      ),
      0x7c00,
    );
    m.ram.set(
      assemble(
        "mov $0x10, %ax\n mov %ax, %ss\n mov $0x9000, %esp\n push $0x12345678\n pop %ebx\n hlt",
        0x7e00,
      ),
      0x7e00,
    );
    new DataView(m.ram.buffer).setUint16(0x600, 0x2f, true);
    new DataView(m.ram.buffer).setUint32(0x602, 0x8000, true);
    cpu.writeVmcs(F.GUEST_RIP, 0x7c00);
    runToHlt(cpu);
    expect(cpu.getRegister(3)).toBe(0x12345678);
    expect(cpu.readVmcs(F.GUEST_CS_ACCESS_RIGHTS) & 0x4000).toBe(0x4000);
  });
});

describe("VM exits", () => {
  function exitOf(source: string, setup?: (cpu: X86Vcpu) => void) {
    const m = systemMachine();
    m.load(0x1000, source);
    setup?.(m.cpu);
    return { exit: m.cpu.run(1000), cpu: m.cpu };
  }

  it("I/O instructions: port, size, direction, string, REP, immediate; EIP stays on the instruction", () => {
    let { exit, cpu } = exitOf("mov $0x3f8, %dx\n out %al, %dx");
    expect(exit).toMatchObject({
      reason: ExitReason.IO_INSTRUCTION,
      qualification: 0x3f80000,
      instructionLength: 1,
    });
    expect(cpu.readVmcs(F.GUEST_RIP)).toBe(0x1004);
    ({ exit } = exitOf("in $0x60, %ax"));
    expect(exit).toMatchObject({ qualification: (0x60 << 16) | 64 | 8 | 1, instructionLength: 3 });
    ({ exit } = exitOf("mov $0x80, %dx\n mov $4, %ecx\n rep outsl"));
    expect(exit).toMatchObject({ qualification: (0x80 << 16) | 32 | 16 | 3, instructionLength: 2 });
  });

  it("CPUID, RDMSR, WRMSR, VMCALL and HLT exit with their lengths", () => {
    expect(exitOf("cpuid").exit).toMatchObject({ reason: ExitReason.CPUID, instructionLength: 2 });
    expect(exitOf("rdmsr").exit).toMatchObject({
      reason: ExitReason.MSR_READ,
      instructionLength: 2,
    });
    expect(exitOf("wrmsr").exit).toMatchObject({
      reason: ExitReason.MSR_WRITE,
      instructionLength: 2,
    });
    expect(exitOf("vmcall").exit).toMatchObject({
      reason: ExitReason.VMCALL,
      instructionLength: 3,
    });
    const hlt = exitOf("nop\n hlt", (cpu) =>
      cpu.writeVmcs(F.CONTROL_PRIMARY_PROCESSOR_CONTROLS, HLT),
    );
    expect(hlt.exit).toMatchObject({ reason: ExitReason.HLT, instructionLength: 1 });
    expect(hlt.cpu.readVmcs(F.GUEST_RIP)).toBe(0x1001);
  });

  it("RDMSR in ring 3 is #GP before any exit", () => {
    const { exit } = exitOf(
      `push $${SEL.data3}\n push $0x50000\n push $0x2\n push $${SEL.code3}\n push $0x3000\n iret`,
      (cpu) => {
        cpu.writeVmcs(F.CONTROL_EXCEPTION_BITMAP, 1 << 13);
      },
    );
    expect(exit.reason).not.toBe(ExitReason.MSR_READ);
  });

  it("CR0/CR4 guest/host masks, read shadows and CR3 exiting", () => {
    const setup = (cpu: X86Vcpu) => {
      cpu.writeVmcs(F.CONTROL_CR0_MASK, 0x80000001);
      cpu.writeVmcs(F.CONTROL_CR0_READ_SHADOW, 0);
      cpu.writeVmcs(F.CONTROL_CR4_MASK, 0x30);
      cpu.writeVmcs(F.CONTROL_CR4_READ_SHADOW, 0);
      cpu.writeVmcs(F.GUEST_CR4, 0x10);
      cpu.writeVmcs(
        F.CONTROL_PRIMARY_PROCESSOR_CONTROLS,
        PrimaryControl.CR3_LOAD_EXITING | PrimaryControl.CR3_STORE_EXITING | HLT,
      );
    };
    // MOV from CR0 shows the shadow for owned bits (PE reads 0), MOV from CR4 hides PSE.
    let r = exitOf("mov %cr0, %ebx\n mov %cr4, %ecx\n hlt", setup);
    expect(r.exit.reason).toBe(ExitReason.HLT);
    expect(r.cpu.getRegister(3) & 1).toBe(0);
    expect(r.cpu.getRegister(1) & 0x10).toBe(0);
    // Writing CR0 with a masked bit different from the shadow exits: CR 0, MOV to, register EDX.
    r = exitOf("mov $0x11, %edx\n mov %edx, %cr0", setup);
    expect(r.exit).toMatchObject({
      reason: ExitReason.CR_ACCESS,
      qualification: 0 | (0 << 4) | (2 << 8),
      instructionLength: 3,
    });
    // Unmasked bits change without an exit.
    r = exitOf("mov %cr0, %eax\n or $0x10000, %eax\n mov %eax, %cr0\n hlt", setup);
    expect(r.exit.reason).toBe(ExitReason.HLT);
    expect(r.cpu.readVmcs(F.GUEST_CR0) & 0x10001).toBe(0x10001);
    r = exitOf("mov %esi, %cr3", setup);
    expect(r.exit).toMatchObject({ reason: ExitReason.CR_ACCESS, qualification: 3 | (6 << 8) });
    r = exitOf("mov %cr3, %edi", setup);
    expect(r.exit).toMatchObject({
      reason: ExitReason.CR_ACCESS,
      qualification: 3 | (1 << 4) | (7 << 8),
    });
    r = exitOf("mov $0x20, %eax\n mov %eax, %cr4", setup);
    expect(r.exit).toMatchObject({ reason: ExitReason.CR_ACCESS, qualification: 4 });
  });

  it("interrupt window: exits once IF = 1 and the STI shadow has passed", () => {
    const m = systemMachine();
    m.load(0x1000, "nop\n sti\n nop\n nop");
    m.cpu.writeVmcs(F.CONTROL_PRIMARY_PROCESSOR_CONTROLS, PrimaryControl.INTERRUPT_WINDOW_EXITING);
    const exit = m.cpu.run(100);
    expect(exit).toMatchObject({ reason: ExitReason.PENDING_INTERRUPT, instructionLength: 0 });
    expect(m.cpu.readVmcs(F.GUEST_RIP)).toBe(0x1003);
  });

  it("the budget ends in a preemption-timer exit after exactly that many instructions", () => {
    const m = systemMachine();
    m.load(0x1000, "1: inc %eax\n jmp 1b");
    expect(m.cpu.run(1001).reason).toBe(ExitReason.VMX_TIMER);
    expect(m.cpu.getRegister(0)).toBe(501);
    expect(m.cpu.instructionsRetired).toBe(1001);
  });

  it("EPT violations report access, entry permissions, linear and guest-physical addresses", () => {
    const base = createFlatMemory(1 << 22);
    const reads: number[] = [];
    const memory: GuestPhysicalMemory = {
      ram: base.ram,
      translate: (frame) =>
        frame === 0x200
          ? 0
          : frame === 0x201
            ? eptEntry(0, 1)
            : frame === 0x202
              ? EPT_MMIO | EPT_RWX
              : base.translate(frame),
      mmioRead: (address, size) => {
        reads.push(address, size);
        return 0xabcd;
      },
      mmioWrite: () => {},
    };
    const m = systemMachine(memory);
    m.load(0x1000, "mov 0x202010, %cx\n mov %eax, 0x200010");
    let exit = m.cpu.run(100);
    expect(reads).toEqual([0x202010, 2]);
    expect(m.cpu.getRegister(1) & 0xffff).toBe(0xabcd);
    expect(exit).toMatchObject({
      reason: ExitReason.EPT_VIOLATION,
      qualification: 2 | (1 << 7) | (1 << 8),
      guestPhysical: 0x200010,
      guestLinear: 0x200010,
    });
    // The read of a read-modify-write instruction reports a read and a write (bits 0 and 1).
    const rmw = systemMachine(memory);
    rmw.load(0x1000, "orl $1, 0x200010");
    expect(rmw.cpu.run(100)).toMatchObject({
      reason: ExitReason.EPT_VIOLATION,
      qualification: 3 | (1 << 7) | (1 << 8),
    });
    const cmp = systemMachine(memory);
    cmp.load(0x1000, "cmpl $1, 0x200010");
    expect(cmp.cpu.run(100)).toMatchObject({
      reason: ExitReason.EPT_VIOLATION,
      qualification: 1 | (1 << 7) | (1 << 8),
    });
    const r = systemMachine(memory);
    r.load(0x1000, "addl $1, 0x201ffe");
    exit = r.cpu.run(100);
    // A read-only frame: the write of the read-modify-write faults; bits 3-5 show R only.
    expect(exit).toMatchObject({
      reason: ExitReason.EPT_VIOLATION,
      qualification: 2 | (1 << 3) | (1 << 7) | (1 << 8),
    });
  });

  it("EPT violations are fault-like: GUEST_RIP stays on the instruction whose access failed", () => {
    const base = createFlatMemory(1 << 22);
    // Frame 0x200 is not mapped at all: every access to it is an EPT violation.
    const memory: GuestPhysicalMemory = {
      ram: base.ram,
      translate: (frame) => (frame === 0x200 ? 0 : base.translate(frame)),
      mmioRead: () => 0,
      mmioWrite: () => {},
    };
    const cases: [string, number][] = [
      ["nop\n mov %eax, 0x200010", 0x1001], // a store
      ["nop\n nop\n mov 0x200010, %ebx", 0x1002], // a load
      ["nop\n orl $1, 0x200010", 0x1001], // read-modify-write
      ["mov $0x200010, %edi\n mov $4, %ecx\n rep stosb", 0x100a], // a string store, first iteration
      ["jmp 0x200000", 0x200000], // a fetch
    ];
    for (const [code, rip] of cases) {
      const m = systemMachine(memory);
      m.load(0x1000, code);
      expect(m.cpu.run(100).reason).toBe(ExitReason.EPT_VIOLATION);
      expect([code, m.cpu.readVmcs(F.GUEST_RIP)]).toEqual([code, rip]);
    }
    const rep = systemMachine(memory);
    rep.load(0x1000, "mov $0x200010, %edi\n mov $4, %ecx\n rep stosb");
    rep.cpu.run(100);
    expect(rep.cpu.getRegister(1)).toBe(4); // nothing stored: ECX untouched
  });

  it("event injection on entry: external interrupt, exception with error code, software interrupt", () => {
    const m = systemMachine();
    m.load(0x1000, "hlt");
    m.load(0x2000, "pop %eax\n hlt");
    m.load(0x2100, "pop %eax\n pop %ebx\n hlt");
    m.gate(0x30, 0x2000);
    m.gate(13, 0x2100);
    m.cpu.writeVmcs(F.CONTROL_ENTRY_INTERRUPTION_INFO, 0x80000030);
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(0)).toBe(0x1000);
    m.cpu.writeVmcs(F.GUEST_RIP, 0x1000);
    m.cpu.writeVmcs(
      F.CONTROL_ENTRY_INTERRUPTION_INFO,
      0x80000000 | (1 << 11) | (InterruptionType.HARDWARE_EXCEPTION << 8) | 13,
    );
    m.cpu.writeVmcs(F.CONTROL_ENTRY_EXCEPTION_ERROR_CODE, 0x1234);
    runToHlt(m.cpu);
    expect([m.cpu.getRegister(0), m.cpu.getRegister(3)]).toEqual([0x1234, 0x1000]);
    m.cpu.writeVmcs(F.GUEST_RIP, 0x1000);
    m.cpu.writeVmcs(
      F.CONTROL_ENTRY_INTERRUPTION_INFO,
      0x80000000 | (InterruptionType.SOFTWARE_INTERRUPT << 8) | 0x30,
    );
    m.cpu.writeVmcs(F.CONTROL_ENTRY_INSTRUCTION_LENGTH, 2);
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(0)).toBe(0x1002);
    expect(m.cpu.readVmcs(F.CONTROL_ENTRY_INTERRUPTION_INFO) >>> 31).toBe(0);
  });

  it("I/O bitmap: clear ports pass through to the host callbacks, set ports exit", () => {
    const base = createFlatMemory(1 << 22);
    const written: number[] = [];
    const memory: GuestPhysicalMemory = {
      ...base,
      portIn: (port, size) => (port === 0x61 && size === 1 ? 0x20 : 0),
      portOut: (port, size, value) => written.push(port, size, value),
    };
    const m = systemMachine(memory);
    m.load(
      0x1000,
      "mov $0x55, %al\n out %al, $0x80\n in $0x61, %al\n mov %al, %bl\n mov $0x3f8, %dx\n out %al, %dx",
    );
    const bitmap = new Uint8Array(8192);
    bitmap[0x3f8 >> 3] = 1 << (0x3f8 & 7);
    m.cpu.setIoBitmap(bitmap);
    m.cpu.writeVmcs(F.CONTROL_PRIMARY_PROCESSOR_CONTROLS, PrimaryControl.USE_IO_BITMAPS);
    const exit = m.cpu.run(100);
    expect(written).toEqual([0x80, 1, 0x55]);
    expect(m.cpu.getRegister(3) & 0xff).toBe(0x20);
    expect(exit).toMatchObject({ reason: ExitReason.IO_INSTRUCTION, qualification: 0x3f80000 });
  });

  it("HLT without HLT exiting waits in the HLT activity state until an event is injected", () => {
    const m = systemMachine();
    m.load(0x1000, "hlt\n mov $7, %eax\n hlt");
    m.load(0x2000, "mov $9, %ecx\n iret");
    m.gate(0x30, 0x2000);
    expect(m.cpu.run(50).reason).toBe(ExitReason.VMX_TIMER);
    expect(m.cpu.readVmcs(F.GUEST_ACTIVITY)).toBe(1);
    expect(m.cpu.readVmcs(F.GUEST_RIP)).toBe(0x1001);
    m.cpu.writeVmcs(F.CONTROL_ENTRY_INTERRUPTION_INFO, 0x80000030);
    runToHlt(m.cpu);
    expect([m.cpu.getRegister(1), m.cpu.getRegister(0)]).toEqual([9, 7]);
  });

  it("unknown or read-only VMCS fields are a RangeError, not a silent no-op", () => {
    const m = systemMachine();
    expect(() => m.cpu.readVmcs(0x1234)).toThrow(RangeError);
    expect(() => m.cpu.writeVmcs(F.DATA_EXIT_REASON, 1)).toThrow(RangeError);
  });

  it("exception bitmap: an intercepted #UD exits with its interruption information", () => {
    const m = systemMachine();
    m.load(0x1000, "nop\n ud2");
    m.cpu.writeVmcs(F.CONTROL_EXCEPTION_BITMAP, 1 << 6);
    const exit = m.cpu.run(100);
    expect(exit).toMatchObject({ reason: ExitReason.EXCEPTION_NMI, interruptInfo: 0x80000306 });
    expect(m.cpu.readVmcs(F.GUEST_RIP)).toBe(0x1001);
  });
});

describe("paging", () => {
  // Page directory at 0x100000: entry 0 -> page table at 0x101000 (4 KiB pages, identity for the
  // first 4 MiB except as edited), entry 1 -> a 4 MiB page at 0x000000 (linear 4-8 MiB aliases 0-4).
  function pagedMachine() {
    const m = systemMachine(createFlatMemory(1 << 23));
    const v = new DataView(m.ram.buffer);
    v.setUint32(0x100000, 0x101000 | 0x7, true);
    v.setUint32(0x100004, 0x000000 | 0x87, true);
    for (let i = 0; i < 1024; i++) v.setUint32(0x101000 + i * 4, (i << 12) | 0x7, true);
    m.cpu.writeVmcs(F.GUEST_CR3, 0x100000);
    m.cpu.writeVmcs(F.GUEST_CR4, 0x10 | 0x80);
    m.gate(14, 0x2000);
    m.load(0x2000, "pop %eax\n mov %cr2, %ebx\n hlt");
    const pte = (page: number, value: number) => v.setUint32(0x101000 + page * 4, value, true);
    const enable = (wp = true) => m.cpu.writeVmcs(F.GUEST_CR0, 0x80000011 | (wp ? 0x10000 : 0));
    return { m, v, pte, enable };
  }

  it("4 MiB pages, accessed and dirty bits", () => {
    const { m, v, enable } = pagedMachine();
    m.ram[0x5123] = 0x77;
    m.load(0x1000, "movb (0x405123), %al\n movb $1, (0x3000)\n hlt");
    enable();
    runToHlt(m.cpu);
    expect(m.cpu.getRegister(0) & 0xff).toBe(0x77);
    expect(v.getUint32(0x100004, true) & 0x20).toBe(0x20);
    expect(v.getUint32(0x101000 + 3 * 4, true) & 0x60).toBe(0x60);
    expect(v.getUint32(0x101000 + 4 * 4, true) & 0x60).toBe(0);
  });

  it("#PF error codes and CR2: not present, write to read-only with WP, user to supervisor", () => {
    let t = pagedMachine();
    t.pte(0x50, 0);
    t.m.load(0x1000, "mov (0x50004), %ecx");
    t.enable();
    runToHlt(t.m.cpu);
    expect([t.m.cpu.getRegister(0), t.m.cpu.getRegister(3)]).toEqual([0, 0x50004]);
    t = pagedMachine();
    t.pte(0x50, 0x50000 | 0x5);
    t.m.load(0x1000, "movl $1, (0x50008)\n hlt");
    t.enable(true);
    runToHlt(t.m.cpu);
    expect([t.m.cpu.getRegister(0), t.m.cpu.getRegister(3)]).toEqual([3, 0x50008]);
    t = pagedMachine();
    t.pte(0x50, 0x50000 | 0x5);
    t.m.load(0x1000, "movl $1, (0x50008)\n hlt");
    t.enable(false);
    runToHlt(t.m.cpu);
    expect(t.m.word(0x50008)).toBe(1);
    t = pagedMachine();
    t.pte(0x50, 0x50000 | 0x3);
    t.m.load(
      0x1000,
      `push $${SEL.data3}\n push $0x60000\n push $0x2\n push $${SEL.code3}\n push $0x3000\n iret`,
    );
    t.m.load(0x3000, "mov (0x50000), %eax");
    t.enable();
    runToHlt(t.m.cpu);
    expect([t.m.cpu.getRegister(0), t.m.cpu.getRegister(3)]).toEqual([5, 0x50000]);
  });

  it("the TLB keeps a stale translation until INVLPG; global pages survive a CR3 reload", () => {
    const t = pagedMachine();
    new DataView(t.m.ram.buffer).setUint32(0x60000, 0xaaaa, true);
    new DataView(t.m.ram.buffer).setUint32(0x61000, 0xbbbb, true);
    t.pte(0x70, 0x60000 | 0x107);
    t.m.load(
      0x1000,
      "mov (0x70000), %eax\n movl $0x61107, (0x1011c0)\n mov (0x70000), %ebx\n mov %cr3, %edx\n mov %edx, %cr3\n mov (0x70000), %ecx\n invlpg (0x70000)\n mov (0x70000), %esi\n hlt",
    );
    t.enable();
    runToHlt(t.m.cpu);
    expect([
      t.m.cpu.getRegister(0),
      t.m.cpu.getRegister(3),
      t.m.cpu.getRegister(1),
      t.m.cpu.getRegister(6),
    ]).toEqual([0xaaaa, 0xaaaa, 0xaaaa, 0xbbbb]);
    const n = pagedMachine();
    new DataView(n.m.ram.buffer).setUint32(0x60000, 0xaaaa, true);
    new DataView(n.m.ram.buffer).setUint32(0x61000, 0xbbbb, true);
    n.pte(0x70, 0x60000 | 0x7);
    n.m.load(
      0x1000,
      "mov (0x70000), %eax\n movl $0x61007, (0x1011c0)\n mov %cr3, %edx\n mov %edx, %cr3\n mov (0x70000), %ecx\n hlt",
    );
    n.enable();
    runToHlt(n.m.cpu);
    expect([n.m.cpu.getRegister(0), n.m.cpu.getRegister(1)]).toEqual([0xaaaa, 0xbbbb]);
  });
});
