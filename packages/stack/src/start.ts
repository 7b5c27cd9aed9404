/** `pnpm start`: brings up the local Kafka + Connect stack and says how to use it. */
import { stackUp } from "./stack";

try {
  const ep = await stackUp((m) => console.error(`stack: ${m}`));
  const connect = ep.connectUrls.join(",");
  console.log(`
Switchboard's local stack is up.
  Kafka bootstrap:  ${ep.bootstrap}
  Connect workers:  ${connect}

Try the CLI on the examples:
  pnpm switchboard validate apps/cli/examples/state.json
  pnpm switchboard plan apps/cli/examples/state.json --connect ${connect}
  pnpm switchboard apply apps/cli/examples/state.json --connect ${connect} --bootstrap ${ep.bootstrap} --yes
  pnpm switchboard status --connect ${connect}

Stop it with: pnpm stack:down   (add --wipe to delete its data)`);
} catch (err) {
  console.error(`stack: error: ${(err as Error).message}`);
  process.exitCode = 1;
}
