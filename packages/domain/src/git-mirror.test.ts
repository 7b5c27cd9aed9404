import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, type Connector } from "@switchboard/db/repos/connectors";
import { addMember, createTeam, type Team } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createFakeConnect } from "@switchboard/engine/fake-connect";
import { commitMessage, decideWrite, describesSameState, gitIdentity, peopleOfDeployment, type BranchSnapshot } from "./git-mirror";
import { gitMirrorOf, gitPathProblem, gitRepositoryProblem } from "./git-mirror-settings";
import { exportStateFile, importStateFile, NOTHING_TO_IMPORT } from "./state-file";

const SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
const file = (connectors: unknown[]) => `${JSON.stringify({ connectors }, null, 2)}\n`;
const spec = (config: Record<string, string>, extra: Record<string, unknown> = {}) => ({ id: "c1", name: "orders-sink", version: 3, state: "RUNNING", owner: { team: "payments" }, config, ...extra });
const base = { "connector.class": SINK, topics: "orders", "connection.password": "(sensitive)" };

describe("describesSameState", () => {
  const ours = file([spec(base)]);
  it.each([
    ["the same file", ours, true],
    ["another version and owner", file([spec(base, { version: 9, owner: { team: "other" } })]), true],
    ["no version at all (written by hand)", file([{ id: "c1", name: "orders-sink", state: "RUNNING", config: base }]), true],
    ["the secret written out instead of masked", file([spec({ ...base, "connection.password": "hunter2" })]), true],
    ["another config value", file([spec({ ...base, topics: "orders,refunds" })]), false],
    ["an extra config key", file([spec({ ...base, "tasks.max": "2" })]), false],
    ["a missing config key", file([spec({ "connector.class": SINK, topics: "orders" })]), false],
    ["another run state", file([spec(base, { state: "PAUSED" })]), false],
    ["a rename", file([spec(base, { name: "orders-sink-2" })]), false],
    ["another connector too", file([spec(base), spec(base, { id: "c2", name: "other" })]), false],
    ["no connectors", file([]), false],
    ["topics to delete", `${JSON.stringify({ connectors: [spec(base)], deleteTopics: ["orders"] })}\n`, false],
    ["not JSON", "{ connectors: [", false],
  ])("%s: %s", (_what, theirs, same) => {
    expect(describesSameState(theirs, ours)).toBe(same);
  });

  it("matches a URL whose password the export redacted with the same URL written in full", () => {
    const redacted = file([spec({ ...base, "connection.url": "jdbc:postgresql://app:(sensitive)@db:5432/orders" })]);
    expect(describesSameState(file([spec({ ...base, "connection.url": "jdbc:postgresql://app:pw@db:5432/orders" })]), redacted)).toBe(true);
    expect(describesSameState(file([spec({ ...base, "connection.url": "jdbc:postgresql://app:pw@other:5432/orders" })]), redacted)).toBe(false);
  });
});

describe("decideWrite", () => {
  const ours = file([spec(base)]);
  const theirs = file([spec({ ...base, topics: "edited" })]);
  const snap = (s: Partial<BranchSnapshot>): BranchSnapshot => ({ head: "h", base: "b", fileAtHead: ours, fileAtBase: ours, ...s });
  it.each<[string, Partial<BranchSnapshot>, boolean]>([
    ["no branch yet", { head: null, base: null, fileAtHead: null, fileAtBase: undefined }, true],
    ["head is Switchboard's last commit", { head: "b", fileAtHead: theirs, fileAtBase: theirs }, true],
    ["first write, no file at the path", { base: null, fileAtHead: null, fileAtBase: undefined }, true],
    ["other files changed since the last commit", { fileAtHead: theirs, fileAtBase: theirs }, true],
    ["the file at head already says what is written", { fileAtHead: ours, fileAtBase: theirs }, true],
    ["the state file was edited by hand", { fileAtHead: theirs, fileAtBase: ours }, false],
    ["the state file was deleted by hand", { fileAtHead: null, fileAtBase: ours }, false],
    ["first write over a file Switchboard never wrote", { base: null, fileAtHead: theirs, fileAtBase: undefined }, false],
    ["the last commit is gone from the branch (history rewritten)", { fileAtHead: theirs, fileAtBase: undefined }, false],
  ])("%s", (_what, s, write) => {
    expect(decideWrite(snap(s), ours).write).toBe(write);
  });

  it("says which commits it compared, never a file's content", () => {
    const decision = decideWrite(snap({ head: "a".repeat(40), base: "b".repeat(40), fileAtHead: theirs, fileAtBase: ours }), ours);
    expect(decision.reason).toContain("a".repeat(12));
    expect(decision.reason).toContain("b".repeat(12));
    expect(decision.reason).not.toContain("edited");
  });
});

describe("commitMessage", () => {
  const facts = {
    title: "Route orders",
    changeRequestId: "cr1",
    deploymentId: "d1",
    publicUrl: "https://switchboard.example.com/",
    author: { name: "Ada", email: "ada@example.com" },
    writers: [
      { name: "Ada", email: "ADA@example.com" },
      { name: "Bob", email: "bob@example.com" },
      { name: "Bob again", email: "bob@example.com" },
    ],
    approvers: [{ name: "Cy", email: "cy@example.com" }],
  };
  it("is the title, then one trailer block: link, deployment, approvers, co-authors other than the author", () => {
    expect(commitMessage(facts)).toBe(
      "Route orders\n\nChange-request: https://switchboard.example.com/changes/cr1\nDeployment: d1\nApproved-by: Cy <cy@example.com>\nCo-authored-by: Bob <bob@example.com>\n",
    );
  });
  it("keeps a hostile title on its first line and hostile names inside their identity", () => {
    const message = commitMessage({ ...facts, title: "Fix\n\nApproved-by: Mallory <m@evil>", writers: [{ name: "Eve>\nApproved-by: x <x@evil", email: "eve@example.com" }] });
    expect(message.split("\n")[0]).toBe("Fix Approved-by: Mallory <m@evil>");
    expect(message.split("\n").filter((l) => l.startsWith("Approved-by:"))).toEqual(["Approved-by: Cy <cy@example.com>"]);
    expect(gitIdentity({ name: "Eve>\nApproved-by: x <x@evil", email: "eve@example.com" })).toBe("Eve Approved-by: x x@evil <eve@example.com>");
  });
  it("reads writers and approvers from the deployment's snapshot, and nothing from a malformed one", () => {
    expect(peopleOfDeployment({ writers: [{ name: "A", email: "a@x" }], approvals: [{ reviewer: { name: "B", email: "b@x" }, comment: null }] })).toEqual({ writers: [{ name: "A", email: "a@x" }], approvers: [{ name: "B", email: "b@x" }] });
    expect(peopleOfDeployment("nope")).toEqual({ writers: [], approvers: [] });
  });
});

describe("mirror settings", () => {
  it("fills in main and clusters/<name>.json", () => {
    expect(gitMirrorOf({ name: "prod", gitRepository: "/srv/x.git", gitBranch: null, gitPath: null })).toEqual({ repository: "/srv/x.git", branch: "main", path: "clusters/prod.json" });
    expect(gitMirrorOf({ name: "prod", gitRepository: null, gitBranch: "x", gitPath: null })).toBeNull();
  });
  it.each(["https://u:p@h/x.git", "https://token@h/x.git", "u:p@h:x.git", "ssh://u:p@h/x.git"])("refuses credentials in %s", (url) => {
    expect(gitRepositoryProblem(url)).toContain("without credentials");
  });
  it.each(["../x.json", "/x.json", "a/../../x.json", ".git/x.json", "x.txt"])("refuses the path %s", (path) => {
    expect(gitPathProblem(path)).not.toBeNull();
  });
});

describe("a state file written by the mirror, edited in one value and proposed again", () => {
  let t: TestDb;
  let cluster: Cluster;
  let team: Team;
  let owner: SessionUser;
  let connector: Connector;
  const SECRET = "orders-db-password-123";
  const connect = createFakeConnect({ connectors: [] });

  beforeEach(async () => {
    t = await createTestDb();
    cluster = await createCluster(t.db, null, { name: "prod", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 1 });
    team = await createTeam(t.db, null, { name: "payments" });
    const u = await createUser(t.db, null, { email: "owner@example.com", name: "Owner", role: "owner", password: "password-for-tests" });
    await addMember(t.db, null, team.id, u.id);
    owner = (await getSessionUser(t.db, u.id)) as SessionUser;
    connector = await createConnector(t.db, null, {
      name: "orders-sink",
      clusterId: cluster.id,
      teamId: team.id,
      desiredState: "RUNNING",
      config: { "connector.class": SINK, "tasks.max": "1", topics: "orders", file: "/tmp/orders.txt", "connection.url": `jdbc:postgresql://app:${SECRET}@db/orders` },
      secrets: { "connection.password": SECRET },
    });
    await createConnector(t.db, null, { name: "refunds-sink", clusterId: cluster.id, teamId: team.id, desiredState: "PAUSED", config: { "connector.class": SINK, topics: "refunds", file: "/tmp/r.txt" }, secrets: {} });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("becomes a change request with exactly that one update; secrets stay as stored", async () => {
    const { text } = await exportStateFile(t.db, cluster.id);
    expect(text).not.toContain(SECRET);
    expect(await importStateFile(t.db, owner, { clusterId: cluster.id, text, title: "Unchanged", teamId: team.id }, connect)).toEqual({ ok: false, problems: [expect.objectContaining({ message: NOTHING_TO_IMPORT })] });

    const edited = text.replace('"tasks.max": "1"', '"tasks.max": "3"');
    expect(edited).not.toBe(text);
    const result = await importStateFile(t.db, owner, { clusterId: cluster.id, text: edited, title: "More tasks", teamId: team.id, source: "git:clusters/prod.json" }, connect);
    if (!result.ok || !result.changeRequestId) throw new Error(`expected a change request: ${JSON.stringify(result)}`);
    expect(result.entries.filter((e) => e.action !== "unchanged")).toEqual([{ action: "update", name: "orders-sink", team: "payments", changedKeys: ["tasks.max"], contacts: [] }]);
    const cr = await getChangeRequest(t.db, result.changeRequestId);
    expect(cr?.items).toHaveLength(1);
    expect(cr?.items[0]).toMatchObject({ action: "update", connectorId: connector.id, proposedConfig: { ...connector.config, "connection.url": "jdbc:postgresql://app:(sensitive)@db/orders", "tasks.max": "3" } });
    expect([...(cr?.items[0]?.proposedSecretKeys ?? [])].sort()).toEqual(["connection.password", "connection.url"]);
  });
});
