/**
 * The `vka_t` contract as framework-neutral checks: each check runs against a fresh allocator and
 * throws {@link VkaContractViolation} when the allocator breaks the contract.
 */
import {
  type Sel4,
  type Sel4_AArch64,
  type Sel4_X86_64,
  type seL4_BootInfo,
  seL4_CapTableObject,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_TCBBits,
  seL4_TCBObject,
  seL4_UntypedObject,
} from "@sel4/sel4";
import { kobject_get_type } from "../kobject.js";
import {
  type VkaAllocResult,
  vka_alloc_cnode_object,
  vka_alloc_endpoint,
  vka_alloc_frame,
  vka_alloc_frame_at,
  vka_alloc_frame_maybe_device,
  vka_alloc_object,
  vka_alloc_object_at_maybe_dev,
  vka_alloc_untyped,
  vka_free_object,
  vka_object_paddr,
} from "../object.js";
import { VKA_NO_PADDR, VkaUsageError, type vka_object_t, type vka_t } from "../types.js";

/** What one contract check receives: a fresh allocator running inside its kernel's root task. */
export interface VkaContractEnv {
  /** The allocator under test. */
  readonly vka: vka_t;
  /** The BootInfo of the kernel the allocator runs on (to tell RAM from device memory). */
  readonly bootInfo: seL4_BootInfo;
}

/** One named check of the contract. */
export interface VkaContractCheck {
  /** What the check proves, as a sentence. */
  readonly name: string;
  /** Runs the check; throws {@link VkaContractViolation} (or the allocator's own error) on failure. */
  run(env: VkaContractEnv): void;
}

/** Thrown by a check when the allocator does not honour `vka_t`. */
export class VkaContractViolation extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "VkaContractViolation";
  }
}

function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new VkaContractViolation(message);
}

function ok(result: VkaAllocResult, what: string): vka_object_t {
  ensure(result.error === 0, `${what}: error ${result.error}`);
  ensure(result.object.cptr !== 0, `${what}: success with slot 0`);
  return result.object;
}

function slotEmpty(sel4: Sel4, cptr: number): boolean {
  return sel4.seL4_DebugCapIdentify(cptr) === 0;
}

function throwsUsage(fn: () => void, what: string): void {
  try {
    fn();
  } catch (e) {
    ensure(e instanceof VkaUsageError, `${what}: threw ${String(e)} instead of VkaUsageError`);
    return;
  }
  throw new VkaContractViolation(`${what}: not reported`);
}

function frameAddress(sel4: Sel4, cptr: number): number {
  const r =
    sel4.config === "aarch64"
      ? (sel4 as Sel4_AArch64).seL4_ARM_Page_GetAddress(cptr)
      : (sel4 as Sel4_X86_64).seL4_X86_Page_GetAddress(cptr);
  ensure(r.error === 0, `Page_GetAddress: error ${r.error}`);
  return r.paddr;
}

function inDeviceUntyped(bootInfo: seL4_BootInfo, paddr: number): boolean {
  return bootInfo.untypedList.some(
    (u) => u.isDevice !== 0 && paddr >= u.paddr && paddr < u.paddr + 2 ** u.sizeBits,
  );
}

const checks: readonly VkaContractCheck[] = [
  {
    name: "cspace_alloc hands out distinct empty slots whose paths name them",
    run({ vka }) {
      const slots = new Set<number>();
      for (let i = 0; i < 40; i++) {
        const { error, cptr } = vka.cspace_alloc();
        ensure(error === 0 && cptr !== 0, `cspace_alloc #${i}: error ${error}, slot ${cptr}`);
        ensure(!slots.has(cptr), `slot ${cptr} handed out twice`);
        ensure(slotEmpty(vka.sel4, cptr), `slot ${cptr} is not empty`);
        ensure(vka.cspace_make_path(cptr).capPtr === cptr, `path of ${cptr} names another slot`);
        slots.add(cptr);
      }
      for (const s of slots) vka.cspace_free(s);
    },
  },
  {
    name: "utspace_alloc makes every generic object type and vka_free_object empties the slot",
    run({ vka }) {
      const objects = [
        ok(vka_alloc_endpoint(vka), "endpoint"),
        ok(vka_alloc_object(vka, seL4_NotificationObject, 0), "notification"),
        ok(vka_alloc_object(vka, seL4_TCBObject, seL4_TCBBits), "tcb"),
        ok(vka_alloc_cnode_object(vka, 4), "cnode"),
        ok(vka_alloc_untyped(vka, 12), "untyped"),
        ok(vka_alloc_frame(vka, 12), "frame"),
      ];
      for (const o of objects)
        ensure(!slotEmpty(vka.sel4, o.cptr), `no cap at ${o.cptr} after allocation`);
      for (const o of objects) {
        vka_free_object(vka, o);
        ensure(slotEmpty(vka.sel4, o.cptr), `slot ${o.cptr} not empty after free`);
      }
    },
  },
  {
    name: "freed memory is reused: 300 alloc/free cycles of 64 KiB never run out",
    run({ vka }) {
      for (let i = 0; i < 300; i++) {
        const o = ok(vka_alloc_untyped(vka, 16), `cycle ${i}`);
        vka_free_object(vka, o);
      }
    },
  },
  {
    name: "utspace_paddr reports the physical address the kernel gives the frame",
    run({ vka }) {
      const frames = [
        ok(vka_alloc_frame(vka, 12), "frame"),
        ok(vka_alloc_frame(vka, 21), "large frame"),
      ];
      for (const f of frames) {
        const paddr = vka_object_paddr(vka, f);
        ensure(paddr !== VKA_NO_PADDR, "utspace_paddr gave VKA_NO_PADDR");
        ensure(
          paddr === frameAddress(vka.sel4, f.cptr),
          `utspace_paddr ${paddr} differs from the kernel's`,
        );
        ensure(paddr % 2 ** f.size_bits === 0, "frame not aligned");
      }
      for (const f of frames) vka_free_object(vka, f);
    },
  },
  {
    name: "utspace_alloc_at places a frame at the requested physical address",
    run({ vka }) {
      const first = ok(vka_alloc_frame(vka, 12), "frame");
      const paddr = frameAddress(vka.sel4, first.cptr);
      vka_free_object(vka, first);
      const again = ok(vka_alloc_frame_at(vka, 12, paddr), "frame at");
      ensure(frameAddress(vka.sel4, again.cptr) === paddr, "frame is not at the requested address");
      ensure(
        vka_object_paddr(vka, again) === paddr,
        "utspace_paddr disagrees for an _at allocation",
      );
      const clash = vka_alloc_frame_at(vka, 12, paddr);
      ensure(clash.error !== 0, "the same physical page was handed out twice");
      vka_free_object(vka, again);
    },
  },
  {
    name: "utspace_alloc_at an address no untyped covers fails and leaves the allocator usable",
    run({ vka }) {
      const r = vka_alloc_frame_at(vka, 12, 2 ** 52 - 4096);
      ensure(r.error !== 0 && r.object.cptr === 0, "allocation at an impossible address succeeded");
      const misaligned = vka_alloc_frame_at(vka, 12, 0x1234);
      ensure(misaligned.error !== 0, "allocation at a misaligned address succeeded");
      vka_free_object(vka, ok(vka_alloc_endpoint(vka), "endpoint afterwards"));
    },
  },
  {
    name: "exhaustion returns an error and leaves the allocator usable",
    run({ vka }) {
      const r = vka_alloc_untyped(vka, 46);
      ensure(r.error !== 0 && r.object.cptr === 0, "a 64 TiB untyped was allocated");
      const live: vka_object_t[] = [];
      for (;;) {
        const u = vka_alloc_untyped(vka, 20);
        if (u.error !== 0) break;
        live.push(u.object);
        ensure(live.length < 100_000, "memory never runs out");
      }
      ensure(live.length > 0, "not even one 1 MiB untyped");
      for (const o of live) vka_free_object(vka, o);
      const again: vka_object_t[] = [];
      for (let i = 0; i < live.length; i++)
        again.push(ok(vka_alloc_untyped(vka, 20), `re-allocation ${i}`));
      for (const o of again) vka_free_object(vka, o);
    },
  },
  {
    name: "invalid types and sizes are errors, not exceptions, and change nothing",
    run({ vka }) {
      ensure(vka_alloc_object(vka, 999, 0).error !== 0, "type 999 accepted");
      ensure(vka_alloc_object(vka, -1, 0).error !== 0, "type -1 accepted");
      ensure(vka_alloc_object(vka, 0.5, 0).error !== 0, "type 0.5 accepted");
      ensure(vka_alloc_frame(vka, 13).error !== 0, "a 8 KiB frame accepted");
      ensure(vka_alloc_untyped(vka, 2).error !== 0, "a 4-byte untyped accepted");
      ensure(vka_alloc_untyped(vka, Number.NaN).error !== 0, "a NaN-sized untyped accepted");
      ensure(vka_alloc_object(vka, seL4_CapTableObject, 0).error !== 0, "a 1-slot CNode accepted");
      const path = vka.cspace_make_path(vka.cspace_alloc().cptr);
      ensure(vka.utspace_alloc(path, 999, 0).error !== 0, "utspace_alloc of type 999 accepted");
      ensure(
        vka.utspace_alloc(path, seL4_UntypedObject, 99).error !== 0,
        "a 2^99 untyped accepted",
      );
      ensure(slotEmpty(vka.sel4, path.capPtr), "failed utspace_alloc left a cap");
      vka.cspace_free(path.capPtr);
      vka_free_object(vka, ok(vka_alloc_endpoint(vka), "endpoint afterwards"));
    },
  },
  {
    name: "double frees of memory and of slots are reported and change nothing",
    run({ vka }) {
      const o = ok(vka_alloc_endpoint(vka), "endpoint");
      vka_free_object(vka, o);
      throwsUsage(() => vka.utspace_free(o.type, o.size_bits, o.ut), "second utspace_free");
      throwsUsage(() => vka.cspace_free(o.cptr), "second cspace_free");
      vka_free_object(vka, ok(vka_alloc_endpoint(vka), "endpoint afterwards"));
    },
  },
  {
    name: "frees of things never allocated here are reported",
    run({ vka }) {
      throwsUsage(() => vka.utspace_free(seL4_EndpointObject, 0, 0x7ead_beef), "foreign cookie");
      throwsUsage(() => vka.cspace_free(1), "foreign slot (the initial TCB)");
      const o = ok(vka_alloc_frame(vka, 12), "frame");
      const type = kobject_get_type(vka.sel4.config, "KOBJECT_FRAME", 21);
      vka.sel4.seL4_CNode_Delete(
        vka.cspace_make_path(o.cptr).root,
        o.cptr,
        vka.cspace_make_path(o.cptr).capDepth,
      );
      throwsUsage(() => vka.utspace_free(type, 21, o.ut), "free with another type and size");
      vka.utspace_free(o.type, o.size_bits, o.ut);
      vka.cspace_free(o.cptr);
    },
  },
  {
    name: "cspace_free of a slot still holding a cap is reported and keeps the cap",
    run({ vka }) {
      const o = ok(vka_alloc_endpoint(vka), "endpoint");
      throwsUsage(() => vka.cspace_free(o.cptr), "cspace_free of a full slot");
      ensure(!slotEmpty(vka.sel4, o.cptr), "the cap vanished");
      vka_free_object(vka, o);
    },
  },
  {
    name: "device untyped is not used unless allowed, nor for objects other than frames and untypeds",
    run({ vka, bootInfo }) {
      const ram = ok(vka_alloc_frame_maybe_device(vka, 12, false), "RAM frame");
      ensure(
        !inDeviceUntyped(bootInfo, vka_object_paddr(vka, ram)),
        "can_use_dev=false gave device memory",
      );
      const tcb = ok(
        vka_alloc_object_at_maybe_dev(vka, seL4_TCBObject, seL4_TCBBits, VKA_NO_PADDR, true),
        "tcb",
      );
      vka_free_object(vka, tcb);
      vka_free_object(vka, ram);
    },
  },
];

/** The checks of the `vka_t` contract, in a fixed order. */
export function vka_contract_checks(): readonly VkaContractCheck[] {
  return checks;
}
