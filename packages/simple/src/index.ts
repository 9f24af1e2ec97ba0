/**
 * `@sel4/simple`: libsel4simple in TypeScript. The `simple_t` boot-environment interface, its C
 * wrappers (`simple_get_*`) and the BootInfo-backed default (`simple_default_init_bootinfo`).
 *
 * @packageDocumentation
 */
export { simple_default_init_bootinfo } from "./default/bootinfo.js";
export * from "./simple.js";
export * from "./wrappers.js";
