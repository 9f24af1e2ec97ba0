/** IRQControl / IRQHandler invocations and interrupt delivery (§10). */
import { ARMLabel, GenericLabel, X86Label } from "./abi.js";
import { cteInsert, newSlot, type Slot } from "./cdt.js";
import { depthOf, lookupSlotForCNodeOp } from "./cspace/resolve.js";
import { cteDelete } from "./delete.js";
import { fail } from "./errors.js";
import { arg, type Invocation, type InvocationReply } from "./invocation.js";
import { sendSignal } from "./ipc/notification.js";
import { CapRight } from "./objects/types.js";
import type { KernelState } from "./state.js";

/** IRQs a hyp kernel on qemu-arm-virt holds itself: VGIC maintenance, EL2 timer, virtual timer. */
export const ARM_RESERVED_IRQS = [25, 26, 27] as const;

/** pc99 under QEMU: one IOAPIC with 24 pins. */
const IOAPIC_COUNT = 1;
const IOAPIC_PINS = 24;

function issue(
  inv: Invocation,
  irq: number,
  index: bigint,
  depthWord: bigint,
  validate: () => void = () => {},
): InvocationReply {
  const { k } = inv;
  if (k.irqState[irq] !== "inactive") throw fail.revokeFirst();
  const dest = lookupSlotForCNodeOp(false, inv.extraCaps[0]!.cap, index, depthOf(depthWord));
  if (dest.cap.type !== "null") throw fail.deleteFirst();
  // Controller-specific checks come after the destination checks (ioapic_decode_map_pin_to_vector).
  validate();
  k.irqState[irq] = "signal";
  k.irqMasked.delete(irq);
  cteInsert({ type: "irq_handler", irq }, inv.slot, dest);
  return undefined;
}

/** `decodeIRQControlInvocation` (ARM and x86 IOAPIC/MSI). */
export function decodeIRQControlInvocation(inv: Invocation): InvocationReply {
  const { k, label } = inv;
  const maxIRQ = k.params.maxIRQ;
  if (k.arch === "aarch64") {
    if (label === GenericLabel.IRQIssueIRQHandler) {
      if (inv.length < 3 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const irq = arg(inv, 0);
      if (irq > BigInt(maxIRQ)) throw fail.rangeError(0, maxIRQ);
      return issue(inv, Number(irq), arg(inv, 1), arg(inv, 2));
    }
    if (label === ARMLabel.ARMIRQIssueIRQHandlerTrigger) {
      if (inv.length < 4 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const irq = arg(inv, 0);
      if (irq > BigInt(maxIRQ)) throw fail.rangeError(0, maxIRQ);
      return issue(inv, Number(irq), arg(inv, 2), arg(inv, 3));
    }
    throw fail.illegalOperation();
  }
  if (label === GenericLabel.IRQIssueIRQHandler) throw fail.illegalOperation();
  if (
    label === X86Label.X86IRQIssueIRQHandlerIOAPIC ||
    label === X86Label.X86IRQIssueIRQHandlerMSI
  ) {
    if (inv.length < 7 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
    const vector = arg(inv, 6);
    if (vector > BigInt(maxIRQ)) throw fail.rangeError(0, maxIRQ);
    if (label === X86Label.X86IRQIssueIRQHandlerMSI) {
      if (arg(inv, 2) > 255n) throw fail.rangeError(0, 255);
      if (arg(inv, 3) > 31n) throw fail.rangeError(0, 31);
      if (arg(inv, 4) > 7n) throw fail.rangeError(0, 7);
    }
    if (label === X86Label.X86IRQIssueIRQHandlerMSI)
      return issue(inv, Number(vector), arg(inv, 0), arg(inv, 1));
    return issue(inv, Number(vector), arg(inv, 0), arg(inv, 1), () => {
      if (arg(inv, 2) >= BigInt(IOAPIC_COUNT)) throw fail.rangeError(0, IOAPIC_COUNT - 1);
      if (arg(inv, 3) >= BigInt(IOAPIC_PINS)) throw fail.rangeError(0, IOAPIC_PINS - 1);
      if (arg(inv, 4) > 1n) throw fail.invalidArgument(2);
      if (arg(inv, 5) > 1n) throw fail.invalidArgument(3);
    });
  }
  throw fail.illegalOperation();
}

/** `decodeIRQHandlerInvocation`. */
export function decodeIRQHandlerInvocation(inv: Invocation): InvocationReply {
  const { k } = inv;
  if (inv.cap.type !== "irq_handler") throw fail.illegalOperation();
  const irq = inv.cap.irq;
  switch (inv.label) {
    case GenericLabel.IRQAckIRQ:
      k.irqMasked.delete(irq);
      // A line that fired while masked is still pending at the controller: it is taken now.
      if (k.irqPending.delete(irq)) handleInterrupt(k, irq);
      return undefined;
    case GenericLabel.IRQSetIRQHandler: {
      if (inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const src = inv.extraCaps[0]!;
      const cap = src.cap;
      if (cap.type !== "notification" || (cap.rights & CapRight.Write) === 0)
        throw fail.invalidCapability(0);
      clearHandler(k, irq);
      const copy: Slot = newSlot(inv.slot.owner, -100 - irq);
      cteInsert(cap, src, copy);
      k.irqNotification.set(irq, copy);
      return undefined;
    }
    case GenericLabel.IRQClearIRQHandler:
      clearHandler(k, irq);
      return undefined;
    default:
      throw fail.illegalOperation();
  }
}

function clearHandler(k: KernelState, irq: number): void {
  const old = k.irqNotification.get(irq);
  k.irqNotification.delete(irq);
  if (old) cteDelete(k, old);
}

/**
 * A platform interrupt fires: a "signal" IRQ signals its notification with that cap's badge and
 * is masked until Ack; an IRQ with no handler is just masked. While masked, a raise stays pending
 * (as in the GIC distributor / IOAPIC) and is taken at the Ack. Returns false if the IRQ number
 * is outside the platform's range.
 */
export function handleInterrupt(k: KernelState, irq: number): boolean {
  if (!Number.isInteger(irq) || irq < 0 || irq > k.params.maxIRQ) return false;
  if (k.irqMasked.has(irq)) {
    k.irqPending.add(irq);
    return true;
  }
  if (k.irqState[irq] === "signal") {
    const slot = k.irqNotification.get(irq);
    if (slot && slot.cap.type === "notification") sendSignal(k, slot.cap.obj, slot.cap.badge);
  }
  k.irqMasked.add(irq);
  return true;
}
