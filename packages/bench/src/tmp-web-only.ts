import { join } from "node:path";
import { REPO_ROOT } from "@switchboard/stack/paths";
import { endpoints, stackConfig, stackDown, stackUp } from "@switchboard/stack/stack";
import { resetCluster } from "@switchboard/stack/cluster-fixture";
import { benchWeb } from "./web-bench";
const cfg = stackConfig({ ...process.env, SWITCHBOARD_STACK_DIR: join(REPO_ROOT, ".stack", "bench"), SWITCHBOARD_BROKER_PORT: "29092", SWITCHBOARD_CONTROLLER_PORT: "29093", SWITCHBOARD_CONNECT_PORT_1: "28083", SWITCHBOARD_CONNECT_PORT_2: "28084" });
const log = (m: string) => console.error(`bench: ${m}`);
const results: Record<string, unknown> = {};
try {
  await stackUp(log, cfg);
  await benchWeb({ endpoints: endpoints(cfg), dataDir: cfg.dataDir, record: (k, v, l) => { results[k] = v; console.log(l); }, log });
  console.log(JSON.stringify(Object.keys(results)));
} catch (e) { console.error(e); process.exitCode = 1; }
finally { await resetCluster(endpoints(cfg).connectUrls).catch(() => {}); await stackDown({}, log, cfg); }
