/** `sel4platsupport_new_irq_ops`: interrupts through IRQHandler caps and badged notifications. */
import { seL4_AllRights, type seL4_CPtr, type seL4_Error, seL4_NoError } from "@sel4/sel4";
import {
  simple_get_IRQ_handler,
  simple_get_IRQ_trigger,
  simple_get_ioapic,
  simple_get_msi,
  type simple_t,
} from "@sel4/simple";
import { type cspacepath_t, vka_cnode_mint, type vka_t } from "@sel4/vka";
import {
  EINVAL,
  ENOMEM,
  type irq_callback_fn_t,
  type irq_id_t,
  type ps_irq_ops_t,
  type ps_irq_t,
} from "../types.js";

/** Limits of an irq ops instance (`irq_interface_config_t`). */
export interface irq_interface_config_t {
  /** Most interrupts registered at once (default 64). */
  readonly max_irq_ids: number;
  /** Most notifications provided at once (default 64). */
  readonly max_ntfn_ids: number;
}

/** A notification id (`ntfn_id_t`): ≥ 0, or a negative errno. */
export type ntfn_id_t = number;

interface IrqEntry {
  readonly irq: ps_irq_t;
  readonly handler: seL4_CPtr;
  readonly callback: irq_callback_fn_t;
  pairing: { readonly ntfn_id: ntfn_id_t; readonly bit: number; readonly badged: seL4_CPtr } | null;
}

interface NtfnEntry {
  readonly ntfn: seL4_CPtr;
  readonly usable_mask: bigint;
}

function handlerCap(simple: simple_t, irq: ps_irq_t, path: cspacepath_t): seL4_Error {
  switch (irq.type) {
    case "PS_INTERRUPT":
      return simple_get_IRQ_handler(simple, irq.irq.number, path);
    case "PS_TRIGGER":
      return simple_get_IRQ_trigger(
        simple,
        irq.trigger.number,
        irq.trigger.trigger === "PS_EDGE_TRIGGERED" ? 1 : 0,
        path,
      );
    case "PS_IOAPIC": {
      const a = irq.ioapic;
      return simple_get_ioapic(simple, path, a.ioapic, a.pin, a.level, a.polarity, a.vector);
    }
    case "PS_MSI": {
      const m = irq.msi;
      return simple_get_msi(simple, path, m.pci_bus, m.pci_dev, m.pci_func, m.handle, m.vector);
    }
    default:
      return -EINVAL;
  }
}

/**
 * The seL4 irq ops: `irq_register_fn` obtains an IRQHandler cap (one slot per registration; C
 * leaks a second one, C bug #22); the application provides notifications, pairs interrupts with
 * badge bits of them, and dispatches received badges with {@link Sel4IrqOps.handle}.
 */
export class Sel4IrqOps implements ps_irq_ops_t {
  private readonly vka: vka_t;
  private readonly simple: simple_t;
  private readonly config: irq_interface_config_t;
  private readonly irqs = new Map<irq_id_t, IrqEntry>();
  private readonly ntfns = new Map<ntfn_id_t, NtfnEntry>();

  /** Creates the ops over `vka` (slots, the thread's `Sel4`) and `simple` (IRQ control). */
  constructor(
    vka: vka_t,
    simple: simple_t,
    config: irq_interface_config_t = { max_irq_ids: 64, max_ntfn_ids: 64 },
  ) {
    this.vka = vka;
    this.simple = simple;
    this.config = config;
  }

  /** Registers `callback` for `irq`; returns the id or a negative errno (or a negated seL4 error). */
  irq_register_fn(irq: ps_irq_t, callback: irq_callback_fn_t): irq_id_t {
    const id = lowestFree(this.irqs, this.config.max_irq_ids);
    if (id < 0 || typeof callback !== "function") return id < 0 ? -ENOMEM : -EINVAL;
    const slot = this.vka.cspace_alloc();
    if (slot.error !== 0) return -ENOMEM;
    const error = handlerCap(this.simple, irq, this.vka.cspace_make_path(slot.cptr));
    if (error !== seL4_NoError) {
      this.vka.cspace_free(slot.cptr);
      return error < 0 ? error : -error;
    }
    this.irqs.set(id, { irq, handler: slot.cptr, callback, pairing: null });
    return id;
  }

  /** Unregisters (unpairing first); 0, or `-EINVAL` for an unknown id. */
  irq_unregister_fn(irq_id: irq_id_t): number {
    const e = this.irqs.get(irq_id);
    if (!e) return -EINVAL;
    if (e.pairing) this.unset_ntfn(irq_id);
    this.deleteCap(e.handler);
    this.irqs.delete(irq_id);
    return 0;
  }

  /** Gives the ops a notification whose badge bits in `usable_mask` it may use (`sel4platsupport_irq_provide_ntfn`). */
  provide_ntfn(ntfn: seL4_CPtr, usable_mask: bigint): ntfn_id_t {
    const id = lowestFree(this.ntfns, this.config.max_ntfn_ids);
    if (id < 0) return -ENOMEM;
    if (usable_mask <= 0n || usable_mask >= 1n << 64n) return -EINVAL;
    this.ntfns.set(id, { ntfn, usable_mask });
    return id;
  }

  /** Takes a notification back once no interrupt is paired with it (`sel4platsupport_irq_return_ntfn`). */
  return_ntfn(ntfn_id: ntfn_id_t): { readonly error: number; readonly ntfn: seL4_CPtr } {
    const n = this.ntfns.get(ntfn_id);
    if (!n || [...this.irqs.values()].some((e) => e.pairing?.ntfn_id === ntfn_id))
      return { error: -EINVAL, ntfn: 0 };
    this.ntfns.delete(ntfn_id);
    return { error: 0, ntfn: n.ntfn };
  }

  /**
   * Pairs interrupt `irq_id` with a free badge bit of notification `ntfn_id`: mints a badged copy,
   * sets it as the handler's notification and acknowledges (`sel4platsupport_irq_set_ntfn`).
   */
  set_ntfn(
    ntfn_id: ntfn_id_t,
    irq_id: irq_id_t,
  ): { readonly error: number; readonly badge: bigint } {
    const n = this.ntfns.get(ntfn_id);
    const e = this.irqs.get(irq_id);
    if (!n || !e || e.pairing) return { error: -EINVAL, badge: 0n };
    const used = new Set(
      [...this.irqs.values()]
        .filter((x) => x.pairing?.ntfn_id === ntfn_id)
        .map((x) => x.pairing!.bit),
    );
    let bit = -1;
    for (let b = 0; b < 64; b++)
      if ((n.usable_mask >> BigInt(b)) & 1n && !used.has(b)) {
        bit = b;
        break;
      }
    if (bit < 0) return { error: -ENOMEM, badge: 0n };
    const slot = this.vka.cspace_alloc();
    if (slot.error !== 0) return { error: -ENOMEM, badge: 0n };
    const badge = 1n << BigInt(bit);
    const sel4 = this.vka.sel4;
    let error = vka_cnode_mint(
      sel4,
      this.vka.cspace_make_path(slot.cptr),
      this.vka.cspace_make_path(n.ntfn),
      seL4_AllRights,
      badge,
    );
    if (error === seL4_NoError) error = sel4.seL4_IRQHandler_SetNotification(e.handler, slot.cptr);
    if (error !== seL4_NoError) {
      this.deleteCap(slot.cptr);
      return { error: -error, badge: 0n };
    }
    sel4.seL4_IRQHandler_Ack(e.handler);
    e.pairing = { ntfn_id, bit, badged: slot.cptr };
    return { error: 0, badge };
  }

  /** Undoes {@link Sel4IrqOps.set_ntfn} (`sel4platsupport_irq_unset_ntfn`). */
  unset_ntfn(irq_id: irq_id_t): number {
    const e = this.irqs.get(irq_id);
    if (!e?.pairing) return -EINVAL;
    this.vka.sel4.seL4_IRQHandler_Clear(e.handler);
    this.deleteCap(e.pairing.badged);
    e.pairing = null;
    return 0;
  }

  /**
   * Calls the callback of every interrupt whose bit is set in `badge` (received on `ntfn_id`);
   * each gets an acknowledge function that acks its handler once. Returns how many were called.
   */
  handle(ntfn_id: ntfn_id_t, badge: bigint): number {
    let called = 0;
    for (const e of [...this.irqs.values()]) {
      if (e.pairing?.ntfn_id !== ntfn_id || ((badge >> BigInt(e.pairing.bit)) & 1n) === 0n)
        continue;
      let acked = false;
      const handler = e.handler;
      e.callback(() => {
        if (acked) return 0;
        acked = true;
        return this.vka.sel4.seL4_IRQHandler_Ack(handler);
      });
      called++;
    }
    return called;
  }

  /** Polls notification `ntfn_id` and dispatches what it held (`sel4platsupport_irq_poll`). */
  poll(ntfn_id: ntfn_id_t): number {
    const n = this.ntfns.get(ntfn_id);
    if (!n) return -EINVAL;
    return this.handle(ntfn_id, this.vka.sel4.seL4_Poll(n.ntfn).sender & n.usable_mask);
  }

  /** Blocks on notification `ntfn_id`, then dispatches (`sel4platsupport_irq_wait`). */
  async wait(ntfn_id: ntfn_id_t): Promise<number> {
    const n = this.ntfns.get(ntfn_id);
    if (!n) return -EINVAL;
    const { sender } = await this.vka.sel4.seL4_Wait(n.ntfn);
    return this.handle(ntfn_id, sender & n.usable_mask);
  }

  private deleteCap(cap: seL4_CPtr): void {
    const p = this.vka.cspace_make_path(cap);
    this.vka.sel4.seL4_CNode_Delete(p.root, p.capPtr, p.capDepth);
    this.vka.cspace_free(cap);
  }
}

function lowestFree(map: ReadonlyMap<number, unknown>, max: number): number {
  for (let i = 0; i < max; i++) if (!map.has(i)) return i;
  return -1;
}

/** `sel4platsupport_new_irq_ops`. */
export function sel4platsupport_new_irq_ops(
  vka: vka_t,
  simple: simple_t,
  config?: irq_interface_config_t,
): Sel4IrqOps {
  return new Sel4IrqOps(vka, simple, config);
}
