/**
 * The layout of `seL4_IPCBuffer` (1 KiB, 1 KiB aligned) as word indices, the unit of
 * {@link Sel4ThreadPort.readIPCBufferWord}.
 */

/** Word index of `tag` (ignored by the kernel). */
export const seL4_IPCBuffer_tag = 0;
/** Word index of `msg[0]`; `msg[i]` is word `seL4_IPCBuffer_msg + i`. */
export const seL4_IPCBuffer_msg = 1;
/** Word index of `userData` (ignored by the kernel). */
export const seL4_IPCBuffer_userData = 121;
/** Word index of `caps_or_badges[0]`; three words (extra-cap CPtrs out, unwrapped badges in). */
export const seL4_IPCBuffer_caps_or_badges = 122;
/** Word index of `receiveCNode`. */
export const seL4_IPCBuffer_receiveCNode = 125;
/** Word index of `receiveIndex`. */
export const seL4_IPCBuffer_receiveIndex = 126;
/** Word index of `receiveDepth`. */
export const seL4_IPCBuffer_receiveDepth = 127;
/** Words in the IPC buffer. */
export const seL4_IPCBuffer_words = 128;
/** Bytes in the IPC buffer (`1 << seL4_IPCBufferSizeBits`). */
export const seL4_IPCBuffer_bytes = 1024;
