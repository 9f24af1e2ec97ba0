import { describe, expect, it } from "vitest";
import type { Sel4, Sel4_AArch64, Sel4_X86_64, Sel4SystemCalls } from "../sel4.js";
import { createSel4 } from "../stubs.js";
import { RecordingPort } from "../testing/recording-port.js";
import {
  type ReferenceRow,
  referenceAArch64,
  referenceX86_64,
} from "../testing/reference-invocations.js";
import type { Sel4Config } from "../types.js";
import { invocationsOf } from "./by-config.js";
import { invocationLabels_aarch64 } from "./labels-aarch64.js";
import { invocationLabels_x86_64 } from "./labels-x86_64.js";
import { messageLayout } from "./layout.js";
import { invocationLabel, invocationTable } from "./table.js";

// Every invocation method name of each interface, checked by the compiler both ways: a name
// missing from the interface or a method missing from these lists is a type error.
type InvocationNames<T> = Exclude<keyof T, keyof Sel4SystemCalls>;
const commonNames: Record<InvocationNames<Sel4>, true> = {
  seL4_Untyped_Retype: true,
  seL4_TCB_ReadRegisters: true,
  seL4_TCB_WriteRegisters: true,
  seL4_TCB_CopyRegisters: true,
  seL4_TCB_Configure: true,
  seL4_TCB_SetPriority: true,
  seL4_TCB_SetMCPriority: true,
  seL4_TCB_SetSchedParams: true,
  seL4_TCB_SetIPCBuffer: true,
  seL4_TCB_SetSpace: true,
  seL4_TCB_Suspend: true,
  seL4_TCB_Resume: true,
  seL4_TCB_BindNotification: true,
  seL4_TCB_UnbindNotification: true,
  seL4_TCB_SetTLSBase: true,
  seL4_TCB_SetFlags: true,
  seL4_CNode_Revoke: true,
  seL4_CNode_Delete: true,
  seL4_CNode_CancelBadgedSends: true,
  seL4_CNode_Copy: true,
  seL4_CNode_Mint: true,
  seL4_CNode_Move: true,
  seL4_CNode_Mutate: true,
  seL4_CNode_Rotate: true,
  seL4_CNode_SaveCaller: true,
  seL4_IRQControl_Get: true,
  seL4_IRQHandler_Ack: true,
  seL4_IRQHandler_SetNotification: true,
  seL4_IRQHandler_Clear: true,
  seL4_DomainSet_Set: true,
  seL4_DomainSet_ScheduleConfigure: true,
  seL4_DomainSet_ScheduleSetStart: true,
};
const armNames: Record<Exclude<InvocationNames<Sel4_AArch64>, keyof Sel4>, true> = {
  seL4_ARM_VSpace_Clean_Data: true,
  seL4_ARM_VSpace_Invalidate_Data: true,
  seL4_ARM_VSpace_CleanInvalidate_Data: true,
  seL4_ARM_VSpace_Unify_Instruction: true,
  seL4_ARM_SMC_Call: true,
  seL4_ARM_PageTable_Map: true,
  seL4_ARM_PageTable_Unmap: true,
  seL4_ARM_Page_Map: true,
  seL4_ARM_Page_Unmap: true,
  seL4_ARM_Page_Clean_Data: true,
  seL4_ARM_Page_Invalidate_Data: true,
  seL4_ARM_Page_CleanInvalidate_Data: true,
  seL4_ARM_Page_Unify_Instruction: true,
  seL4_ARM_Page_GetAddress: true,
  seL4_ARM_ASIDControl_MakePool: true,
  seL4_ARM_ASIDPool_Assign: true,
  seL4_ARM_VCPU_SetTCB: true,
  seL4_ARM_VCPU_InjectIRQ: true,
  seL4_ARM_VCPU_ReadRegs: true,
  seL4_ARM_VCPU_WriteRegs: true,
  seL4_ARM_VCPU_AckVPPI: true,
  seL4_IRQControl_GetTrigger: true,
  seL4_IRQControl_IssueSGISignal: true,
};
const x86Names: Record<Exclude<InvocationNames<Sel4_X86_64>, keyof Sel4 | "seL4_VMEnter">, true> = {
  seL4_X86_PDPT_Map: true,
  seL4_X86_PDPT_Unmap: true,
  seL4_X86_PageDirectory_Map: true,
  seL4_X86_PageDirectory_Unmap: true,
  seL4_X86_PageTable_Map: true,
  seL4_X86_PageTable_Unmap: true,
  seL4_X86_Page_Map: true,
  seL4_X86_Page_Unmap: true,
  seL4_X86_Page_GetAddress: true,
  seL4_X86_Page_MapEPT: true,
  seL4_X86_ASIDControl_MakePool: true,
  seL4_X86_ASIDPool_Assign: true,
  seL4_X86_IOPortControl_Issue: true,
  seL4_X86_IOPort_In8: true,
  seL4_X86_IOPort_In16: true,
  seL4_X86_IOPort_In32: true,
  seL4_X86_IOPort_Out8: true,
  seL4_X86_IOPort_Out16: true,
  seL4_X86_IOPort_Out32: true,
  seL4_IRQControl_GetIOAPIC: true,
  seL4_IRQControl_GetMSI: true,
  seL4_TCB_SetEPTRoot: true,
  seL4_X86_VCPU_SetTCB: true,
  seL4_X86_VCPU_ReadVMCS: true,
  seL4_X86_VCPU_WriteVMCS: true,
  seL4_X86_VCPU_EnableIOPort: true,
  seL4_X86_VCPU_DisableIOPort: true,
  seL4_X86_VCPU_WriteRegisters: true,
  seL4_X86_EPTPDPT_Map: true,
  seL4_X86_EPTPDPT_Unmap: true,
  seL4_X86_EPTPD_Map: true,
  seL4_X86_EPTPD_Unmap: true,
  seL4_X86_EPTPT_Map: true,
  seL4_X86_EPTPT_Unmap: true,
};

const interfaceNames: Record<Sel4Config, string[]> = {
  aarch64: [...Object.keys(commonNames), ...Object.keys(armNames)],
  x86_64: [...Object.keys(commonNames), ...Object.keys(x86Names)],
};

const reference: Record<Sel4Config, readonly ReferenceRow[]> = {
  aarch64: referenceAArch64,
  x86_64: referenceX86_64,
};
const labels = { aarch64: invocationLabels_aarch64, x86_64: invocationLabels_x86_64 };

describe.each(["aarch64", "x86_64"] as const)("invocations of %s", (config) => {
  const rows = reference[config];

  it("numbers the labels 1..n in the reference's order, one past the last is nInvocationLabels", () => {
    const table: Readonly<Record<string, number>> = labels[config];
    for (const [label, , labelName] of rows) expect(table[labelName]).toBe(label);
    expect(table.nInvocationLabels).toBe(rows.length + 1);
    expect(Object.keys(table).length).toBe(rows.length + 2);
  });

  it("describes every reference invocation with its label, extra caps and message words", () => {
    for (const [label, name, labelName, caps, words, replyWords] of rows) {
      const desc = invocationTable.find((d) => d.name === name);
      expect(desc, name).toBeDefined();
      if (!desc) continue;
      expect(desc.label).toBe(labelName);
      expect(invocationLabel(config, desc)).toBe(label);
      const layout = messageLayout(config, desc);
      expect({
        name,
        caps: layout.extraCaps,
        words: layout.length,
        reply: layout.replyLength,
      }).toEqual({
        name,
        caps,
        words,
        reply: replyWords,
      });
    }
  });

  it("has no invocation the reference does not list for this configuration", () => {
    const names = new Set(rows.map((row) => row[1]));
    const ours = invocationTable
      .filter((d) => invocationLabel(config, d) !== null)
      .map((d) => d.name);
    expect(ours.sort()).toEqual([...names].sort());
  });

  it("has every reference invocation in the interface and in the object createSel4 returns", () => {
    const sel4 = createSel4(new RecordingPort(config)) as unknown as Record<string, unknown>;
    expect([...interfaceNames[config]].sort()).toEqual(rows.map((row) => row[1]).sort());
    for (const [, name] of rows) expect(typeof sel4[name], name).toBe("function");
  });

  it("lists the configuration's invocations in label order exactly as the reference table", () => {
    const ours = invocationsOf(config).map((row) => [
      row.label,
      row.name,
      row.desc.label,
      row.layout.extraCaps,
      row.layout.length,
      row.layout.replyLength,
    ]);
    expect(ours).toEqual(rows.map((row) => [...row]));
  });
});
