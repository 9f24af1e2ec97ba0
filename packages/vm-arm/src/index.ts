/**
 * `@sel4/vm-arm`: libsel4vm for AArch64 guests.
 *
 * @packageDocumentation
 */
export * from "./decode.js";
export * from "./linux.js";
export * from "./psci.js";
export * from "./smc.js";
export * from "./syndrome.js";
export * from "./vgic/distributor.js";
export * from "./vgic/vgic-v2.js";
