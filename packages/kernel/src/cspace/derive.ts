/** Deriving, masking and badging caps (§3.5, §3.7, §3.8 `updateCapData`). */
import { hasChildren, type Slot } from "../cdt.js";
import { fail } from "../errors.js";
import type { Cap, VMRights } from "../objects/types.js";
import { CapRight } from "../objects/types.js";
import type { KernelState } from "../state.js";

const NULL: Cap = { type: "null" };

/** `maskVMRights(capRights, requested)` (§7.3). */
export function maskVMRights(vm: VMRights, rights: number): VMRights {
  const read = (rights & CapRight.Read) !== 0;
  const write = (rights & CapRight.Write) !== 0;
  if (vm === "ReadOnly" && read) return "ReadOnly";
  if (vm === "ReadWrite" && read) return write ? "ReadWrite" : "ReadOnly";
  return "KernelOnly";
}

/** `maskCapRights(rights, cap)`: rights only ever shrink. */
export function maskCapRights(rightsWord: bigint, cap: Cap): Cap {
  const rights = Number(rightsWord & 0xfn);
  switch (cap.type) {
    case "endpoint":
      return { ...cap, rights: cap.rights & rights };
    case "notification":
      return { ...cap, rights: cap.rights & rights & (CapRight.Read | CapRight.Write) };
    case "reply":
      return { ...cap, canGrant: cap.canGrant && (rights & CapRight.Grant) !== 0 };
    case "frame":
      return { ...cap, rights: maskVMRights(cap.rights, rights) };
    default:
      return cap;
  }
}

/** `updateCapData(preserve, data, cap)`. */
export function updateCapData(preserve: boolean, data: bigint, cap: Cap): Cap {
  const word = BigInt.asUintN(64, data);
  switch (cap.type) {
    case "endpoint":
    case "notification":
      if (!preserve && cap.badge === 0n) return { ...cap, badge: word };
      return NULL;
    case "cnode": {
      const guardSize = Number(word & 0x3fn);
      if (guardSize + cap.obj.radix > 64) return NULL;
      const guard = (word >> 6n) & ((1n << BigInt(guardSize)) - 1n);
      return { ...cap, guard, guardSize };
    }
    default:
      return cap;
  }
}

/** `deriveCap(slot, cap)`: throws RevokeFirst / IllegalOperation; may return the null cap. */
export function deriveCap(_k: KernelState, slot: Slot, cap: Cap): Cap {
  switch (cap.type) {
    case "untyped":
      if (hasChildren(slot)) throw fail.revokeFirst();
      return { ...cap };
    case "irq_control":
    case "reply":
    case "io_port_control":
      return NULL;
    case "frame":
      return { ...cap, mapping: null };
    case "io_port":
      // A copy carries no VCPU grant of its own yet.
      return { ...cap, vcpu: null };
    case "paging": {
      const isRoot =
        cap.obj.kind === "arm_vspace" || cap.obj.kind === "x86_pml4" || cap.obj.kind === "ept_pml4";
      if (isRoot ? cap.asid === null : cap.mappedAddress === null) throw fail.illegalOperation();
      return cap;
    }
    default:
      return cap;
  }
}
