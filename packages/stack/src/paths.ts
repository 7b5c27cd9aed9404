import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const STACK_PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = resolve(STACK_PACKAGE_DIR, "../..");
