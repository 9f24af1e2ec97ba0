/**
 * The VMM thread's system calls as `vm_run` makes them, with the composition root's hooks on
 * `seL4_Recv`: before each wait the host gets a turn (terminal input, output, the progress line),
 * and each message received is shown to an observer (exit statistics and tracing). Every other
 * call goes straight to the kernel.
 */
import type { Sel4_AArch64, seL4_RecvResult } from "@sel4/sel4";

/** What happens around the VMM's waits. */
export interface VmmThreadHooks {
  /**
   * Called before each wait; a returned promise is awaited first (the kernel runs nothing else
   * meanwhile, as if the VMM were busy). Return false to park the VMM for good: from then on it
   * receives and drops every message, so the vCPUs stay blocked and the kernel falls idle.
   */
  before_wait(): Promise<boolean> | boolean;
  /**
   * Called with each message received, while its message registers are readable. Return false
   * to keep it from `vm_run` and park the VMM (a message caused by the run being stopped).
   */
  received(result: seL4_RecvResult): boolean;
}

/** `sel4` with {@link VmmThreadHooks} around `seL4_Recv`. */
export function vmmThreadSel4(sel4: Sel4_AArch64, hooks: VmmThreadHooks): Sel4_AArch64 {
  const recv = async (src: number): Promise<seL4_RecvResult> => {
    if (await hooks.before_wait()) {
      const result = await sel4.seL4_Recv(src);
      if (hooks.received(result)) return result;
    }
    for (;;) await sel4.seL4_Recv(src);
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(sel4, {
    get(target, prop) {
      if (prop === "seL4_Recv") return recv;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      let fn = bound.get(prop);
      if (fn === undefined) {
        fn = value.bind(target);
        bound.set(prop, fn);
      }
      return fn;
    },
  });
}
