// MMIO exit round trips per second: a guest store loop to the UART at 0x0900_0000, each store a
// stage-2 VMFault to a VMM root task, which advances the guest's pc past the store (TCB
// WriteRegisters, pc only) and answers with ReplyRecv. Each iteration boots a kernel and runs
// ROUND_TRIPS exits; the "boot and set up only" row is the baseline to subtract:
// round trips per second = ROUND_TRIPS / (iteration time - baseline time).
import { seL4_MessageInfo_new } from "@sel4/sel4";
import { bench, describe } from "vitest";
import { Kernel } from "../src/index.js";
import { code, createGuest, GUEST_RAM, loadGuest, startGuest } from "../test/arm-vm.js";
import { slots } from "../test/helpers.js";

const ROUND_TRIPS = 5000;

async function run(roundTrips: number): Promise<void> {
  const kernel = new Kernel({ arch: "aarch64", ramSize: 64 * 2 ** 20 });
  kernel.useARMVCPUs();
  await kernel.run(async (sel4, bi) => {
    if (sel4.config !== "aarch64") return;
    const guest = createGuest(sel4, bi, slots(bi));
    loadGuest(
      kernel,
      guest,
      GUEST_RAM,
      code([
        0xd2a1_2001, // movz x1, #0x0900, lsl #16
        0xb900_0022, // str w2, [x1]
        0x1100_0442, // add w2, w2, #1
        0x17ff_fffe, // b str
      ]),
    );
    if (roundTrips === 0) return;
    startGuest(sel4, guest, GUEST_RAM);
    const regs = sel4.seL4_TCB_ReadRegisters(guest.tcb, false, 0, 36).regs;
    let r = await sel4.seL4_Recv(guest.ep);
    for (let i = 1; i < roundTrips; i++) {
      const pc = sel4.seL4_GetMR(0);
      sel4.seL4_TCB_WriteRegisters(guest.tcb, false, 0, 1, { ...regs, pc: pc + 4n });
      r = await sel4.seL4_ReplyRecv(guest.ep, seL4_MessageInfo_new(0, 0, 0, 0));
    }
    if (r.info.label !== 5) throw new Error(`expected VMFaults, got label ${r.info.label}`);
  });
  if (kernel.threadErrors.length > 0) throw kernel.threadErrors[0]!.error;
}

describe(`ARM vCPU MMIO exits (${ROUND_TRIPS} round trips per iteration)`, () => {
  bench("boot and set up only (baseline)", () => run(0), { iterations: 5 });
  bench(`${ROUND_TRIPS} store → VMFault → VMM → reply → resume`, () => run(ROUND_TRIPS), {
    iterations: 5,
  });
});
