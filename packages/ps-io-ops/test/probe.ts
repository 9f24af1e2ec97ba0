// Reads the kernel's own page tables through its executor seam: a probe thread (a TCB with no
// TypeScript program) is run once by an executor that translates addresses with the kernel's
// ExecutionContext.translate and reads physical memory there. Nothing here models the kernel.
import type { Kernel } from "@sel4/kernel";
import {
  type Sel4,
  type Sel4_X86_64,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
} from "@sel4/sel4";
import { vka_alloc_tcb, vka_free_object, type vka_t } from "@sel4/vka";
import { expect } from "vitest";

export interface Probed {
  readonly paddr: number | null;
  readonly bytes: Uint8Array | null;
}

export async function probeTranslations(
  sel4: Sel4,
  vka: vka_t,
  kernel: Kernel,
  root: { readonly vspace?: number; readonly ept?: number },
  vaddrs: readonly number[],
  readLength = 8,
): Promise<Probed[]> {
  const tcb = vka_alloc_tcb(vka).object;
  expect(tcb.cptr).not.toBe(0);
  const vspace = root.vspace ?? seL4_CapInitThreadVSpace;
  expect(sel4.seL4_TCB_Configure(tcb.cptr, 0, seL4_CapInitThreadCNode, 0n, vspace, 0n, 0, 0)).toBe(
    0,
  );
  if (root.ept !== undefined)
    expect((sel4 as Sel4_X86_64).seL4_TCB_SetEPTRoot(tcb.cptr, root.ept)).toBe(0);
  expect(sel4.seL4_TCB_SetPriority(tcb.cptr, seL4_CapInitThreadTCB, 255)).toBe(0);
  let results: Probed[] | null = null;
  kernel.setExecutor({
    canExecute: () => true,
    execute(ctx) {
      results = vaddrs.map((v) => {
        const t = ctx.translate(BigInt(v), root.ept !== undefined ? "ept" : "vspace");
        return t.ok
          ? { paddr: t.paddr, bytes: ctx.readPhysical(t.paddr, readLength) }
          : { paddr: null, bytes: null };
      });
      return { kind: "idle" };
    },
  });
  expect(sel4.seL4_TCB_Resume(tcb.cptr)).toBe(0);
  await sel4.seL4_Yield();
  kernel.setExecutor(null);
  vka_free_object(vka, tcb);
  expect(results).not.toBeNull();
  return results!;
}
