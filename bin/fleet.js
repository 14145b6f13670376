#!/usr/bin/env node
// Entry point kept in plain JS so start-up pays for nothing but the CLI it loads.
import module from "node:module";
module.enableCompileCache?.();
await import("../dist/bundle/main.js");
