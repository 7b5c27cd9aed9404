import { Command, CommanderError, InvalidArgumentError } from "commander";
import type { ApplyCommandOptions } from "./commands/apply";
import type { ExportCommandOptions } from "./commands/export";
import type { OffsetsCommandOptions } from "./commands/offsets";
import type { PlanCommandOptions } from "./commands/plan";
import type { ApplyServerOptions, ProposeCommandOptions, WaitCommandOptions } from "./commands/server";
import type { StatusCommandOptions } from "./commands/status";
import type { ValidateCommandOptions } from "./commands/validate";
import type { CliIo } from "./context";
import { CliError, describeError } from "./errors";
import { colorsFor, writeJson, writeLine } from "./output";

const EXIT_CODES = `
Exit codes:
  0  success (plan: no changes)
  1  error: invalid input, conflicts (nothing applied), unreachable cluster, failed apply or verification
  2  plan only: there are changes to apply (like terraform plan -detailed-exitcode)
  3  status --drift only: some connector drifted from its definition`;

const OWNERSHIP = `
Ownership:
  Every connector plan/apply creates or updates is stamped as managed by cli/<scope>: --scope, else
  the nameSpace of a seed-001 entry, else "default". A run deletes only connectors of its own scope(s)
  that the definitions no longer have. Connectors managed elsewhere (another scope, the web app) are
  listed and left alone; unmanaged ones too, unless --prune.
  A definition whose name is held by another connector, or whose connector is managed elsewhere, is a
  conflict: plan exits 1 and apply changes nothing. --take-over adopts an unmanaged connector at a
  desired name and a desired connector managed elsewhere; a name held by another id is never taken.`;

const ENVIRONMENT = `
Environment:
  SWITCHBOARD_CONNECT           default for --connect
  SWITCHBOARD_BOOTSTRAP         default for --bootstrap
  SWITCHBOARD_CONNECT_USER      default for --user
  SWITCHBOARD_CONNECT_PASSWORD  default for --password (safer than the flag: not visible in ps)
  SWITCHBOARD_SERVER            default for --server (propose, wait, apply --change)
  SWITCHBOARD_TOKEN             the API token for propose, wait and apply --server (no flag: it would land in shell history)
  NO_COLOR                      disables colour`;

/**
 * Runs the `switchboard` command line and resolves the exit code. Never throws and never exits the
 * process: errors become one `error: ...` line (plus a hint) on stderr and exit code 1.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  let json = false;
  const program = buildProgram(io, (code) => (exitCode = code), () => (json = true));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    // Commander has already printed its own message (unknown option, missing argument, help).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    const { message, hint } = describeError(err);
    const c = colorsFor(io, "stderr", { color: !argv.includes("--no-color") });
    writeLine(io.stderr, `${c.red("error:")} ${message}`);
    if (hint) writeLine(io.stderr, c.dim(`hint: ${hint}`));
    if (json) writeJson(io, { ok: false, error: hint ? { message, hint } : { message } });
    return 1;
  }
}

type CommandOptions = Record<string, unknown> & { json?: boolean };

function buildProgram(io: CliIo, setExitCode: (code: number) => void, markJson: () => void): Command {
  const program = new Command("switchboard")
    .description("Change-controlled deploys of Kafka Connect connectors from state files (GitOps/CI).")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError("hint: add --help for usage and examples")
    .addHelpText(
      "after",
      `
Examples:
  $ switchboard validate connectors/
  $ switchboard plan state.json --connect http://localhost:8083
  $ switchboard apply state.json --connect http://connect-1:8083,http://connect-2:8083 --yes
  $ switchboard status --connect http://localhost:8083
${EXIT_CODES}
${ENVIRONMENT}`,
    );

  // Commands are imported when they run, so `--help` and usage errors do not load the Connect and Kafka clients.
  // Commander calls actions with (...positional, options, command); options are typed by the
  // option definitions right above each action, hence the casts at the call sites.
  const action =
    (load: (positional: string[], opts: CommandOptions) => Promise<number>) =>
    async (...args: unknown[]) => {
      const opts = args[args.length - 2] as CommandOptions;
      if (opts.json) markJson();
      setExitCode(await load(args.slice(0, -2) as string[], opts));
    };

  withOutputOptions(
    withClusterOptions(
      program
        .command("validate")
        .description("Check a state file or connector directory; with --connect also against the cluster's plugins and validator.")
        .argument("<path>", "state file (canonical or seed-001 shape) or directory of connector files"),
      { bootstrap: false },
    ),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ switchboard validate state.json
  $ switchboard validate connectors/ --connect http://localhost:8083

Exit codes: 0 valid, 1 invalid.`,
    )
    .action(action(async ([path = ""], opts) => (await import("./commands/validate")).validateCommand(path, opts as ValidateCommandOptions, io)));

  withOutputOptions(
    withClusterOptions(
      program
        .command("plan")
        .description("Show what apply would change on the cluster; changes nothing.")
        .argument("<path>", "state file or directory of connector files")
        .option("--prune", "also delete connectors that Switchboard does not manage")
        .option(...SCOPE_OPTION)
        .option(...TAKE_OVER_OPTION),
    ),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ switchboard plan state.json --connect http://localhost:8083
  $ switchboard plan connectors/ --connect http://localhost:8083 --json > plan.json
  $ switchboard plan team-a.json --scope team-a --connect http://localhost:8083
${OWNERSHIP}

Exit codes: 0 no changes, 2 changes to apply, 1 error or conflicts.`,
    )
    .action(action(async ([path = ""], opts) => (await import("./commands/plan")).planCommand(path, opts as PlanCommandOptions, io)));

  withOutputOptions(
    withClusterOptions(
      program
        .command("apply")
        .description("Plan, confirm, apply, then verify that every connector reached its desired state. With --server: deploy the approved change request of the file through a Switchboard server.")
        .argument("[path]", "state file or directory of connector files")
        .option("-y, --yes", "apply without asking (required when stdin is not a terminal)")
        .option("--force", "apply directly even when the cluster has connectors a Switchboard server governs (managed by web/...)")
        .option("--prune", "also delete connectors that Switchboard does not manage")
        .option(...SCOPE_OPTION)
        .option(...TAKE_OVER_OPTION)
        .option("--concurrency <n>", "how many connectors to change at once (default 8)", positiveInt)
        .option("--rate <n>", "start at most n connectors per second, evenly spread (default: no limit)", positiveNumber)
        .option("--halt-after <n>", "start no more connectors once n steps failed; the rest is left untouched and reported as not attempted (default: never)", positiveInt)
        .option("--verify-timeout <ms>", "how long verification waits for the desired states (default 120000)", positiveInt)
        .option(...SERVER_OPTION)
        .option("--cluster <id|name>", "with --server: the server's cluster the file is for")
        .option("--change <id>", "with --server: deploy this approved change request (no file)")
        .option("--team <id>", "with --server: the team that owns new connectors (default: the token's only team)")
        .option("--title <text>", "with --server: the change request's title if the file opens one")
        .option("--source <key>", "with --server: where the file comes from, as given to propose (default: the path)", sourceKey)
        .option("--interval <duration>", "with --server: time between polls while the deploy runs (default 5s)", duration),
      { timeout: "apply" },
    ),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ switchboard apply state.json --connect http://localhost:8083
  $ switchboard apply connectors/ --connect http://connect-1:8083,http://connect-2:8083 --yes --json > report.json
  $ switchboard apply adopted.json --connect http://localhost:8083 --take-over --yes
  $ switchboard apply state.json --server https://switchboard.example.com --cluster prod --source "pr-42:state.json" --timeout 30m
${OWNERSHIP}

Governed clusters: once a Switchboard server deploys to a cluster (connectors managed by web/...),
a direct apply there is refused before anything is touched: propose the file with
\`switchboard propose --server ...\`, then deploy the approved change with \`apply --server\`.
--force applies directly anyway.

With --server (token from SWITCHBOARD_TOKEN): the file is proposed from its --source as propose does;
unchanged since it was approved, its approved change request is deployed and followed until it ends
(--timeout, default 10m); changed, it goes back to review and nothing is deployed.

Exit codes: 0 applied and verified (or no changes), 1 error, conflicts (nothing applied) or failed apply/verification.
With --server: 0 deployed (or nothing to deploy), 1 not approved, failed, rejected or refused, 2 timed out.`,
    )
    .action(
      action(async ([path], opts) => {
        if (opts.server !== undefined || opts.change !== undefined) {
          refuseWithServer(opts, ["connect", "force", "prune", "takeOver", "scope", "bootstrap"]);
          return (await import("./commands/server")).applyServerCommand(path, opts as ApplyServerOptions, io);
        }
        if (!path) throw new CliError("missing the state file", "switchboard apply <path> --connect URL (or --server URL --change <id>)");
        return (await import("./commands/apply")).applyCommand(path, opts as ApplyCommandOptions, io);
      }),
    );

  withOutputOptions(
    withClusterOptions(
      program
        .command("status")
        .description("List running, paused, stopped and failed connectors, with failed tasks; with --drift, the connectors that drifted from their definitions.")
        .option("--drift <path>", "list connectors whose live config or run state no longer matches their definition (state file or directory) at the version they run"),
      { bootstrap: false },
    ),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ switchboard status --connect http://localhost:8083
  $ switchboard status --connect http://localhost:8083 --json | jq '.failed'
  $ switchboard status --drift state.json --connect http://localhost:8083

Drift (--drift): a connector drifted when its live config (compared key by key; only key names are
printed, never values) or run state (RUNNING, PAUSED, STOPPED) differs from its definition at the
version it runs. A definition the cluster does not run yet is pending (see plan), not drift.

Exit codes: 0 listed (whatever the connectors' health) / no drift, 3 drift found (--drift), 1 error.`,
    )
    .action(action(async (_, opts) => (await import("./commands/status")).statusCommand(opts as StatusCommandOptions, io)));

  withOutputOptions(
    withClusterOptions(
      program
        .command("export")
        .description("Write the cluster's connectors as a canonical state file (to adopt or snapshot a cluster).")
        .option("-o, --out <file>", "write to this file instead of stdout")
        .option("--all", "include connectors Switchboard does not manage yet (id = name, version 1)")
        .option("--mask-secrets", "replace secret values with (sensitive) instead of exporting them"),
      { bootstrap: false },
    ),
    { json: false },
  )
    .addHelpText(
      "after",
      `
Examples:
  $ switchboard export --connect http://localhost:8083 --all --out state.json
  $ switchboard export --connect http://localhost:8083 --mask-secrets > snapshot.json

Exit codes: 0 exported, 1 error.`,
    )
    .action(action(async (_, opts) => (await import("./commands/export")).exportCommand(opts as ExportCommandOptions, io)));

  withOutputOptions(
    withClusterOptions(
      program
        .command("offsets")
        .description("Show a connector's committed offsets (KIP-875); with --reset or --set, change them: stop, snapshot, change, check, bring it back.")
        .argument("<connector>", "connector name")
        .option("--reset", "delete every committed offset")
        .option("--set <file>", 'set the partitions in this JSON file: [{"partition": {...}, "offset": {...}}] (a null offset removes one)')
        .option("-y, --yes", "change them (required with --reset and --set)"),
      { bootstrap: false },
    ),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ switchboard offsets orders-sink --connect http://localhost:8083
  $ switchboard offsets orders-sink --connect http://localhost:8083 --reset --yes
  $ switchboard offsets orders-sink --connect http://localhost:8083 --set offsets.json --yes --json > outcome.json

The connector is stopped while its offsets change (Connect 3.6+ refuses otherwise), then brought back
to the run state it had. The snapshot taken before the change is printed (in the outcome with --json).

Exit codes: 0 shown or changed and read back as asked, 1 error.`,
    )
    .action(action(async ([name = ""], opts) => (await import("./commands/offsets")).offsetsCommand(name, opts as OffsetsCommandOptions, io)));

  withOutputOptions(
    program
      .command("propose")
      .description("Open a change request for review on a Switchboard server from a state file or directory (never deploys); prints the plan and the review link.")
      .argument("<path>", "state file (canonical or seed-001 shape) or directory of connector files")
      .option(...SERVER_OPTION)
      .requiredOption("--cluster <id|name>", "the server's cluster to propose the change on")
      .option("--team <id>", "the team that owns new connectors (default: the token's only team)")
      .option("--title <text>", "the change request's title")
      .option("--source <key>", "names where the file comes from (default: the path); proposing again from the same source updates your open change request", sourceKey),
  )
    .addHelpText(
      "after",
      `
Examples (a CI job on a pull request):
  $ export SWITCHBOARD_TOKEN=sbt_...
  $ switchboard propose state.json --server https://switchboard.example.com --cluster prod --title "PR #42" --source "pr-42:state.json"

Exit codes: 0 proposed (or nothing to propose), 1 invalid file or refused by the server.`,
    )
    .action(action(async ([path = ""], opts) => (await import("./commands/server")).proposeCommand(path, opts as ProposeCommandOptions, io)));

  withOutputOptions(
    program
      .command("wait")
      .description("Wait until a change request is deployed; progress on stderr.")
      .argument("<id>", "the change request id (propose prints it)")
      .option(...SERVER_OPTION)
      .option("--timeout <duration>", "give up after this long: 90s, 10m, 1h (default 10m)", duration, 600_000)
      .option("--interval <duration>", "time between polls (default 5s)", duration, 5_000),
  )
    .addHelpText(
      "after",
      `
Examples (a CI job after the merge):
  $ switchboard wait cr_123 --server https://switchboard.example.com --timeout 30m

Exit codes: 0 deployed, 1 failed, rejected or cancelled (or an error), 2 timed out.`,
    )
    .action(action(async ([id = ""], opts) => (await import("./commands/server")).waitCommand(id, opts as WaitCommandOptions, io)));

  return program;
}

/** Options of a direct apply that mean nothing when the server deploys. */
function refuseWithServer(opts: CommandOptions, direct: string[]): void {
  const given = direct.filter((key) => opts[key] !== undefined && opts[key] !== false);
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`;
  if (given.length > 0) throw new CliError(`${given.map(flag).join(", ")} cannot go with --server`, "with --server the server deploys the approved change request; drop the direct-apply options");
}

const SERVER_OPTION = ["--server <url>", "the Switchboard server (env SWITCHBOARD_SERVER); the token comes from env SWITCHBOARD_TOKEN"] as const;

function sourceKey(value: string): string {
  if (value.trim() === "" || value.length > 300 || value.includes("\n")) throw new InvalidArgumentError("expected one line of at most 300 characters.");
  return value.trim();
}

/** Plain whole numbers are milliseconds (the Connect timeout's unit); with a unit, a duration. */
function msOrDuration(value: string): number {
  return /^\d+$/.test(value.trim()) ? positiveInt(value.trim()) : duration(value);
}

/** "90s", "10m", "1h", "250ms" or plain seconds, in milliseconds. */
function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError("expected a duration such as 90s, 10m or 1h.");
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
}

function withClusterOptions(cmd: Command, { bootstrap = true, timeout = "connect" }: { bootstrap?: boolean; timeout?: "connect" | "apply" } = {}): Command {
  cmd
    .option("-c, --connect <urls>", "Kafka Connect worker URLs of one cluster, comma-separated (env SWITCHBOARD_CONNECT)")
    .option("--user <name>", "basic auth user for Connect (env SWITCHBOARD_CONNECT_USER)")
    .option("--password <password>", "basic auth password for Connect (env SWITCHBOARD_CONNECT_PASSWORD)")
    .option("--ca-file <path>", "CA certificate (PEM) for https workers");
  if (timeout === "connect") cmd.option("--timeout <ms>", "total time per Connect request across workers (default 30000)", positiveInt);
  else cmd.option("--timeout <ms|duration>", "total time per Connect request across workers (default 30000 ms); with --server how long to wait for the deploy (default 10m). Plain numbers are ms; 90s, 10m, 1h also work", msOrDuration);
  if (bootstrap) {
    cmd.option("--bootstrap <servers>", "Kafka bootstrap servers, to read and create topics; without it topics are left alone (env SWITCHBOARD_BOOTSTRAP)");
  }
  return cmd;
}

function withOutputOptions(cmd: Command, { json = true }: { json?: boolean } = {}): Command {
  if (json) cmd.option("--json", "print one JSON document on stdout (messages go to stderr)");
  return cmd.option("--no-color", "disable colour (also NO_COLOR)").option("-v, --verbose", "show more detail (e.g. unchanged connectors)");
}

const SCOPE_OPTION = [
  "--scope <name>",
  'manage connectors as cli/<name> (default: each seed-001 nameSpace, else "default"); other scopes are left alone',
  scopeName,
] as const;

const TAKE_OVER_OPTION = [
  "--take-over",
  "adopt unmanaged connectors at desired names and desired connectors managed elsewhere (another scope, the web app)",
] as const;

function scopeName(value: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(value)) throw new InvalidArgumentError('use only letters, digits, ".", "_" and "-".');
  return value;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number.");
  return n;
}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("expected a positive whole number.");
  return Number(value);
}
