/* Host harness for the guest's device tree code (runtime/fdt.c, runtime/machine.c), built with
 * the host gcc and sanitizers by the package test. It reads a real device tree, checks what
 * machine_read finds in it, then walks many corrupted copies: every walk must end (the walker
 * always advances) without reading outside the blob's declared size, which the sanitizers and
 * the guard area catch.
 * Usage: fdt_fuzz DTB CPUS MEMORY_MIB PSCI_METHOD ITERATIONS SEED */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "machine.h"

#define MAX_CLAIM (16u << 20) /* the largest tree fdt.c accepts */
#define HEADER_SIZE 40

static unsigned long long rng_state;

static unsigned long long next_random(void) {
  /* xorshift64: reproducible from the seed */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void count_property(void *ctx, const char *const *path, int depth, const char *name,
                           const u8 *value, u32 length) {
  /* Touch everything the walker hands out, so out-of-bounds pointers are caught here. */
  unsigned long *sum = ctx;
  for (int i = 0; i < depth; i++) *sum += strlen(path[i]);
  *sum += strlen(name);
  for (u32 i = 0; i < length; i++) *sum += value[i];
}

static unsigned load_be32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static void store_be32(unsigned char *p, unsigned v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void corrupt(unsigned char *blob, size_t size) {
  static const unsigned interesting[] = {0, 1, 2, 3, 4, 9, 0x7fffffff, 0xffffffff, 0xfffffffc,
                                         40, 0x100000, 0x1000000};
  int edits = 1 + (int)(next_random() % 4);
  for (int e = 0; e < edits; e++) {
    unsigned long long r = next_random();
    size_t where;
    switch (r % 4) {
      case 0: /* a header field */
        where = 4 * (size_t)((r >> 8) % 10);
        break;
      case 1: /* somewhere in the first 4 KiB, where the structure block starts */
        where = (size_t)((r >> 8) % 4096) & ~(size_t)3;
        break;
      default: /* anywhere */
        where = (size_t)((r >> 8) % (size - 4)) & ~(size_t)3;
        break;
    }
    if (where + 4 > size) continue;
    if ((r >> 40) % 2 == 0) {
      store_be32(blob + where, interesting[(r >> 48) % (sizeof interesting / sizeof *interesting)]);
    } else {
      blob[where + (r >> 50) % 4] ^= (unsigned char)(1u << ((r >> 56) % 8));
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: fdt_fuzz DTB CPUS MEMORY_MIB PSCI_METHOD ITERATIONS SEED\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL) return 2;
  unsigned char *original = malloc(MAX_CLAIM);
  size_t size = fread(original, 1, MAX_CLAIM, f);
  fclose(f);
  if (size < HEADER_SIZE) return 2;
  /* Drop the free space QEMU leaves after the strings block, so every copy is small. */
  unsigned struct_end = load_be32(original + 8) + load_be32(original + 36);
  unsigned strings_end = load_be32(original + 12) + load_be32(original + 32);
  unsigned used = struct_end > strings_end ? struct_end : strings_end;
  if (used < size) size = used;
  store_be32(original + 4, (unsigned)size);

  struct machine m;
  machine_read(original, &m);
  if (m.fdt == NULL || m.cpu_count != strtoul(argv[2], NULL, 0) ||
      m.memory_size != strtoul(argv[3], NULL, 0) << 20 || m.memory_base != 0x40000000 ||
      m.psci_smc != (strcmp(argv[4], "smc") == 0)) {
    fprintf(stderr, "fdt_fuzz: read %u cpus, %lu bytes at %#lx, psci smc %d\n", m.cpu_count,
            m.memory_size, m.memory_base, m.psci_smc);
    return 1;
  }
  long iterations = strtol(argv[5], NULL, 0);
  rng_state = strtoull(argv[6], NULL, 0) | 1;
  unsigned char *mutated = malloc(size);
  long walked_ok = 0;
  for (long i = 0; i < iterations; i++) {
    memcpy(mutated, original, size);
    corrupt(mutated, size);
    /* The header is always read whole; beyond it, only what totalsize claims may be read. */
    unsigned claim = load_be32(mutated + 4);
    size_t block = claim < HEADER_SIZE || claim > MAX_CLAIM ? HEADER_SIZE : claim;
    unsigned char *blob = calloc(1, block);
    memcpy(blob, mutated, block < size ? block : size);
    unsigned long sum = 0;
    if (fdt_walk(blob, count_property, &sum) == 0) walked_ok++;
    machine_read(blob, &m);
    free(blob);
    if (m.cpu_count == 0) {
      fprintf(stderr, "fdt_fuzz: no cpu after corruption %ld\n", i);
      return 1;
    }
  }
  free(mutated);
  free(original);
  printf("%ld %ld\n", iterations, walked_ok);
  return 0;
}
