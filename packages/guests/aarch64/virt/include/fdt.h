/* Minimal flattened device tree walk with bounds checks: any blob content is safe to walk. */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#include "types.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAX_DEPTH 8

/* Called for every property; path[0..depth-1] are the node names from the root's child down. */
typedef void (*fdt_property_fn)(void *ctx, const char *const *path, int depth, const char *name,
                                const u8 *value, u32 length);

/* True when addr holds a device tree header (magic and a plausible size). */
int fdt_is_valid(const void *blob);
/* Walks every property; returns 0 on success, -1 on a malformed blob (walk stops there). */
int fdt_walk(const void *blob, fdt_property_fn fn, void *ctx);
/* Big-endian 32-bit cell at value[index]. */
u32 fdt_cell(const u8 *value, u32 index);
int fdt_name_is(const char *node, const char *base);

#endif
