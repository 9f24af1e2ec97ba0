/** `ps_new_stdlib_malloc_ops`: host memory as byte arrays on the JS heap. */
import { EINVAL, ENOMEM, type ps_malloc_ops_t } from "../types.js";

/** Largest single buffer handed out (1 GiB); larger requests are `ENOMEM`. */
const MAX_BUFFER = 2 ** 30;

function allocate(bytes: number) {
  if (!Number.isSafeInteger(bytes) || bytes < 0) return { error: EINVAL, ptr: null };
  if (bytes > MAX_BUFFER) return { error: ENOMEM, ptr: null };
  return { error: 0, ptr: new Uint8Array(bytes) };
}

/** Malloc ops over the JS heap (buffers are always zeroed; `free` only checks its arguments). */
export function ps_new_stdlib_malloc_ops(): ps_malloc_ops_t {
  return {
    malloc: (size) => allocate(size),
    calloc: (nmemb, size) => allocate(nmemb * size),
    free: (size, ptr) => (ptr instanceof Uint8Array && ptr.byteLength === size ? 0 : EINVAL),
  };
}
