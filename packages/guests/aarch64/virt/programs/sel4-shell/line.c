/* Line editing on the interrupt-fed input queue. Enter may arrive as CR (terminals), LF (pipes)
 * or CR LF; each ends exactly one line. */
#include "print.h"
#include "rx_queue.h"
#include "shell.h"
#include "uart.h"

#define CTRL_C 0x03
#define BACKSPACE 0x08
#define CTRL_U 0x15
#define DELETE 0x7f

static void erase_last(void) { print("\b \b"); }

void read_line(char *buf, usize size) {
  static int last_was_cr; /* across calls: the LF of a CR LF pair comes with the next line */
  usize len = 0;
  for (;;) {
    int c = rx_queue_wait();
    int was_cr = last_was_cr;
    last_was_cr = c == '\r';
    if (c == '\n' && was_cr) continue;
    if (c == '\r' || c == '\n') {
      print("\n");
      break;
    }
    if (c == BACKSPACE || c == DELETE) {
      if (len > 0) {
        len--;
        erase_last();
      }
    } else if (c == CTRL_U) {
      while (len > 0) {
        len--;
        erase_last();
      }
    } else if (c == CTRL_C) {
      print("^C\n");
      len = 0;
      break;
    } else if (c >= 0x20 && c < 0x7f && len + 1 < size) {
      buf[len++] = (char)c;
      uart_putc((char)c);
    }
  }
  buf[len] = 0;
}
