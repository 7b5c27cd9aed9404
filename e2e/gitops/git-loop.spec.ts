import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { REPO_ROOT } from "@switchboard/stack/paths";
import { BASE_URL } from "../src/support/env";
import { demoIds, mockSinkConfig, signIn, switchUser, trpcOk } from "../src/support/session";

/**
 * Two-way GitOps on a bare repository on disk, driven as a CI job would (the CLI and a token) with
 * the approval in the browser: propose from a file → approve → deploy → the cluster's state file is
 * committed → edit it in Git → propose again → only that edit is in review → deploy → committed on
 * top of the human commit. Then a hand edit nobody proposed: the next deploy opens a conflict (shown on
 * the Clusters page) instead of overwriting it; reverted in Git, an admin's "Write to Git" writes the
 * deployed state and the conflict goes.
 */
// Unique per run: a reused local stack may still hold an earlier run's connector.
const NAME = `sb-e2e-gitops-${Date.now().toString(36)}`;
const STATE_PATH = "clusters/local.json";
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

function cli(token: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const run = spawnSync("pnpm", ["--silent", "exec", "tsx", "apps/cli/src/main.ts", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, SWITCHBOARD_TOKEN: token, NO_COLOR: "1" },
    timeout: 170_000,
  });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

async function createToken(page: Page): Promise<string> {
  await page.goto("/settings/tokens");
  await page.getByRole("button", { name: "New token" }).click();
  await page.getByLabel("Name").fill(`gitops ${Date.now()}`);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token-secret").textContent()) ?? "";
  await page.getByRole("button", { name: "Done" }).click();
  return secret;
}

/** The admin points the cluster's Git mirror at `repository` (or clears it with ""). */
async function setMirror(page: Page, repository: string): Promise<void> {
  await switchUser(page, "admin@example.com");
  const { clusterId } = await demoIds(page.request);
  await trpcOk(page.request, "mutation", "cluster.update", { id: clusterId, gitRepository: repository, gitBranch: repository ? "main" : "", gitPath: repository ? STATE_PATH : "" });
}

async function approve(page: Page, reviewUrl: string): Promise<void> {
  await signIn(page, "approver@example.com");
  await page.goto(reviewUrl);
  const actions = page.getByRole("complementary", { name: "Status and actions" });
  await actions.getByRole("button", { name: "Approve", exact: true }).click();
  // Approved: whoever may deploy is now offered to.
  await expect(actions.getByRole("button", { name: /^Deploy \d+ changes? to local/ })).toBeVisible();
}

/** How many commits the branch holds (0 until the commit job has created it). */
function commitCount(bare: string): number {
  try {
    return Number(git(bare, "rev-list", "--count", "main"));
  } catch {
    return 0;
  }
}

/** Waits for the branch to hold `count` commits; returns the newest one's author line and message. */
async function commits(bare: string, count: number): Promise<string[]> {
  await expect.poll(() => commitCount(bare), { timeout: 60_000, intervals: [500, 1000] }).toBe(count);
  return git(bare, "log", "main", "--format=%an <%ae>%n%B%x00").split("\0").map((c) => c.trim()).filter(Boolean);
}

test("a change goes from a file to review, deploy and a commit, and an edit made in Git comes back as only that diff", async ({ page }) => {
  test.setTimeout(420_000);
  const root = mkdtempSync(join(tmpdir(), "sb-e2e-gitops-"));
  const bare = join(root, "state.git");
  git(root, "init", "--quiet", "--bare", "--initial-branch=main", bare);
  try {
    await setMirror(page, bare);
    await signIn(page, "owner@example.com");
    const token = await createToken(page);

    // 1. A pull request's file proposes a new connector.
    const file = join(root, "pr.json");
    writeFileSync(file, JSON.stringify({ connectors: [{ id: NAME, name: NAME, state: "RUNNING", owner: { team: "payments" }, config: mockSinkConfig({ topics: "sb-e2e-gitops" }) }] }, null, 2));
    const proposed = cli(token, "propose", file, "--server", BASE_URL, "--cluster", "local", "--source", "e2e:pr-1", "--title", "Add the GitOps sink");
    expect(proposed.code, proposed.stderr).toBe(0);
    expect(proposed.stdout).toContain(`+ ${NAME}`);
    const reviewUrl = /in review on local: (\S+)/.exec(proposed.stdout)?.[1] ?? "";
    expect(reviewUrl).toMatch(new RegExp(`^${BASE_URL}/changes/`));
    const changeId = reviewUrl.split("/").pop() ?? "";

    // 2. Approved in the browser by someone who did not write it; 3. deployed from the pipeline.
    await approve(page, reviewUrl);
    const applied = cli(token, "apply", file, "--server", BASE_URL, "--cluster", "local", "--source", "e2e:pr-1");
    expect(applied.code, `${applied.stdout}\n${applied.stderr}`).toBe(0);

    // 4. The deployed state is one commit: author, title, link and approver; no secret value.
    const [first] = await commits(bare, 1);
    expect(first).toContain("Olive Owner <owner@example.com>");
    expect(first).toContain("Add the GitOps sink");
    expect(first).toContain(`${BASE_URL}/changes/${changeId}`);
    expect(first).toContain("Approved-by: Alex Approver <approver@example.com>");
    const work = join(root, "work");
    git(root, "clone", "--quiet", "--branch", "main", bare, work);
    const written = JSON.parse(readFileSync(join(work, STATE_PATH), "utf8")) as { connectors: Array<{ name: string; config: Record<string, string> }> };
    expect(written.connectors.find((c) => c.name === NAME)?.config["tasks.max"]).toBe("1");

    // 5. Someone edits one value in Git.
    const spec = written.connectors.find((c) => c.name === NAME);
    if (!spec) throw new Error("the commit has no GitOps sink");
    spec.config["tasks.max"] = "2";
    writeFileSync(join(work, STATE_PATH), `${JSON.stringify(written, null, 2)}\n`);
    git(work, "-c", "user.name=Hugo Human", "-c", "user.email=hugo@example.com", "commit", "--quiet", "-am", "Two tasks for the GitOps sink");
    git(work, "push", "--quiet", "origin", "main");

    // 6. The whole file is proposed again; 7. only that edit is in review.
    const again = cli(token, "propose", join(work, STATE_PATH), "--server", BASE_URL, "--cluster", "local", "--source", "e2e:pr-2", "--title", "Two tasks");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.split("\n").filter((l) => /^[+~\-⏸▶■↻!] /.test(l))).toEqual([expect.stringMatching(new RegExp(`^~ ${NAME} `))]);
    expect(again.stdout).toContain(`~ ${NAME} `);
    expect(again.stdout).toContain('    ~ tasks.max: "1" → "2"');
    const secondUrl = /in review on local: (\S+)/.exec(again.stdout)?.[1] ?? "";
    await approve(page, secondUrl);
    await expect(page.getByRole("heading", { name: /^Changes/, level: 2 })).toHaveText("Changes (1)");
    await expect(page.getByRole("heading", { name: new RegExp(`update ${NAME}$`), level: 3 })).toBeVisible();
    const changed = page.getByRole("table", { name: `Config changes of ${NAME}`, exact: true }).locator("tbody tr");
    await expect(changed).toHaveCount(1);
    await expect(changed).toContainText("tasks.max");

    // Deployed, it is committed on top of the human commit (the file already said so: no conflict).
    expect(cli(token, "apply", join(work, STATE_PATH), "--server", BASE_URL, "--cluster", "local", "--source", "e2e:pr-2").code).toBe(0);
    const log = await commits(bare, 3);
    expect(log[0]).toContain("Two tasks");
    expect(log[1]).toContain("Hugo Human <hugo@example.com>");

    // A hand edit that nobody proposes is never overwritten: the next deploy opens a conflict instead.
    git(work, "pull", "--quiet", "--ff-only");
    const handEdited = JSON.parse(readFileSync(join(work, STATE_PATH), "utf8")) as typeof written;
    const handSpec = handEdited.connectors.find((c) => c.name === NAME);
    if (!handSpec) throw new Error("the commit has no GitOps sink");
    handSpec.config["tasks.max"] = "5";
    writeFileSync(join(work, STATE_PATH), `${JSON.stringify(handEdited, null, 2)}\n`);
    git(work, "-c", "user.name=Hugo Human", "-c", "user.email=hugo@example.com", "commit", "--quiet", "-am", "Five tasks, by hand");
    git(work, "push", "--quiet", "origin", "main");
    const three = JSON.parse(readFileSync(file, "utf8")) as typeof written;
    three.connectors[0]!.config["tasks.max"] = "3";
    writeFileSync(file, JSON.stringify(three));
    const third = cli(token, "propose", file, "--server", BASE_URL, "--cluster", "local", "--source", "e2e:pr-3", "--title", "Three tasks");
    await approve(page, /in review on local: (\S+)/.exec(third.stdout)?.[1] ?? "");
    expect(cli(token, "apply", file, "--server", BASE_URL, "--cluster", "local", "--source", "e2e:pr-3").code).toBe(0);
    // The Clusters page is rendered on the server: reloaded until the commit job has run.
    await page.goto("/clusters");
    await expect(async () => {
      await page.reload();
      await expect(page.getByText(/^In conflict:/)).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    expect(await commits(bare, 4)).toHaveLength(4);

    // Reverted in Git, an admin writes the deployed state at once.
    git(work, "-c", "user.name=Hugo Human", "-c", "user.email=hugo@example.com", "revert", "--no-edit", "HEAD");
    git(work, "push", "--quiet", "origin", "main");
    await signIn(page, "admin@example.com");
    await page.goto("/admin/clusters");
    await page.getByRole("button", { name: "Write to Git for local" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Queued" })).toBeVisible();
    const after = await commits(bare, 6);
    expect(after[0]).toContain("Three tasks");
    git(work, "pull", "--quiet", "--ff-only");
    const final = JSON.parse(readFileSync(join(work, STATE_PATH), "utf8")) as typeof written;
    expect(final.connectors.find((c) => c.name === NAME)?.config["tasks.max"]).toBe("3");
    await page.goto("/clusters");
    await expect(page.getByText(/^In conflict:/)).toHaveCount(0);
  } finally {
    await setMirror(page, "").catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
});
