/**
 * The device tree of our guest machine, which mirrors QEMU's `virt` board with gic-version=2 as
 * `qemu-system-aarch64 -M virt,gic-version=2 -cpu cortex-a53` describes it: the same addresses,
 * interrupt numbers, compatibles and clocks, so a guest built for that QEMU machine finds the
 * same hardware here. Only what a Linux or bare-metal guest needs is described (no flash, PCIe,
 * fw-cfg, RTC, GPIO, PMU or virtio-mmio transports yet).
 */
import { GuestConfigError } from "../errors.js";
import {
  fdtPropCells,
  fdtPropEmpty,
  fdtPropString,
  fdtPropStrings,
  fdtPropU32,
  fdtPropU64,
} from "../fdt/property.js";
import { type Fdt, type FdtNode, fdtNode } from "../fdt/types.js";
import { writeFdt } from "../fdt/writer.js";
import type { GuestPhysRange } from "../loaders/guest-ram.js";

/** Guest-physical base of RAM on QEMU virt. */
export const VIRT_RAM_BASE = 0x4000_0000;
/** Largest RAM QEMU virt places below its high I/O region (255 GiB). */
export const VIRT_RAM_MAX_SIZE = 255 * 2 ** 30;
/** GICv2 distributor base. */
export const VIRT_GIC_DIST_BASE = 0x0800_0000;
/** GICv2 distributor region size. */
export const VIRT_GIC_DIST_SIZE = 0x1_0000;
/** GICv2 CPU interface base. */
export const VIRT_GIC_CPU_BASE = 0x0801_0000;
/** GICv2 CPU interface region size. */
export const VIRT_GIC_CPU_SIZE = 0x1_0000;
/** PL011 UART base. */
export const VIRT_UART_BASE = 0x0900_0000;
/** PL011 UART region size. */
export const VIRT_UART_SIZE = 0x1000;
/** The PL011's shared peripheral interrupt number (INTID 32 + 1 = 33). */
export const VIRT_UART_SPI = 1;
/** Frequency of QEMU virt's fixed `apb-pclk` clock, which clocks the PL011. */
export const VIRT_APB_PCLK_HZ = 24_000_000;
/** GICv2 serves at most 8 CPUs (the PPI CPU mask is 8 bits). */
export const VIRT_GICV2_MAX_CPUS = 8;

/** GIC binding, first interrupt cell: a shared peripheral interrupt. */
export const GIC_FDT_IRQ_TYPE_SPI = 0;
/** GIC binding, first interrupt cell: a private peripheral interrupt. */
export const GIC_FDT_IRQ_TYPE_PPI = 1;
/** GIC binding, third cell: rising-edge triggered. */
export const GIC_FDT_IRQ_FLAGS_EDGE_LO_HI = 1;
/** GIC binding, third cell: active-high level-sensitive. */
export const GIC_FDT_IRQ_FLAGS_LEVEL_HI = 4;
/** Architected timer PPIs as QEMU virt lists them (secure EL1 physical, INTID 29). */
export const ARCH_TIMER_S_EL1_PPI = 13;
/** Non-secure EL1 physical timer PPI (INTID 30). */
export const ARCH_TIMER_NS_EL1_PPI = 14;
/** Virtual timer PPI (INTID 27, libsel4vmmplatsupport's `PPI_VTIMER_IRQ`). */
export const ARCH_TIMER_VIRT_PPI = 11;
/** Non-secure EL2 physical timer PPI (INTID 26). */
export const ARCH_TIMER_NS_EL2_PPI = 10;

/** PSCI 0.2+ function id of CPU_SUSPEND, SMC64 convention. */
export const PSCI_0_2_FN64_CPU_SUSPEND = 0xc400_0001;
/** PSCI 0.2+ function id of CPU_OFF (SMC32 only). */
export const PSCI_0_2_FN_CPU_OFF = 0x8400_0002;
/** PSCI 0.2+ function id of CPU_ON, SMC64 convention. */
export const PSCI_0_2_FN64_CPU_ON = 0xc400_0003;
/** PSCI 0.2+ function id of MIGRATE, SMC64 convention. */
export const PSCI_0_2_FN64_MIGRATE = 0xc400_0005;

/** Phandles in our tree (QEMU numbers its own from 0x8000; phandle values carry no meaning). */
const GIC_PHANDLE = 1;
const APB_PCLK_PHANDLE = 2;
const UART_NODE = `pl011@${VIRT_UART_BASE.toString(16)}`;
const PAGE_SIZE = 0x1000;

/** What varies between guests of the virt machine. */
export interface VirtGuestOptions {
  /** Bytes of RAM at {@link VIRT_RAM_BASE}: a multiple of 4 KiB, at most {@link VIRT_RAM_MAX_SIZE}. */
  readonly ram_size: number;
  /** Number of vCPUs, 1 to {@link VIRT_GICV2_MAX_CPUS}; with more than one, each cpu node says `enable-method = "psci"`. */
  readonly num_vcpus: number;
  /** `compatible` of each cpu node; default `arm,cortex-a53`. */
  readonly cpu_compatible?: string;
  /** PSCI conduit; default `hvc` as QEMU virt without EL2/EL3 uses. */
  readonly psci_method?: "hvc" | "smc";
  /** PSCI version the VMM implements; default `1.0` (libsel4vm reports 1.0). */
  readonly psci_version?: "0.2" | "1.0";
  /** Kernel command line for `/chosen/bootargs`; omitted when absent. */
  readonly bootargs?: string;
  /** Where the initrd was placed (`linux,initrd-start/-end`); omitted when absent. */
  readonly initrd?: GuestPhysRange;
  /** `/chosen/kaslr-seed`; omitted when absent (runs stay deterministic). */
  readonly kaslr_seed?: bigint;
}

/**
 * Checks virt machine options without building anything.
 * @param options - the options
 * @throws GuestConfigError when the options describe no valid machine
 */
export function checkVirtGuestOptions(options: VirtGuestOptions): void {
  const { ram_size, num_vcpus, initrd } = options;
  if (
    !Number.isSafeInteger(ram_size) ||
    ram_size <= 0 ||
    ram_size % PAGE_SIZE !== 0 ||
    ram_size > VIRT_RAM_MAX_SIZE
  ) {
    throw new GuestConfigError(
      `ram_size ${ram_size} is not a multiple of 4 KiB between 4 KiB and 255 GiB`,
    );
  }
  if (!Number.isInteger(num_vcpus) || num_vcpus < 1 || num_vcpus > VIRT_GICV2_MAX_CPUS) {
    throw new GuestConfigError(
      `num_vcpus ${num_vcpus} is not between 1 and ${VIRT_GICV2_MAX_CPUS} (GICv2)`,
    );
  }
  if (initrd !== undefined) {
    const ramEnd = VIRT_RAM_BASE + ram_size;
    const { start, end } = initrd;
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      start < VIRT_RAM_BASE ||
      end < start ||
      end > ramEnd
    ) {
      throw new GuestConfigError(
        `initrd [0x${start.toString(16)}, 0x${end.toString(16)}) is not inside guest RAM`,
      );
    }
  }
}

/** `reg` entry of the root bus (two address cells, two size cells). */
function reg(...baseSizePairs: number[]): ReturnType<typeof fdtPropCells> {
  return fdtPropCells(
    "reg",
    baseSizePairs.map(() => 2),
    baseSizePairs,
  );
}

function cpusNode(options: VirtGuestOptions): FdtNode {
  const cpus: FdtNode[] = [];
  for (let id = 0; id < options.num_vcpus; id++) {
    // reg is the MPIDR affinity; with at most 8 CPUs in one cluster it is Aff0 = id.
    const properties = [
      fdtPropString("device_type", "cpu"),
      fdtPropString("compatible", options.cpu_compatible ?? "arm,cortex-a53"),
      fdtPropU32("reg", id),
    ];
    // Like QEMU (and libsel4vmmplatsupport), a lone CPU has nothing to enable.
    if (options.num_vcpus > 1) properties.push(fdtPropString("enable-method", "psci"));
    cpus.push(fdtNode(`cpu@${id.toString(16)}`, properties));
  }
  return fdtNode("cpus", [fdtPropU32("#address-cells", 1), fdtPropU32("#size-cells", 0)], cpus);
}

function psciNode(options: VirtGuestOptions): FdtNode {
  const compatible =
    options.psci_version === "0.2"
      ? ["arm,psci-0.2", "arm,psci"]
      : ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"];
  return fdtNode("psci", [
    fdtPropStrings("compatible", ...compatible),
    fdtPropString("method", options.psci_method ?? "hvc"),
    // The PSCI 0.1 binding's ids, kept for old kernels; 0.2+ kernels use the standard ids.
    fdtPropU32("cpu_suspend", PSCI_0_2_FN64_CPU_SUSPEND),
    fdtPropU32("cpu_off", PSCI_0_2_FN_CPU_OFF),
    fdtPropU32("cpu_on", PSCI_0_2_FN64_CPU_ON),
    fdtPropU32("migrate", PSCI_0_2_FN64_MIGRATE),
  ]);
}

function timerNode(numVcpus: number): FdtNode {
  // GICv2 PPIs carry a CPU target mask in bits 15:8 of the flags cell.
  const flags = (((1 << numVcpus) - 1) << 8) | GIC_FDT_IRQ_FLAGS_LEVEL_HI;
  const ppis = [
    ARCH_TIMER_S_EL1_PPI,
    ARCH_TIMER_NS_EL1_PPI,
    ARCH_TIMER_VIRT_PPI,
    ARCH_TIMER_NS_EL2_PPI,
  ];
  return fdtNode("timer", [
    fdtPropStrings("compatible", "arm,armv8-timer", "arm,armv7-timer"),
    fdtPropU32("interrupts", ...ppis.flatMap((ppi) => [GIC_FDT_IRQ_TYPE_PPI, ppi, flags])),
    fdtPropEmpty("always-on"),
  ]);
}

function chosenNode(options: VirtGuestOptions): FdtNode {
  const properties = [fdtPropString("stdout-path", `/${UART_NODE}`)];
  if (options.bootargs !== undefined) properties.push(fdtPropString("bootargs", options.bootargs));
  if (options.initrd !== undefined) {
    properties.push(
      fdtPropU64("linux,initrd-start", options.initrd.start),
      fdtPropU64("linux,initrd-end", options.initrd.end),
    );
  }
  if (options.kaslr_seed !== undefined)
    properties.push(fdtPropU64("kaslr-seed", options.kaslr_seed));
  return fdtNode("chosen", properties);
}

/**
 * Builds the device tree of a virt guest: memory, cpus (PSCI enable method), psci, GICv2,
 * architected timer, the PL011 and its clock, and chosen.
 * @param options - RAM size, vCPUs, PSCI conduit, command line, initrd
 * @returns the tree
 * @throws GuestConfigError when the options describe no valid machine
 */
export function virtGuestFdt(options: VirtGuestOptions): Fdt {
  checkVirtGuestOptions(options);
  const root = fdtNode(
    "",
    [
      fdtPropU32("interrupt-parent", GIC_PHANDLE),
      fdtPropString("model", "linux,dummy-virt"),
      fdtPropU32("#size-cells", 2),
      fdtPropU32("#address-cells", 2),
      fdtPropString("compatible", "linux,dummy-virt"),
    ],
    [
      psciNode(options),
      fdtNode(`memory@${VIRT_RAM_BASE.toString(16)}`, [
        reg(VIRT_RAM_BASE, options.ram_size),
        fdtPropString("device_type", "memory"),
      ]),
      fdtNode(UART_NODE, [
        fdtPropStrings("clock-names", "uartclk", "apb_pclk"),
        fdtPropU32("clocks", APB_PCLK_PHANDLE, APB_PCLK_PHANDLE),
        fdtPropU32("interrupts", GIC_FDT_IRQ_TYPE_SPI, VIRT_UART_SPI, GIC_FDT_IRQ_FLAGS_LEVEL_HI),
        reg(VIRT_UART_BASE, VIRT_UART_SIZE),
        fdtPropStrings("compatible", "arm,pl011", "arm,primecell"),
      ]),
      fdtNode(`intc@${VIRT_GIC_DIST_BASE.toString(16)}`, [
        fdtPropU32("phandle", GIC_PHANDLE),
        reg(VIRT_GIC_DIST_BASE, VIRT_GIC_DIST_SIZE, VIRT_GIC_CPU_BASE, VIRT_GIC_CPU_SIZE),
        fdtPropString("compatible", "arm,cortex-a15-gic"),
        fdtPropU32("#size-cells", 2),
        fdtPropU32("#address-cells", 2),
        fdtPropEmpty("interrupt-controller"),
        fdtPropU32("#interrupt-cells", 3),
      ]),
      cpusNode(options),
      timerNode(options.num_vcpus),
      fdtNode("apb-pclk", [
        fdtPropU32("phandle", APB_PCLK_PHANDLE),
        fdtPropString("clock-output-names", "clk24mhz"),
        fdtPropU32("clock-frequency", VIRT_APB_PCLK_HZ),
        fdtPropU32("#clock-cells", 0),
        fdtPropString("compatible", "fixed-clock"),
      ]),
      chosenNode(options),
    ],
  );
  return { boot_cpuid_phys: 0, reservations: [], root };
}

/**
 * Builds the device tree blob of a virt guest ({@link virtGuestFdt}, written as version 17).
 * @param options - RAM size, vCPUs, PSCI conduit, command line, initrd
 * @returns the blob, ready to be placed in guest RAM
 * @throws GuestConfigError when the options describe no valid machine
 */
export function virtGuestDtb(options: VirtGuestOptions): Uint8Array {
  return writeFdt(virtGuestFdt(options));
}
