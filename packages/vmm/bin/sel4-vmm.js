#!/usr/bin/env node
// The installed `sel4-vmm` command: the compiled CLI.
import "../dist/cli.js";
