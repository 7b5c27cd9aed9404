/**
 * The real local stack on loopback, started from Apache Kafka jars fetched from Maven Central (cached),
 * no Docker: one KRaft broker, Connect cluster A (workers 1 and 2, one group) and Connect cluster B
 * (worker 3, its own group and internal topics) so that several clusters are tested for real.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT, STACK_PACKAGE_DIR as PACKAGE_DIR } from "./paths";

export const KAFKA_VERSION = "4.3.1";

/** The `group.id` both Connect workers of cluster A join (their group in the broker's group coordinator). */
export const CONNECT_GROUP_ID = "switchboard-local";
/** Cluster B: one worker, its own group and internal topics on the same broker. */
export const CONNECT_GROUP_ID_B = "switchboard-local-b";

/** Each Connect cluster's group and internal topics; cluster A keeps the names it always had. */
const CLUSTERS = {
  a: { groupId: CONNECT_GROUP_ID, configTopic: "_connect-configs", offsetTopic: "_connect-offsets", statusTopic: "_connect-status" },
  b: { groupId: CONNECT_GROUP_ID_B, configTopic: "_connect-configs-b", offsetTopic: "_connect-offsets-b", statusTopic: "_connect-status-b" },
} as const;

export type StackConfig = {
  dataDir: string;
  cacheDir: string;
  brokerPort: number;
  controllerPort: number;
  /** Cluster A's two workers. */
  workerPorts: [number, number];
  /** Cluster B's one worker. */
  workerPortB: number;
};

/** Ports and directories; each can be moved with an environment variable. */
export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
  const cacheHome = env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return {
    dataDir: env.SWITCHBOARD_STACK_DIR ?? join(REPO_ROOT, ".stack"),
    cacheDir: join(cacheHome, "switchboard", `kafka-${KAFKA_VERSION}`),
    brokerPort: num(env.SWITCHBOARD_BROKER_PORT, 19092),
    controllerPort: num(env.SWITCHBOARD_CONTROLLER_PORT, 19093),
    workerPorts: [num(env.SWITCHBOARD_CONNECT_PORT_1, 18083), num(env.SWITCHBOARD_CONNECT_PORT_2, 18084)],
    workerPortB: num(env.SWITCHBOARD_CONNECT_PORT_3, 18085),
  };
}

export type StackEndpoints = {
  bootstrap: string;
  /** Cluster A (workers 1 and 2). */
  connectUrls: string[];
  statusTopic: string;
  /** Cluster B (worker 3), on the same broker. */
  connectUrlsB: string[];
  statusTopicB: string;
};

export function endpoints(cfg = stackConfig()): StackEndpoints {
  return {
    bootstrap: `127.0.0.1:${cfg.brokerPort}`,
    connectUrls: cfg.workerPorts.map((p) => `http://127.0.0.1:${p}`),
    statusTopic: CLUSTERS.a.statusTopic,
    connectUrlsB: [`http://127.0.0.1:${cfg.workerPortB}`],
    statusTopicB: CLUSTERS.b.statusTopic,
  };
}

type Log = (msg: string) => void;
type WorkerNo = 1 | 2 | 3;
type Proc = "broker" | `worker-${WorkerNo}`;
const WORKERS = [1, 2, 3] as const;

function workerPort(cfg: StackConfig, n: WorkerNo): number {
  return n === 3 ? cfg.workerPortB : cfg.workerPorts[n - 1]!;
}

/**
 * Connector plugins loaded from the workers' `plugin.path`, each in its own directory (its own class
 * loader, so its dependencies cannot clash with Connect's): Maven profile -> directory under plugins/.
 */
const PLUGIN_PROFILES = { "plugin-debezium-postgres": "debezium-postgres" } as const;

/** The directory the workers' `plugin.path` points at. */
export function pluginPath(cfg: StackConfig): string {
  return join(cfg.cacheDir, "plugins");
}

/** Fetches the pinned jars and plugins once into the cache (mvn dependency:copy-dependencies). */
export function fetchJars(cfg: StackConfig, log: Log): void {
  const targets: Array<[profile: string, dir: string]> = [
    ["broker", join(cfg.cacheDir, "broker-lib")],
    ["connect", join(cfg.cacheDir, "connect-lib")],
    ...Object.entries(PLUGIN_PROFILES).map(([profile, dir]): [string, string] => [profile, join(pluginPath(cfg), dir)]),
  ];
  for (const [profile, lib] of targets) {
    if (existsSync(join(lib, ".complete"))) continue;
    log(`fetching the ${profile} jars (Apache Kafka ${KAFKA_VERSION}) from Maven Central (first time only)…`);
    // Outside plugins/: a worker scanning plugin.path must never see a half-copied plugin.
    const tmp = join(cfg.cacheDir, `.fetch-${profile}-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    const r = spawnSync(
      "mvn",
      ["-q", "-B", `-P${profile}`, "-f", join(PACKAGE_DIR, "pom.xml"), "dependency:copy-dependencies", `-DoutputDirectory=${tmp}`],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    if (r.status !== 0) throw new Error(`mvn could not fetch the ${profile} jars (exit ${r.status ?? r.signal})`);
    writeFileSync(join(tmp, ".complete"), KAFKA_VERSION);
    rmSync(lib, { recursive: true, force: true });
    mkdirSync(dirname(lib), { recursive: true });
    renameSync(tmp, lib);
  }
}

function writeConfigs(cfg: StackConfig): void {
  const conf = join(cfg.dataDir, "config");
  mkdirSync(conf, { recursive: true });
  mkdirSync(join(cfg.dataDir, "logs"), { recursive: true });
  writeFileSync(
    join(conf, "log4j2.properties"),
    [
      "status = warn",
      "appender.out.type = Console",
      "appender.out.name = out",
      "appender.out.layout.type = PatternLayout",
      "appender.out.layout.pattern = [%d] %p %m (%c)%n",
      "rootLogger.level = WARN",
      "rootLogger.appenderRef.out.ref = out",
      "logger.connect.name = org.apache.kafka.connect.runtime",
      "logger.connect.level = INFO",
      "logger.reflections.name = org.reflections",
      "logger.reflections.level = ERROR",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(conf, "server.properties"),
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@127.0.0.1:${cfg.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${cfg.brokerPort},CONTROLLER://127.0.0.1:${cfg.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${cfg.brokerPort}`,
      "controller.listener.names=CONTROLLER",
      "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
      `log.dirs=${join(cfg.dataDir, "kafka-data")}`,
      "num.partitions=1",
      "offsets.topic.replication.factor=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "share.coordinator.state.topic.replication.factor=1",
      "share.coordinator.state.topic.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "auto.create.topics.enable=true",
      "",
    ].join("\n"),
  );
  for (const n of WORKERS) {
    const port = workerPort(cfg, n);
    const cluster = n === 3 ? CLUSTERS.b : CLUSTERS.a;
    writeFileSync(
      join(conf, `worker-${n}.properties`),
      [
        `bootstrap.servers=127.0.0.1:${cfg.brokerPort}`,
        `group.id=${cluster.groupId}`,
        `config.storage.topic=${cluster.configTopic}`,
        `offset.storage.topic=${cluster.offsetTopic}`,
        `status.storage.topic=${cluster.statusTopic}`,
        "config.storage.replication.factor=1",
        "offset.storage.replication.factor=1",
        "status.storage.replication.factor=1",
        "offset.storage.partitions=5",
        "status.storage.partitions=1",
        "key.converter=org.apache.kafka.connect.json.JsonConverter",
        "value.converter=org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable=false",
        "value.converter.schemas.enable=false",
        `listeners=http://127.0.0.1:${port}`,
        "rest.advertised.host.name=127.0.0.1",
        `rest.advertised.port=${port}`,
        // A dead worker's tasks move to the survivor after 5 s instead of Connect's default 5 minutes.
        "scheduled.rebalance.max.delay.ms=5000",
        "offset.flush.interval.ms=2000",
        "topic.tracking.enable=true",
        `plugin.path=${pluginPath(cfg)}`,
        // Every plugin here ships ServiceLoader manifests (Connect's own hybrid scan says so): skipping
        // the reflection scan of every jar saves seconds per worker start.
        "plugin.discovery=service_load",
        "",
      ].join("\n"),
    );
  }
}

function pidFile(cfg: StackConfig, p: Proc) {
  return join(cfg.dataDir, `${p}.pid`);
}

function readPid(cfg: StackConfig, p: Proc): number | null {
  const f = pidFile(cfg, p);
  if (!existsSync(f)) return null;
  const pid = Number(readFileSync(f, "utf8").trim());
  return Number.isInteger(pid) && isAlive(pid) ? pid : null;
}

/**
 * Whether the process runs. A killed process whose parent (the one that started the stack, e.g.
 * `pnpm test`) has not reaped it yet lingers as a zombie: it is dead, whatever `kill(pid, 0)` says.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ...", the state being Z for a zombie.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

function javaArgs(cfg: StackConfig, lib: string, heap: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${join(cfg.dataDir, "config", "log4j2.properties")}`,
    "-cp",
    join(cfg.cacheDir, lib, "*"),
  ];
}

function startProcess(cfg: StackConfig, p: Proc, args: string[]): number {
  const out = openSync(join(cfg.dataDir, "logs", `${p}.log`), "a");
  const child = spawn("java", args, { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  if (!child.pid) throw new Error(`could not start ${p}`);
  writeFileSync(pidFile(cfg, p), String(child.pid));
  return child.pid;
}

function formatStorage(cfg: StackConfig, log: Log): void {
  if (existsSync(join(cfg.dataDir, "kafka-data", "meta.properties"))) return;
  log("formatting KRaft storage…");
  // A fixed cluster id: the data directory is local and wiped by `stack:down --wipe`.
  const r = spawnSync(
    "java",
    [
      ...javaArgs(cfg, "broker-lib", "256m"),
      "kafka.tools.StorageTool",
      "format",
      "-t",
      "c3dpdGNoYm9hcmQtbG9jYWw",
      "-c",
      join(cfg.dataDir, "config", "server.properties"),
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`formatting KRaft storage failed: ${r.stderr || r.stdout}`);
}

function waitForPort(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      res(true);
    });
    s.once("error", () => res(false));
  });
}

async function until(what: string, deadlineMs: number, check: () => Promise<boolean>, pid?: () => number | null) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return;
    if (pid && pid() === null) throw new Error(`${what}: the process exited (see .stack/logs)`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not ready after ${deadlineMs / 1000} s (see .stack/logs)`);
}

const REQUIRED_PLUGINS = [
  "org.apache.kafka.connect.file.FileStreamSinkConnector",
  "org.apache.kafka.connect.mirror.MirrorSourceConnector",
  "org.apache.kafka.connect.tools.MockSinkConnector",
  "io.debezium.connector.postgresql.PostgresConnector",
];

async function workerReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/connector-plugins`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const plugins = (await res.json()) as Array<{ class: string }>;
    return REQUIRED_PLUGINS.every((c) => plugins.some((p) => p.class === c));
  } catch {
    return false;
  }
}

/** Starts one Connect worker (1 or 2 of cluster A, 3 of cluster B) unless it runs already, and waits until it answers. */
export async function startWorker(n: WorkerNo, cfg = stackConfig(), log: Log = () => {}): Promise<void> {
  const proc: Proc = `worker-${n}`;
  if (readPid(cfg, proc) === null) {
    startProcess(cfg, proc, [
      ...javaArgs(cfg, "connect-lib", "768m"),
      "org.apache.kafka.connect.cli.ConnectDistributed",
      join(cfg.dataDir, "config", `${proc}.properties`),
    ]);
    log(`started Connect ${proc} on port ${workerPort(cfg, n)}`);
  }
  const url = `http://127.0.0.1:${workerPort(cfg, n)}`;
  await until(`Connect ${proc}`, 120_000, () => workerReady(url), () => readPid(cfg, proc));
}

/** True when any process of the stack runs. */
export function isStackRunning(cfg = stackConfig()): boolean {
  return (["broker", ...WORKERS.map((n) => `worker-${n}` as const)] as const).some((p) => readPid(cfg, p) !== null);
}

/** Stops one Connect worker (used by failover tests). */
export async function stopWorker(n: WorkerNo, cfg = stackConfig(), opts: { kill?: boolean } = {}): Promise<void> {
  await stopProcess(cfg, `worker-${n}`, opts.kill ? "SIGKILL" : "SIGTERM");
}

/** Starts the broker and the three workers (idempotent) and waits until all answer. */
export async function stackUp(log: Log = () => {}, cfg = stackConfig()): Promise<StackEndpoints> {
  fetchJars(cfg, log);
  writeConfigs(cfg);
  if (readPid(cfg, "broker") === null) {
    formatStorage(cfg, log);
    startProcess(cfg, "broker", [...javaArgs(cfg, "broker-lib", "512m"), "kafka.Kafka", join(cfg.dataDir, "config", "server.properties")]);
    log(`started Kafka broker on 127.0.0.1:${cfg.brokerPort}`);
  }
  await until("Kafka broker", 90_000, () => waitForPort(cfg.brokerPort), () => readPid(cfg, "broker"));
  await Promise.all(WORKERS.map((n) => startWorker(n, cfg, log)));
  return endpoints(cfg);
}

async function stopProcess(cfg: StackConfig, p: Proc, signal: NodeJS.Signals = "SIGTERM"): Promise<boolean> {
  const pid = readPid(cfg, p);
  rmSync(pidFile(cfg, p), { force: true });
  if (pid === null) return false;
  process.kill(pid, signal);
  const end = Date.now() + 20_000;
  while (isAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
  return true;
}

/** Stops exactly the processes this stack started (by pid); optionally wipes the data directory. */
export async function stackDown(opts: { wipe?: boolean } = {}, log: Log = () => {}, cfg = stackConfig()): Promise<void> {
  for (const p of ["worker-1", "worker-2", "worker-3", "broker"] as const) {
    if (await stopProcess(cfg, p)) log(`stopped ${p}`);
  }
  if (opts.wipe) {
    rmSync(cfg.dataDir, { recursive: true, force: true });
    log(`wiped ${cfg.dataDir}`);
  }
}
