/* The shell's commands: a name, a one-line description and a function taking the arguments. */
#include "machine.h"
#include "print.h"
#include "psci.h"
#include "shell.h"
#include "sysreg.h"

#define MIB (1UL << 20)
#define HELP_NAME_WIDTH 10

struct command {
  const char *name;
  const char *help;
  void (*run)(const char *args);
};

static void cmd_help(const char *args);

static void cmd_info(const char *args) {
  (void)args;
  const struct machine *m = machine();
  if (m->fdt == NULL) print("device tree: none found (x0 and the RAM base hold none)\n");
  print("cpus: ");
  print_dec(m->cpu_count);
  print(" (MPIDR");
  u32 known = m->cpu_count < MAX_CPUS ? m->cpu_count : MAX_CPUS;
  for (u32 i = 0; i < known; i++) {
    print(" ");
    print_hex(m->cpu_mpidr[i]);
  }
  print(")\n");
  print("memory: ");
  if (m->memory_size == 0) {
    print("unknown\n");
  } else {
    if (m->memory_size % MIB == 0) {
      print_dec(m->memory_size / MIB);
      print(" MiB");
    } else {
      print_hex(m->memory_size);
      print(" bytes");
    }
    print(" at ");
    print_hex(m->memory_base);
    print("\n");
  }
  print("psci: ");
  print(m->psci_smc ? "smc" : "hvc");
  print(" conduit\n");
  print("this cpu: MPIDR.Aff0 ");
  print_dec(this_cpu_aff0());
  print(", EL");
  print_dec((read_sysreg(CurrentEL) >> 2) & 3);
  print("\n");
}

static void cmd_ticks(const char *args) {
  (void)args;
  print("ticks: ");
  print_dec(ticker_count());
  print(" (100 Hz virtual timer interrupts since boot)\n");
}

static void cmd_smp(const char *args) {
  (void)args;
  run_on_every_cpu();
}

static void cmd_echo(const char *args) {
  print(args);
  print("\n");
}

static void cmd_poweroff(const char *args) {
  (void)args;
  print("Powering off.\n");
  psci_system_off();
}

static const struct command commands[] = {
    {"help", "list the commands", cmd_help},
    {"info", "CPUs and memory from the device tree", cmd_info},
    {"ticks", "timer interrupts counted since boot", cmd_ticks},
    {"smp", "run a job on every other CPU (PSCI CPU_ON/CPU_OFF)", cmd_smp},
    {"echo", "echo ARGS: print ARGS", cmd_echo},
    {"poweroff", "power the machine off (PSCI SYSTEM_OFF)", cmd_poweroff},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void cmd_help(const char *args) {
  (void)args;
  for (usize i = 0; i < COMMAND_COUNT; i++) {
    print("  ");
    print(commands[i].name);
    usize length = 0;
    while (commands[i].name[length] != 0) length++;
    for (; length < HELP_NAME_WIDTH; length++) print(" ");
    print(commands[i].help);
    print("\n");
  }
}

static int word_is(const char *word, usize length, const char *name) {
  usize i = 0;
  for (; i < length; i++) {
    if (name[i] != word[i]) return 0;
  }
  return name[i] == 0;
}

void run_command(char *line) {
  while (*line == ' ') line++;
  if (*line == 0) return;
  usize length = 0;
  while (line[length] != 0 && line[length] != ' ') length++;
  const char *args = line + length;
  while (*args == ' ') args++;
  for (usize i = 0; i < COMMAND_COUNT; i++) {
    if (word_is(line, length, commands[i].name)) {
      commands[i].run(args);
      return;
    }
  }
  print("unknown command '");
  print_n(line, length);
  print("'; type 'help' for the list\n");
}
