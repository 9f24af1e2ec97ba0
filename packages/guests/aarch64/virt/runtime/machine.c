/* Reads CPUs, memory and the PSCI conduit from the device tree. */
#include "fdt.h"
#include "machine.h"

static struct machine boot_machine;

const struct machine *machine(void) { return &boot_machine; }

static int looks_like_fdt(u64 addr) {
  /* Only probe RAM the machine is sure to have: the first GiB above the RAM base. */
  if (addr < RAM_BASE || addr >= RAM_BASE + (1UL << 30) || (addr & 3) != 0) return 0;
  return fdt_is_valid((const void *)addr);
}

const void *machine_find_fdt(u64 boot_x0) {
  if (looks_like_fdt(boot_x0)) return (const void *)boot_x0;
  if (looks_like_fdt(RAM_BASE)) return (const void *)RAM_BASE;
  return NULL;
}

static int streq(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

static int value_is(const u8 *value, u32 length, const char *text) {
  u32 i = 0;
  for (; text[i]; i++) {
    if (i >= length || value[i] != (u8)text[i]) return 0;
  }
  return i < length && value[i] == 0;
}

struct reading {
  struct machine *m;
  u32 address_cells; /* of the root node, for /memory's reg */
  u32 size_cells;
};

/* A reg value of #address-cells = 2 (QEMU virt root) or 1 (cpus with #address-cells = 1). */
static u64 first_address(const u8 *value, u32 length) {
  if (length >= 8) return ((u64)fdt_cell(value, 0) << 32) | fdt_cell(value, 1);
  if (length >= 4) return fdt_cell(value, 0);
  return 0;
}

/* A number of `cells` (1 or 2) big-endian cells starting at cell `index`. */
static u64 read_cells(const u8 *value, u32 index, u32 cells) {
  if (cells == 1) return fdt_cell(value, index);
  return ((u64)fdt_cell(value, index) << 32) | fdt_cell(value, index + 1);
}

static void on_property(void *ctx, const char *const *path, int depth, const char *name,
                        const u8 *value, u32 length) {
  struct reading *r = ctx;
  struct machine *m = r->m;
  /* The root's properties come before its child nodes in a flattened tree. */
  if (depth == 0 && length == 4 && streq(name, "#address-cells")) {
    u32 cells = fdt_cell(value, 0);
    if (cells == 1 || cells == 2) r->address_cells = cells;
  } else if (depth == 0 && length == 4 && streq(name, "#size-cells")) {
    u32 cells = fdt_cell(value, 0);
    if (cells == 1 || cells == 2) r->size_cells = cells;
  } else if (depth == 2 && fdt_name_is(path[0], "cpus") && fdt_name_is(path[1], "cpu") &&
      streq(name, "reg")) {
    if (m->cpu_count < MAX_CPUS) m->cpu_mpidr[m->cpu_count] = first_address(value, length);
    m->cpu_count++;
  } else if (depth == 1 && fdt_name_is(path[0], "memory") && streq(name, "reg") &&
             length >= 4 * (r->address_cells + r->size_cells) && m->memory_size == 0) {
    m->memory_base = read_cells(value, 0, r->address_cells);
    m->memory_size = read_cells(value, r->address_cells, r->size_cells);
  } else if (depth == 1 && fdt_name_is(path[0], "psci") && streq(name, "method")) {
    m->psci_smc = value_is(value, length, "smc");
  }
}

void machine_read(const void *fdt, struct machine *out) {
  struct machine fresh = {0};
  *out = fresh;
  out->fdt = fdt;
  if (fdt != NULL) {
    struct reading r = {out, 2, 1}; /* the defaults of the device tree specification */
    if (fdt_walk(fdt, on_property, &r) != 0) {
      out->fdt = NULL;
      out->cpu_count = 0;
      out->memory_size = 0;
    }
  }
  if (out->cpu_count == 0) {
    /* No usable tree: the boot CPU is all we know of. */
    out->cpu_count = 1;
    out->cpu_mpidr[0] = 0;
  }
}

void machine_init(u64 boot_x0) { machine_read(machine_find_fdt(boot_x0), &boot_machine); }
