/* Flattened device tree walk (format version 17). Every offset and length read from the blob is
 * checked against the blob's own size before use, so a corrupt tree ends the walk with -1. */
#include "fdt.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_HEADER_SIZE 40
#define FDT_MAX_SIZE (16u << 20)

static u32 be32(const u8 *p) {
  return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | (u32)p[3];
}

u32 fdt_cell(const u8 *value, u32 index) { return be32(value + 4 * index); }

int fdt_name_is(const char *node, const char *base) {
  /* "memory@40000000" matches "memory"; so does "memory". */
  while (*base && *node == *base) {
    node++;
    base++;
  }
  return *base == 0 && (*node == 0 || *node == '@');
}

struct fdt_layout {
  const u8 *blob;
  u32 struct_start, struct_end;
  u32 strings_start, strings_end;
};

static int read_layout(const void *blob, struct fdt_layout *out) {
  const u8 *b = blob;
  if (b == NULL || ((usize)b & 3) != 0) return -1;
  if (be32(b) != FDT_MAGIC) return -1;
  u32 total = be32(b + 4);
  u32 off_struct = be32(b + 8), off_strings = be32(b + 12);
  u32 size_strings = be32(b + 32), size_struct = be32(b + 36);
  if (total < FDT_HEADER_SIZE || total > FDT_MAX_SIZE) return -1;
  if (off_struct > total || size_struct > total - off_struct || (off_struct & 3) != 0) return -1;
  if (off_strings > total || size_strings > total - off_strings) return -1;
  out->blob = b;
  out->struct_start = off_struct;
  out->struct_end = off_struct + size_struct;
  out->strings_start = off_strings;
  out->strings_end = off_strings + size_strings;
  return 0;
}

int fdt_is_valid(const void *blob) {
  struct fdt_layout layout;
  return read_layout(blob, &layout) == 0;
}

/* Offset just past the NUL of the string at pos, or 0 when it runs past end. */
static u32 string_end(const u8 *blob, u32 pos, u32 end) {
  while (pos < end) {
    if (blob[pos] == 0) return pos + 1;
    pos++;
  }
  return 0;
}

int fdt_walk(const void *blob, fdt_property_fn fn, void *ctx) {
  struct fdt_layout f;
  if (read_layout(blob, &f) != 0) return -1;
  const char *path[FDT_MAX_DEPTH];
  int level = -1; /* -1 before the root node opens; 0 inside the root */
  u32 pos = f.struct_start;
  while (pos + 4 <= f.struct_end) {
    u32 token = be32(f.blob + pos);
    pos += 4;
    if (token == FDT_BEGIN_NODE) {
      u32 after = string_end(f.blob, pos, f.struct_end);
      if (after == 0 || level + 1 > FDT_MAX_DEPTH) return -1;
      if (level >= 0) path[level] = (const char *)(f.blob + pos);
      level++;
      pos = (after + 3) & ~3u;
    } else if (token == FDT_END_NODE) {
      if (level < 0) return -1;
      level--;
    } else if (token == FDT_PROP) {
      if (level < 0 || pos + 8 > f.struct_end) return -1;
      u32 length = be32(f.blob + pos), name_off = be32(f.blob + pos + 4);
      pos += 8;
      if (length > f.struct_end - pos) return -1;
      if (name_off >= f.strings_end - f.strings_start) return -1;
      u32 name_pos = f.strings_start + name_off;
      if (string_end(f.blob, name_pos, f.strings_end) == 0) return -1;
      fn(ctx, path, level, (const char *)(f.blob + name_pos), f.blob + pos, length);
      pos = (pos + length + 3) & ~3u;
    } else if (token == FDT_NOP) {
      continue;
    } else if (token == FDT_END) {
      return level == -1 ? 0 : -1;
    } else {
      return -1;
    }
  }
  return -1;
}
