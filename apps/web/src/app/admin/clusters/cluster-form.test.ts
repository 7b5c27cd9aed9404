import { describe, expect, it } from "vitest";
import { EMPTY, toClusterInput, validateDraft, type Draft } from "./cluster-form";

const valid: Draft = { ...EMPTY, name: "prod-eu", environment: "prod", connectUrls: "http://connect-1:8083\nhttp://connect-2:8083" };

describe("validateDraft", () => {
  it("accepts a complete draft with the default timeout of 120 s", () => {
    expect(validateDraft(valid)).toEqual({});
    expect(toClusterInput(valid)).toMatchObject({ requestTimeoutSeconds: 120, connectUrls: ["http://connect-1:8083", "http://connect-2:8083"], authUsernameEnv: null });
  });

  it("takes credential variable names only under SWITCHBOARD_CLUSTER_, as the server reads them", () => {
    for (const name of ["SWITCHBOARD_CLUSTER_PROD_USER", "SWITCHBOARD_CLUSTER_2"]) {
      expect(validateDraft({ ...valid, authUsernameEnv: name, authPasswordEnv: name })).toEqual({});
    }
    for (const name of ["CONNECT_USER", "NEXTAUTH_SECRET", "SWITCHBOARD_CLUSTER_", "switchboard_cluster_user", "SWITCHBOARD_CLUSTER_PROD-USER", "hunter2"]) {
      const errors = validateDraft({ ...valid, authUsernameEnv: name, authPasswordEnv: name });
      expect(errors.authUsernameEnv).toMatch(/starting with SWITCHBOARD_CLUSTER_/);
      expect(errors.authPasswordEnv).toMatch(/starting with SWITCHBOARD_CLUSTER_/);
    }
  });

  it("takes a Connect request timeout of 5 to 600 whole seconds", () => {
    for (const t of ["5", "120", "600"]) expect(validateDraft({ ...valid, requestTimeoutSeconds: t }).requestTimeoutSeconds).toBeUndefined();
    for (const t of ["4", "601", "", "1.5", "-10", "abc"]) expect(validateDraft({ ...valid, requestTimeoutSeconds: t }).requestTimeoutSeconds).toBe("A whole number of seconds from 5 to 600.");
    expect(toClusterInput({ ...valid, requestTimeoutSeconds: "30" }).requestTimeoutSeconds).toBe(30);
  });

  it("takes a Kafka topic name as the status topic, only with bootstrap servers, and blank as none", () => {
    const withKafka = { ...valid, bootstrapServers: "broker-1:9092" };
    expect(validateDraft({ ...withKafka, statusTopic: "connect-status" })).toEqual({});
    expect(toClusterInput({ ...withKafka, statusTopic: " connect-status " }).statusTopic).toBe("connect-status");
    expect(toClusterInput({ ...withKafka, statusTopic: "  " }).statusTopic).toBeNull();
    for (const t of ["has space", "a/b", "x".repeat(250)]) expect(validateDraft({ ...withKafka, statusTopic: t }).statusTopic).toMatch(/Kafka topic name/);
    expect(validateDraft({ ...valid, statusTopic: "connect-status" }).statusTopic).toMatch(/bootstrap servers/);
  });

  it("checks the Git mirror as the API does: no credentials in the URL, a relative .json path, a branch only with a repository", () => {
    const mirror = { ...valid, gitRepository: "https://git.example.com/platform/state.git", gitBranch: "main", gitPath: "clusters/prod-eu.json" };
    expect(validateDraft(mirror)).toEqual({});
    expect(toClusterInput({ ...mirror, gitBranch: " ", gitPath: "" })).toMatchObject({ gitRepository: "https://git.example.com/platform/state.git", gitBranch: null, gitPath: null });
    expect(validateDraft({ ...mirror, gitRepository: "https://deploy:hunter2@git.example.com/x.git" }).gitRepository).toMatch(/without credentials/);
    expect(validateDraft({ ...mirror, gitPath: "../outside.json" }).gitPath).toMatch(/\.\. segments/);
    expect(validateDraft({ ...mirror, gitPath: "/etc/prod.json" }).gitPath).toMatch(/relative/);
    expect(validateDraft({ ...valid, gitBranch: "main" }).gitBranch).toBe("Set the repository first.");
    expect(toClusterInput(valid)).toMatchObject({ gitRepository: null, gitBranch: null, gitPath: null });
  });
});
