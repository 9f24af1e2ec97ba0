import { describe, expect, it } from "vitest";
import {
  Sel4ArgumentError,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_NoError,
  seL4_RangeError,
} from "./errors.js";
import { seL4_MessageInfo_new, wordFromMessageInfo } from "./message-info.js";
import { seL4_AllRights, seL4_CanRead, seL4_NoWrite, seL4_ReadWrite } from "./rights.js";
import type { Sel4_AArch64, Sel4_X86_64 } from "./sel4.js";
import { createSel4 } from "./stubs.js";
import {
  seL4_SysCall,
  seL4_SysNBRecv,
  seL4_SysRecv,
  seL4_SysReply,
  seL4_SysReplyRecv,
  seL4_SysSend,
  seL4_SysVMEnter,
  seL4_SysYield,
} from "./syscalls.js";
import { RecordingPort } from "./testing/recording-port.js";
import {
  seL4_UserContext_aarch64_fields,
  seL4_UserContext_x86_64_fields,
  zeroContext,
} from "./user-context.js";

const MAX_WORD = (1n << 64n) - 1n;
const CAPS = 122; // caps_or_badges[0] in the IPC buffer
const MSG = 1; // msg[0] in the IPC buffer

function tag(label: number, extraCaps: number, length: number): bigint {
  return wordFromMessageInfo(seL4_MessageInfo_new(label, 0, extraCaps, length));
}

function arm() {
  const port = new RecordingPort("aarch64");
  return { port, sel4: createSel4(port) as Sel4_AArch64 };
}

function x86() {
  const port = new RecordingPort("x86_64");
  return { port, sel4: createSel4(port) as Sel4_X86_64 };
}

/** The message the kernel saw: MR0..MR3 from registers, the rest from the IPC buffer. */
function message(port: RecordingPort, length: number): bigint[] {
  const entry = port.last;
  return Array.from({ length }, (_, i) => (i < 4 ? entry.registers[i]! : entry.buffer[MSG + i]!));
}

describe("invocation marshalling", () => {
  it("packs bools one bit each and a u8 at bit 8 (TCB_CopyRegisters), the source as extra cap", () => {
    const { port, sel4 } = arm();
    expect(sel4.seL4_TCB_CopyRegisters(17, 23, true, false, true, true, 0xa5)).toBe(seL4_NoError);
    const entry = port.last;
    expect(entry).toMatchObject({ id: seL4_SysCall, dest: 17, blocking: false });
    expect(entry.info).toBe(tag(4, 1, 1));
    expect(entry.buffer[CAPS]).toBe(23n);
    expect(entry.registers).toEqual([0b1101n | (0xa5n << 8n), 0n, 0n, 0n]);
  });

  it("packs u16 and u8 fields back to back in one word (ARM_VCPU_InjectIRQ)", () => {
    const { port, sel4 } = arm();
    sel4.seL4_ARM_VCPU_InjectIRQ(40, 1023, 31, 1, 3);
    expect(port.last.info).toBe(tag(50, 0, 1));
    expect(port.last.registers[0]).toBe(1023n | (31n << 16n) | (1n << 24n) | (3n << 32n));
  });

  it("puts a u8 depth alone in its word and the next word-sized argument in the next MR (CNode_Mint)", () => {
    const { port, sel4 } = arm();
    sel4.seL4_CNode_Mint(2, 100, 64, 2, 5, 64, seL4_NoWrite, MAX_WORD);
    expect(port.last.info).toBe(tag(21, 1, 6));
    expect(port.last.buffer[CAPS]).toBe(2n);
    expect(message(port, 6)).toEqual([100n, 64n, 5n, 64n, 0xen, MAX_WORD]);
  });

  it("sends rights as their word (CNode_Copy)", () => {
    const { port, sel4 } = x86();
    sel4.seL4_CNode_Copy(2, 7, 64, 2, 8, 64, seL4_CanRead);
    expect(port.last.info).toBe(tag(20, 1, 5));
    expect(message(port, 5)).toEqual([7n, 64n, 8n, 64n, 2n]);
  });

  it("writes several extra caps in order and MR4.. to the IPC buffer (CNode_Rotate)", () => {
    const { port, sel4 } = arm();
    sel4.seL4_CNode_Rotate(2, 10, 64, 1n, 3, 11, 64, 2n, 4, 12, 64);
    expect(port.last.info).toBe(tag(24, 2, 8));
    expect(port.last.buffer.slice(CAPS, CAPS + 2)).toEqual([3n, 4n]);
    expect(message(port, 8)).toEqual([10n, 64n, 1n, 11n, 64n, 2n, 12n, 64n]);
  });

  it("passes three extra caps for TCB_Configure and words in C order", () => {
    const { port, sel4 } = x86();
    sel4.seL4_TCB_Configure(1, 9, 2, 52n, 3, 0n, 0x1000, 10);
    expect(port.last.info).toBe(tag(5, 3, 4));
    expect(port.last.buffer.slice(CAPS, CAPS + 3)).toEqual([2n, 3n, 10n]);
    expect(message(port, 4)).toEqual([9n, 52n, 0n, 0x1000n]);
  });

  it("uses the label of the port's configuration", () => {
    const a = arm();
    a.sel4.seL4_ARM_Page_Map(50, 3, 0x40_0000, seL4_ReadWrite, 3);
    expect(a.port.last.info).toBe(tag(40, 1, 3));
    const b = x86();
    b.sel4.seL4_X86_Page_Map(50, 3, 0x40_0000, seL4_ReadWrite, 0);
    expect(b.port.last.info).toBe(tag(39, 1, 3));
    b.sel4.seL4_TCB_SetEPTRoot(1, 60);
    expect(b.port.last.info).toBe(tag(54, 1, 0));
    b.sel4.seL4_X86_EPTPD_Map(70, 60, 0x4000_0000, 6);
    expect(b.port.last.info).toBe(tag(63, 1, 2));
  });

  it("passes registers beyond the message length as 0, as seL4_CallWithMRs does", () => {
    const { port, sel4 } = arm();
    port.registers.splice(0, 4, 9n, 9n, 9n, 9n);
    sel4.seL4_TCB_SetPriority(1, 1, 200);
    expect(port.last.registers).toEqual([200n, 0n, 0n, 0n]);
  });

  it("sends a struct one word per field in C order (x86 TCB_WriteRegisters)", () => {
    const { port, sel4 } = x86();
    const regs = zeroContext(seL4_UserContext_x86_64_fields);
    seL4_UserContext_x86_64_fields.forEach((field, i) => {
      regs[field] = BigInt(i + 1) << 40n;
    });
    regs.gs_base = MAX_WORD;
    sel4.seL4_TCB_WriteRegisters(5, true, 0, 20, regs);
    expect(port.last.info).toBe(tag(3, 0, 22));
    const words = message(port, 22);
    expect(words.slice(0, 2)).toEqual([1n, 20n]);
    expect(words.slice(2, 21)).toEqual(
      seL4_UserContext_x86_64_fields.slice(0, 19).map((_, i) => BigInt(i + 1) << 40n),
    );
    expect(words[21]).toBe(MAX_WORD);
  });

  it("reads a struct result from the reply's MRs (AArch64 TCB_ReadRegisters)", () => {
    const { port, sel4 } = arm();
    port.reply = {
      info: tag(0, 0, 36),
      mrs: seL4_UserContext_aarch64_fields.map((_, i) => BigInt(i) + (1n << 63n)),
    };
    const result = sel4.seL4_TCB_ReadRegisters(5, false, 0, 36);
    expect(port.last.info).toBe(tag(2, 0, 2));
    expect(result.error).toBe(seL4_NoError);
    expect(result.regs.pc).toBe(1n << 63n);
    expect(result.regs.x30).toBe(16n + (1n << 63n));
    expect(result.regs.tpidrro_el0).toBe(35n + (1n << 63n));
  });

  it("passes and returns a struct (ARM_SMC_Call)", () => {
    const { port, sel4 } = arm();
    port.reply = { info: tag(0, 0, 8), mrs: [8n, 7n, 6n, 5n, 4n, 3n, 2n, 1n] };
    const args = { x0: 0x8400_0000n, x1: 1n, x2: 2n, x3: 3n, x4: 4n, x5: 5n, x6: 6n, x7: MAX_WORD };
    const result = sel4.seL4_ARM_SMC_Call(15, args);
    expect(message(port, 8)).toEqual(Object.values(args));
    expect(result).toEqual({
      error: 0,
      smc_response: { x0: 8n, x1: 7n, x2: 6n, x3: 5n, x4: 4n, x5: 3n, x6: 2n, x7: 1n },
    });
  });

  it("masks a narrow result to its C type (X86_IOPort_In8/In16) and returns 64-bit words whole", () => {
    const { port, sel4 } = x86();
    port.reply = { info: tag(0, 0, 1), mrs: [0x1234_5678n] };
    expect(sel4.seL4_X86_IOPort_In8(7, 0x3f8)).toEqual({ error: 0, result: 0x78 });
    expect(port.last.registers[0]).toBe(0x3f8n);
    expect(sel4.seL4_X86_IOPort_In16(7, 0x3f8)).toEqual({ error: 0, result: 0x5678 });
    port.reply = { info: tag(0, 0, 1), mrs: [MAX_WORD] };
    expect(sel4.seL4_X86_VCPU_WriteVMCS(9, 0x4002, MAX_WORD)).toEqual({
      error: 0,
      written: MAX_WORD,
    });
  });

  it("returns a physical address as a number, and refuses one above 2^53", () => {
    const { port, sel4 } = arm();
    port.reply = { info: tag(0, 0, 1), mrs: [0x4000_1000n] };
    expect(sel4.seL4_ARM_Page_GetAddress(30)).toEqual({ error: 0, paddr: 0x4000_1000 });
    port.reply = { info: tag(0, 0, 1), mrs: [1n << 60n] };
    expect(() => sel4.seL4_ARM_Page_GetAddress(30)).toThrow(Sel4ArgumentError);
  });

  it("returns the reply label as the error and keeps the detail words readable with seL4_GetMR", () => {
    const { port, sel4 } = arm();
    port.reply = { info: tag(seL4_FailedLookup, 0, 3), mrs: [0n, 2n, 21n] };
    expect(sel4.seL4_ARM_Page_Map(50, 3, 0x1000, seL4_AllRights, 3)).toBe(seL4_FailedLookup);
    expect([sel4.seL4_GetMR(0), sel4.seL4_GetMR(1), sel4.seL4_GetMR(2)]).toEqual([0n, 2n, 21n]);
    expect(sel4.seL4_MappingFailedLookupLevel()).toBe(21n);
  });

  it("returns zero fields with an error for struct results", () => {
    const { port, sel4 } = arm();
    port.reply = { info: tag(seL4_RangeError, 0, 2), mrs: [1n, 36n] };
    const result = sel4.seL4_TCB_ReadRegisters(5, false, 0, 37);
    expect(result.error).toBe(seL4_RangeError);
    expect(result.regs).toEqual(zeroContext(seL4_UserContext_aarch64_fields));
    expect([sel4.seL4_GetMR(0), sel4.seL4_GetMR(1)]).toEqual([1n, 36n]);
  });

  it("passes any reply label through as the error, even one no kernel sends", () => {
    const { port, sel4 } = x86();
    port.reply = { info: MAX_WORD };
    expect(sel4.seL4_TCB_Resume(1)).toBe(2 ** 52 - 1);
    port.reply = { info: tag(seL4_IllegalOperation, 0, 0) };
    expect(sel4.seL4_X86_VCPU_ReadVMCS(9, 0x9999)).toEqual({
      error: seL4_IllegalOperation,
      value: 0n,
    });
  });

  it("refuses arguments that do not fit their C type without entering the kernel", () => {
    const { port, sel4 } = arm();
    expect(() => sel4.seL4_CNode_Delete(2, 5, 256)).toThrow(Sel4ArgumentError);
    expect(() => sel4.seL4_CNode_Delete(-1, 5, 64)).toThrow(/_service/);
    expect(() => sel4.seL4_CNode_Delete(2, 2 ** 53, 64)).toThrow(/index/);
    expect(() => sel4.seL4_ARM_VCPU_InjectIRQ(1, 0x10000, 0, 0, 0)).toThrow(/virq/);
    expect(() => sel4.seL4_CNode_Mint(2, 1, 64, 2, 5, 64, seL4_AllRights, 1n << 64n)).toThrow(
      /badge/,
    );
    expect(() => sel4.seL4_CNode_Mint(2, 1, 64, 2, 5, 64, seL4_AllRights, -1n)).toThrow(/badge/);
    expect(() =>
      sel4.seL4_TCB_CopyRegisters(1, 2, 1 as unknown as boolean, false, false, false, 0),
    ).toThrow(/suspend_source/);
    expect(() =>
      sel4.seL4_CNode_Copy(2, 1, 64, 2, 5, 64, null as unknown as typeof seL4_AllRights),
    ).toThrow(/rights/);
    const call = sel4.seL4_TCB_Suspend as unknown as (...args: unknown[]) => unknown;
    expect(() => call(1, 2)).toThrow(Sel4ArgumentError);
    expect(port.entries).toHaveLength(0);
  });
});

describe("system calls", () => {
  it("Call loads MR0..MR3 from the IPC buffer and stores the reply's back", async () => {
    const { port, sel4 } = arm();
    for (let i = 0; i < 6; i++) sel4.seL4_SetMR(i, BigInt(10 + i));
    port.reply = { badge: 0n, info: tag(7, 0, 5), mrs: [100n, 101n, 102n, 103n, 104n] };
    const info = await sel4.seL4_Call(4, seL4_MessageInfo_new(42, 0, 0, 6));
    expect(port.last).toMatchObject({
      id: seL4_SysCall,
      dest: 4,
      blocking: true,
      info: tag(42, 0, 6),
    });
    expect(port.last.registers).toEqual([10n, 11n, 12n, 13n]);
    expect(message(port, 6)).toEqual([10n, 11n, 12n, 13n, 14n, 15n]);
    expect(info).toEqual({ label: 7, capsUnwrapped: 0, extraCaps: 0, length: 5 });
    expect([0, 1, 2, 3, 4].map((i) => sel4.seL4_GetMR(i))).toEqual([100n, 101n, 102n, 103n, 104n]);
  });

  it("Recv returns the tag and the 64-bit sender badge", async () => {
    const { port, sel4 } = x86();
    port.reply = { badge: MAX_WORD, info: tag(3, 0, 1), mrs: [77n] };
    const result = await sel4.seL4_Recv(6);
    expect(port.last).toMatchObject({ id: seL4_SysRecv, dest: 6, blocking: true });
    expect(result.sender).toBe(MAX_WORD);
    expect(result.info.label).toBe(3);
    expect(sel4.seL4_GetMR(0)).toBe(77n);
  });

  it("routes each system call to its number and entry (blocking or not)", async () => {
    const { port, sel4 } = arm();
    const m = seL4_MessageInfo_new(1, 0, 0, 0);
    const seen = async (f: () => unknown) => {
      await f();
      return [port.last.id, port.last.blocking];
    };
    expect(await seen(() => sel4.seL4_Send(3, m))).toEqual([seL4_SysSend, true]);
    expect(await seen(() => sel4.seL4_NBSend(3, m))).toEqual([-4, false]);
    expect(await seen(() => sel4.seL4_Reply(m))).toEqual([seL4_SysReply, false]);
    expect(await seen(() => sel4.seL4_NBRecv(3))).toEqual([seL4_SysNBRecv, false]);
    expect(await seen(() => sel4.seL4_ReplyRecv(3, m))).toEqual([seL4_SysReplyRecv, true]);
    expect(await seen(() => sel4.seL4_Yield())).toEqual([seL4_SysYield, true]);
    expect(await seen(() => sel4.seL4_Wait(3))).toEqual([seL4_SysRecv, true]);
    expect(await seen(() => sel4.seL4_Poll(3))).toEqual([seL4_SysNBRecv, false]);
    expect(await seen(() => sel4.seL4_Signal(3))).toEqual([seL4_SysSend, false]);
    expect(port.last.info).toBe(0n);
  });

  it("Wait and Poll return the notification word as the sender", async () => {
    const { port, sel4 } = arm();
    port.reply = { badge: 0x8000_0000_0000_0001n };
    expect(await sel4.seL4_Wait(9)).toEqual({ sender: 0x8000_0000_0000_0001n });
    expect(sel4.seL4_Poll(9).sender).toBe(0x8000_0000_0000_0001n);
  });

  it("VMEnter passes msg[0..2] in registers and returns the result and, for a notification, the badge", async () => {
    const { port, sel4 } = x86();
    sel4.seL4_SetMR(0, 0x7c00n);
    sel4.seL4_SetMR(1, 0x8000_0000n);
    sel4.seL4_SetMR(2, 0n);
    port.reply = { badge: 5n, info: 1n, mrs: [0x7c02n, 0x8000_0000n, 0n, 12n] };
    expect(await sel4.seL4_VMEnter()).toEqual({ result: 1n, sender: 0n });
    expect(port.last).toMatchObject({ id: seL4_SysVMEnter, blocking: true });
    expect(port.last.registers.slice(0, 3)).toEqual([0x7c00n, 0x8000_0000n, 0n]);
    expect(sel4.seL4_GetMR(3)).toBe(12n);
    port.reply = { badge: 5n, info: 0n };
    expect(await sel4.seL4_VMEnter()).toEqual({ result: 0n, sender: 5n });
  });

  it("has no seL4_VMEnter on AArch64", () => {
    const { sel4 } = arm();
    expect((sel4 as unknown as Record<string, unknown>).seL4_VMEnter).toBeUndefined();
    expect(sel4.config).toBe("aarch64");
  });

  it("accesses the IPC buffer words of libsel4's accessors", () => {
    const { port, sel4 } = arm();
    sel4.seL4_SetUserData(MAX_WORD);
    sel4.seL4_SetCap(2, 33);
    sel4.seL4_SetCapReceivePath(2, 40, 64n);
    expect(port.buffer?.slice(121, 128)).toEqual([MAX_WORD, 0n, 0n, 33n, 2n, 40n, 64n]);
    expect(sel4.seL4_GetUserData()).toBe(MAX_WORD);
    expect(sel4.seL4_GetCap(2)).toBe(33);
    expect(sel4.seL4_GetBadge(2)).toBe(33n);
    expect(sel4.seL4_GetCapReceivePath()).toEqual({
      receiveCNode: 2,
      receiveIndex: 40,
      receiveDepth: 64n,
    });
    sel4.seL4_SetMR(119, 5n);
    expect(port.buffer?.[120]).toBe(5n);
  });

  it("refuses out-of-range indices and malformed tags with a typed error", async () => {
    const { port, sel4 } = arm();
    expect(() => sel4.seL4_GetMR(120)).toThrow(Sel4ArgumentError);
    expect(() => sel4.seL4_SetMR(-1, 0n)).toThrow(Sel4ArgumentError);
    expect(() => sel4.seL4_SetCap(3, 1)).toThrow(Sel4ArgumentError);
    expect(() =>
      sel4.seL4_NBSend(1, { label: 0, capsUnwrapped: 0, extraCaps: 4, length: 0 }),
    ).toThrow(/extraCaps/);
    await expect(
      sel4.seL4_Call(1, { label: -1, capsUnwrapped: 0, extraCaps: 0, length: 0 }),
    ).rejects.toThrow(Sel4ArgumentError);
    port.buffer![CAPS] = 1n << 60n;
    expect(() => sel4.seL4_GetCap(0)).toThrow(Sel4ArgumentError);
    expect(port.entries).toHaveLength(0);
  });

  it("works without an IPC buffer as far as seL4 allows: MR0..MR3 only", () => {
    const port = new RecordingPort("aarch64", { hasIPCBuffer: false });
    const sel4 = createSel4(port) as Sel4_AArch64;
    port.reply = { info: tag(0, 0, 1), mrs: [7n] };
    expect(sel4.seL4_ARM_VCPU_ReadRegs(3, 0)).toEqual({ error: 0, value: 7n });
    expect(sel4.seL4_GetMR(0)).toBe(0n);
  });
});
