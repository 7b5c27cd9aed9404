import { run } from "./program";

// `pnpm switchboard` runs with cwd apps/cli; relative paths must resolve where the user typed them.
// The bin sets SWITCHBOARD_CWD; pnpm sets INIT_CWD.
const cwd = process.env.SWITCHBOARD_CWD ?? process.env.INIT_CWD ?? process.cwd();

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  isTTY: { stdin: Boolean(process.stdin.isTTY), stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) },
  cwd,
  onInterrupt(handler) {
    const onSigint = () => {
      process.off("SIGINT", onSigint);
      process.once("SIGINT", () => process.exit(130));
      handler();
    };
    process.on("SIGINT", onSigint);
    return () => process.off("SIGINT", onSigint);
  },
});
