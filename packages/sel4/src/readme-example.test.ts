// The README's example, run against a recording port: it must compile and marshal as described.
import { expect, it } from "vitest";
import {
  createSel4,
  type Sel4ThreadPort,
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_EndpointObject,
  seL4_NoError,
} from "./index.js";
import { RecordingPort } from "./testing/recording-port.js";

function makeBadgedEndpoint(port: Sel4ThreadPort, untyped: number, free: number): number {
  const sel4 = createSel4(port);
  const root = seL4_CapInitThreadCNode;
  let error = sel4.seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, root, 0, 0, free, 1);
  if (error !== seL4_NoError) return error;
  error = sel4.seL4_CNode_Mint(
    root,
    free + 1,
    64,
    root,
    free,
    64,
    seL4_AllRights,
    0xffff_ffff_ffff_ffffn,
  );
  return error;
}

it("runs the README example", () => {
  const port = new RecordingPort("x86_64");
  expect(makeBadgedEndpoint(port, 40, 300)).toBe(seL4_NoError);
  expect(port.entries.map((e) => [e.dest, e.info >> 12n])).toEqual([
    [40, 1n],
    [2, 21n],
  ]);
  expect(port.getMR(5)).toBe(0xffff_ffff_ffff_ffffn);
});
