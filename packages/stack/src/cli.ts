/** `pnpm stack:up` / `pnpm stack:down [--wipe]`: Kafka, both Connect clusters and PostgreSQL. */
import { postgresDown, postgresUp } from "./postgres";
import { endpoints, stackDown, stackUp } from "./stack";

const [command, ...rest] = process.argv.slice(2);
const log = (m: string) => console.error(`stack: ${m}`);

try {
  if (command === "up") {
    const t0 = Date.now();
    const [ep, pgUrl] = await Promise.all([stackUp(log), postgresUp(log)]);
    log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`Kafka bootstrap:   ${ep.bootstrap}`);
    console.log(`Connect workers:   ${ep.connectUrls.join(",")}`);
    console.log(`Connect cluster B: ${ep.connectUrlsB.join(",")} (status topic ${ep.statusTopicB})`);
    console.log(`PostgreSQL:        ${pgUrl}`);
  } else if (command === "down") {
    await postgresDown(log);
    await stackDown({ wipe: rest.includes("--wipe") }, log);
  } else if (command === "endpoints") {
    console.log(JSON.stringify(endpoints()));
  } else {
    console.error("usage: stack up | down [--wipe] | endpoints");
    process.exitCode = 1;
  }
} catch (err) {
  log(`error: ${(err as Error).message}`);
  process.exitCode = 1;
}
