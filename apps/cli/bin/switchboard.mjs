#!/usr/bin/env node
// Launcher for the `switchboard` bin: runs the TypeScript entry through tsx, in this process.
import { register } from "tsx/esm/api";

// Relative paths resolve against the caller's directory, even when started from a pnpm script.
process.env.SWITCHBOARD_CWD ??= process.cwd();
register();
await import("../src/main.ts");
