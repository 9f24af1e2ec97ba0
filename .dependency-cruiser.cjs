// Layering of ../ARCHITECTURE.md (docs/architecture.md), enforced mechanically.
// Tests, benches and examples are composition roots: they may bring concrete parts together,
// so the layer rules below look only at a package's shipped sources.
const pkg = (names) => `^packages/(${names.join("|")})/`;
const from = (names) => ({
  path: `^packages/(${names.join("|")})/src/`,
  pathNot: "\\.(test|bench)\\.ts$|/__tests__/",
});

const ours = [
  "sel4",
  "emu-aarch64",
  "emu-x86",
  "kernel",
  "vka",
  "allocman",
  "vspace",
  "simple",
  "ps-io-ops",
  "vm",
  "vm-arm",
  "vm-x86",
  "vmm-platsupport",
  "vmm",
  "guests",
  "playground",
];
const userland = ["vka", "allocman", "vspace", "simple", "ps-io-ops"];
const vmLayer = ["vm", "vm-arm", "vm-x86"];
const apps = ["vmm", "playground"];
// Concrete implementations inside interface packages live in these folders, by convention.
const concreteDirs = "^packages/(vka|vspace|simple|ps-io-ops)/src/(impl|default|sel4utils)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Cycles make layers meaningless. Type-only imports are erased at run time, so a cycle closed only by one is allowed (a CPU and its instruction groups may name each other's types).",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "emu-is-hardware",
      severity: "error",
      comment: "CPU emulators know nothing of seL4 or of any other package of ours.",
      from: { path: "^packages/(emu-[^/]+)/src/" },
      to: { path: pkg(ours), pathNot: "^packages/$1/" },
    },
    {
      name: "sel4-is-the-bottom",
      severity: "error",
      comment: "@sel4/sel4 (libsel4) depends on nothing of ours.",
      from: from(["sel4"]),
      to: { path: pkg(ours.filter((n) => n !== "sel4")) },
    },
    {
      name: "guests-are-fixtures",
      severity: "error",
      comment: "@sel4/guests holds guest programs and depends on nothing of ours.",
      from: from(["guests"]),
      to: { path: pkg(ours.filter((n) => n !== "guests")) },
    },
    {
      name: "kernel-not-userland",
      severity: "error",
      comment: "The kernel model never imports a userland library, the VM layer or the apps.",
      from: from(["kernel"]),
      to: { path: pkg([...userland, ...vmLayer, "vmm-platsupport", ...apps]) },
    },
    {
      name: "userland-not-kernel",
      severity: "error",
      comment:
        "Userland libraries talk to the kernel only through the Sel4 interface of @sel4/sel4.",
      from: from(userland),
      to: {
        path: pkg(["kernel", "emu-aarch64", "emu-x86", ...vmLayer, "vmm-platsupport", ...apps]),
      },
    },
    {
      name: "vm-only-interfaces",
      severity: "error",
      comment:
        "@sel4/vm and its arch packages import only interfaces: never the kernel model, an emulator, allocman or a concrete implementation.",
      from: from(vmLayer),
      to: {
        path: [
          pkg(["kernel", "emu-aarch64", "emu-x86", "allocman", "vmm-platsupport", ...apps]),
          concreteDirs,
        ],
      },
    },
    {
      name: "vm-core-arch-independent",
      severity: "error",
      comment:
        "Arch packages plug into @sel4/vm; the core never imports them, nor they each other.",
      from: from(["vm"]),
      to: { path: pkg(["vm-arm", "vm-x86"]) },
    },
    {
      name: "vm-arches-apart",
      severity: "error",
      from: from(["vm-arm"]),
      to: { path: pkg(["vm-x86"]) },
    },
    {
      name: "vm-arches-apart-x86",
      severity: "error",
      from: from(["vm-x86"]),
      to: { path: pkg(["vm-arm"]) },
    },
    {
      name: "platsupport-not-model",
      severity: "error",
      comment:
        "Virtual devices and loaders sit on the VM layer, not on the kernel model or emulators.",
      from: from(["vmm-platsupport"]),
      to: { path: pkg(["kernel", "emu-aarch64", "emu-x86", "allocman", ...apps]) },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|etc|temp|node_modules)/" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["@sel4/source", "import", "types", "default"],
      extensions: [".ts", ".js"],
    },
  },
};
