// The checker catches what it must: the staging overlay, rendered once, passes
// as it is, and each change below fails naming the object and the field.
//   node --test k8s/check/check.test.mjs
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { checkObjects, parseObjects, render, ROOT } from "./check.mjs";
import { readPlatform } from "./platform.mjs";

let rendered;
let platform;
before(() => {
  rendered = render("staging");
  platform = readPlatform(ROOT);
});

const fresh = () => parseObjects(rendered);
const get = (objects, kind, name) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} is rendered`);
  return o;
};
const pod = (objects, name) => get(objects, "Deployment", name).spec.template.spec;

// Checks `objects` and asserts a failure of `object` whose field is `field`
// (and whose problem matches `problem`, when given).
async function assertFails(objects, object, field, problem, p = platform) {
  const { failures } = await checkObjects(objects, p);
  const hit = failures.find((f) => f.object === object && f.field === field && (!problem || problem.test(f.problem)));
  assert.ok(
    hit,
    `expected a failure of ${object} at ${field}${problem ? ` (${problem})` : ""}; got:\n${failures
      .map((f) => `  ${f.object}: ${f.field}: ${f.problem}`)
      .join("\n")}`,
  );
}

describe("the staging overlay", () => {
  test("passes as rendered", async () => {
    const { failures, checks } = await checkObjects(fresh(), platform);
    assert.deepEqual(failures, []);
    assert.ok(checks > 500, `${checks} rule checks`);
  });
});

describe("security settings of every workload", () => {
  test("a container whose root file system is writable", async () => {
    const o = fresh();
    delete pod(o, "registry").containers[0].securityContext.readOnlyRootFilesystem;
    await assertFails(o, "Deployment/registry", "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem", /must be true/);
  });
  test("an init container that keeps its capabilities", async () => {
    const o = fresh();
    pod(o, "penalties").initContainers[0].securityContext.capabilities.drop = [];
    await assertFails(o, "Deployment/penalties", "spec.template.spec.initContainers[0].securityContext.capabilities.drop", /ALL/);
  });
  test("a pod that runs as root", async () => {
    const o = fresh();
    pod(o, "gateway").securityContext.runAsUser = 0;
    await assertFails(o, "Deployment/gateway", "spec.template.spec.securityContext.runAsUser", /non-zero/);
  });
  test("a container that may escalate its privileges", async () => {
    const o = fresh();
    pod(o, "supervision").containers[0].securityContext.allowPrivilegeEscalation = true;
    await assertFails(o, "Deployment/supervision", "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", /false/);
  });
  test("a container without the runtime's seccomp profile", async () => {
    const o = fresh();
    delete pod(o, "inspections").containers[0].securityContext.seccompProfile;
    await assertFails(o, "Deployment/inspections", "spec.template.spec.containers[0].securityContext.seccompProfile.type", /RuntimeDefault/);
  });
  test("a container without a memory limit", async () => {
    const o = fresh();
    delete pod(o, "requests").containers[0].resources.limits.memory;
    await assertFails(o, "Deployment/requests", "spec.template.spec.containers[0].resources.limits.memory", /must be set/);
  });
  test("a writable emptyDir the process does not need", async () => {
    const o = fresh();
    const spec = pod(o, "gateway");
    spec.volumes.push({ name: "scratch", emptyDir: { sizeLimit: "1Mi" } });
    spec.containers[0].volumeMounts.push({ name: "scratch", mountPath: "/tmp" });
    await assertFails(o, "Deployment/gateway", `spec.template.spec.volumes[${spec.volumes.length - 1}].emptyDir`, /does not need/);
  });
  test("a service account token mounted", async () => {
    const o = fresh();
    pod(o, "registry").automountServiceAccountToken = true;
    await assertFails(o, "Deployment/registry", "spec.template.spec.automountServiceAccountToken", /false/);
  });
});

describe("identity keys", () => {
  test("two processes sharing one identity key", async () => {
    const o = fresh();
    const spec = pod(o, "penalties");
    const i = spec.volumes.findIndex((v) => v.name === "identity");
    spec.volumes[i].secret.secretName = "gongkai-identity-registry";
    await assertFails(o, "Deployment/penalties", `spec.template.spec.volumes[${i}].secret.secretName`, /identity key of Deployment\/registry/);
    await assertFails(o, "Deployment/penalties", "spec.template.spec.containers[0].env.GONGKAI_IDENTITY_KEY_FILE", /gongkai-identity-penalties/);
  });
  test("a service without the trust file", async () => {
    const o = fresh();
    delete get(o, "ConfigMap", "requests-settings").data.GONGKAI_IDENTITY_TRUST_FILE;
    await assertFails(o, "Deployment/requests", "spec.template.spec.containers[0].env.GONGKAI_IDENTITY_TRUST_FILE", /must be set/);
  });
  test("a trust file of another ConfigMap", async () => {
    const o = fresh();
    const spec = pod(o, "inspections");
    spec.volumes.find((v) => v.name === "identity-trust").configMap.name = "inspections-settings";
    await assertFails(o, "Deployment/inspections", "spec.template.spec.containers[0].env.GONGKAI_IDENTITY_TRUST_FILE", /gongkai-identity-trust/);
  });
  test("a trust file mounted with subPath", async () => {
    const o = fresh();
    const c = pod(o, "supervision").containers[0];
    const m = c.volumeMounts.find((x) => x.name === "identity-trust");
    m.mountPath = "/etc/gongkai/identity-trust/trusted-keys";
    m.subPath = "trusted-keys";
    await assertFails(o, "Deployment/supervision", "spec.template.spec.containers[0].env.GONGKAI_IDENTITY_TRUST_FILE", /subPath/);
  });
  test("the gateway with a trust file", async () => {
    const o = fresh();
    get(o, "ConfigMap", "gateway-settings").data.GONGKAI_IDENTITY_TRUST_FILE = "/etc/gongkai/identity/identity.key";
    await assertFails(o, "Deployment/gateway", "spec.template.spec.containers[0].env.GONGKAI_IDENTITY_TRUST_FILE", /must not be set/);
  });
  test("the shared identity secret set again", async () => {
    const o = fresh();
    get(o, "ConfigMap", "registry-settings").data.GONGKAI_IDENTITY_SECRET_FILE = "/etc/gongkai/identity/identity.key";
    await assertFails(o, "Deployment/registry", "spec.template.spec.containers[0].env.GONGKAI_IDENTITY_SECRET_FILE", /must not be set/);
  });
  test("an identity key in the manifests", async () => {
    const o = fresh();
    o.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "gongkai-identity-gateway", namespace: "gongkai-staging" },
      data: { "identity.key": Buffer.from("-----BEGIN PRIVATE KEY-----\n").toString("base64") },
    });
    await assertFails(o, "Secret/gongkai-identity-gateway", "(Secret)", /never rendered/);
  });
});

describe("mutual TLS", () => {
  test("a service without the client CA", async () => {
    const o = fresh();
    delete get(o, "ConfigMap", "requests-settings").data.GONGKAI_TLS_CLIENT_CA_FILE;
    await assertFails(o, "Deployment/requests", "spec.template.spec.containers[0].env.GONGKAI_TLS_CLIENT_CA_FILE", /must be set/);
  });
  test("a probe left on the TLS port", async () => {
    const o = fresh();
    pod(o, "registry").containers[0].livenessProbe.grpc.port = 7101;
    await assertFails(o, "Deployment/registry", "spec.template.spec.containers[0].livenessProbe.grpc.port", /health port 7201/);
  });
  test("a readiness probe naming a service on the health port", async () => {
    const o = fresh();
    pod(o, "inspections").containers[0].readinessProbe.grpc.service = "gongkai.inspections.v1.InspectionsService";
    await assertFails(o, "Deployment/inspections", "spec.template.spec.containers[0].readinessProbe.grpc.service", /empty name|process only/);
  });
  test("a service without the health port", async () => {
    const o = fresh();
    delete get(o, "ConfigMap", "supervision-settings").data.GONGKAI_HEALTH_LISTEN;
    await assertFails(o, "Deployment/supervision", "spec.template.spec.containers[0].env.GONGKAI_HEALTH_LISTEN", /must be set/);
    await assertFails(o, "Deployment/supervision", "spec.template.spec.containers[0].livenessProbe.grpc.port", /gRPC port 7109/);
  });
  test("two processes sharing one TLS Secret", async () => {
    const o = fresh();
    const spec = pod(o, "penalties");
    const i = spec.volumes.findIndex((v) => v.name === "tls");
    spec.volumes[i].secret.secretName = "gongkai-tls-registry";
    await assertFails(o, "Deployment/penalties", `spec.template.spec.volumes[${i}].secret.secretName`, /TLS certificate and key of Deployment\/registry/);
    await assertFails(o, "Deployment/penalties", "spec.template.spec.containers[0].env.GONGKAI_TLS_CERT_FILE", /gongkai-tls-penalties/);
  });
  test("a TLS Secret mounted with subPath", async () => {
    const o = fresh();
    const c = pod(o, "requests").containers[0];
    const m = c.volumeMounts.find((x) => x.name === "tls");
    m.mountPath = "/etc/gongkai/tls/tls.key";
    m.subPath = "tls.key";
    await assertFails(o, "Deployment/requests", "spec.template.spec.containers[0].env.GONGKAI_TLS_KEY_FILE", /subPath/);
  });
  test("the gateway calling the services in plaintext", async () => {
    const o = fresh();
    delete get(o, "ConfigMap", "gateway-settings").data.GONGKAI_UPSTREAM_CA_FILE;
    await assertFails(o, "Deployment/gateway", "spec.template.spec.containers[0].env.GONGKAI_UPSTREAM_CA_FILE", /must be set/);
  });
  test("the gateway's port under TLS, probed there", async () => {
    const o = fresh();
    get(o, "ConfigMap", "gateway-settings").data.GONGKAI_TLS_CERT_FILE = "/etc/gongkai/tls-internal/tls.crt";
    await assertFails(o, "Deployment/gateway", "spec.template.spec.containers[0].env.GONGKAI_HEALTH_LISTEN", /speaks TLS/);
  });
  test("a TLS key in the manifests", async () => {
    const o = fresh();
    o.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "gongkai-tls-inspections", namespace: "gongkai-staging" },
      type: "kubernetes.io/tls",
      data: { "tls.crt": "", "tls.key": "", "ca.crt": "" },
    });
    await assertFails(o, "Secret/gongkai-tls-inspections", "(Secret)", /never rendered/);
  });
  test("a health port opened to everyone", async () => {
    const o = fresh();
    o.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "registry-health", namespace: "gongkai-staging" },
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "registry" } },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ port: 7201, protocol: "TCP" }] }],
      },
    });
    await assertFails(o, "NetworkPolicy/*", "a pod of another namespace -> registry:7201", /must be refused/);
  });
});

describe("availability", () => {
  test("one replica", async () => {
    const o = fresh();
    get(o, "Deployment", "requests").spec.replicas = 1;
    await assertFails(o, "Deployment/requests", "spec.replicas", /at least 2/);
  });
  test("a liveness probe that is not gRPC", async () => {
    const o = fresh();
    pod(o, "registry").containers[0].livenessProbe = { tcpSocket: { port: 7101 } };
    await assertFails(o, "Deployment/registry", "spec.template.spec.containers[0].livenessProbe.grpc", /native gRPC/);
  });
  test("a readiness probe asking for another service", async () => {
    const o = fresh();
    pod(o, "penalties").containers[0].readinessProbe.grpc.service = "gongkai.registry.v1.RegistryService";
    await assertFails(o, "Deployment/penalties", "spec.template.spec.containers[0].readinessProbe.grpc.service");
  });
  test("an autoscaler that may scale to one", async () => {
    const o = fresh();
    get(o, "HorizontalPodAutoscaler", "gateway").spec.minReplicas = 1;
    await assertFails(o, "HorizontalPodAutoscaler/gateway", "spec.minReplicas", /at least 2/);
  });
  test("no spread over zones", async () => {
    const o = fresh();
    const spec = pod(o, "supervision");
    spec.topologySpreadConstraints = spec.topologySpreadConstraints.filter((t) => t.topologyKey !== "topology.kubernetes.io/zone");
    await assertFails(o, "Deployment/supervision", "spec.template.spec.topologySpreadConstraints", /zone/);
  });
});

describe("schemas", () => {
  test("a Kubernetes object of the wrong shape", async () => {
    const o = fresh();
    get(o, "Deployment", "registry").spec.replicas = "2";
    await assertFails(o, "Deployment/registry", "spec.replicas", /must be integer/);
  });
  test("a CloudNativePG field of the wrong type", async () => {
    const o = fresh();
    get(o, "Cluster", "gongkai-db").spec.instances = "3";
    await assertFails(o, "Cluster/gongkai-db", "spec.instances", /must be integer/);
  });
  test("a CloudNativePG value its CRD does not allow", async () => {
    const o = fresh();
    get(o, "Cluster", "gongkai-db").spec.postgresql.synchronous.method = "all";
    await assertFails(o, "Cluster/gongkai-db", "spec.postgresql.synchronous.method", /allowed values \(any, first\)/);
    get(o, "Cluster", "gongkai-db").spec.backup.retentionPolicy = "30 days";
    await assertFails(o, "Cluster/gongkai-db", "spec.backup.retentionPolicy", /must match pattern/);
  });
  test("a CloudNativePG object without a required field", async () => {
    const o = fresh();
    delete get(o, "Database", "gongkai-db-gongkai").spec.owner;
    await assertFails(o, "Database/gongkai-db-gongkai", "spec", /required property owner/);
  });
  test("a kind no schema knows", async () => {
    const o = fresh();
    o.push({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "gongkai-staging" } });
    await assertFails(o, "Widget/w", "kind", /no schema/);
  });
});

describe("network policies", () => {
  test("the gateway may not reach the registry", async () => {
    const o = fresh();
    const np = get(o, "NetworkPolicy", "gateway");
    np.spec.egress = np.spec.egress.filter((r) => !r.ports.some((p) => p.port === 7101));
    await assertFails(o, "NetworkPolicy/*", "gateway -> registry:7101", /must be allowed/);
  });
  test("a service reaches one it does not call", async () => {
    const o = fresh();
    o.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "too-open", namespace: "gongkai-staging" },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}], egress: [{}] },
    });
    await assertFails(o, "NetworkPolicy/*", "penalties -> inspections:7107", /must be refused/);
  });
  test("no default deny", async () => {
    const o = fresh().filter((x) => !(x.kind === "NetworkPolicy" && x.metadata.name === "default-deny"));
    await assertFails(o, "NetworkPolicy/*", "a pod of another namespace -> a new pod of the namespace:8080", /must be refused/);
  });
});

describe("the database", () => {
  test("a service role that is a superuser", async () => {
    const o = fresh();
    get(o, "Cluster", "gongkai-db").spec.managed.roles[1].superuser = true;
    await assertFails(o, "Cluster/gongkai-db", "spec.managed.roles[1].superuser", /must not be true/);
  });
  test("one instance", async () => {
    const o = fresh();
    get(o, "Cluster", "gongkai-db").spec.instances = 1;
    await assertFails(o, "Cluster/gongkai-db", "spec.instances", /at least 3/);
  });
  test("a schema owned by another role", async () => {
    const o = fresh();
    get(o, "Database", "gongkai-db-gongkai").spec.schemas[0].owner = "gongkai_owner";
    await assertFails(o, "Database/gongkai-db-gongkai", "spec.schemas", /owned by gongkai_registry/);
  });
  test("a restored cluster archiving into the archive it came from", async () => {
    const o = fresh();
    const spec = get(o, "Cluster", "gongkai-db").spec;
    spec.bootstrap = { recovery: { source: "before" } };
    spec.externalClusters = [{ name: "before", barmanObjectStore: { ...spec.backup.barmanObjectStore, serverName: "gongkai-db" } }];
    await assertFails(o, "Cluster/gongkai-db", "spec.backup.barmanObjectStore.serverName", /must differ/);
  });
  test("backups to a path that is no object store's URL", async () => {
    const o = fresh();
    get(o, "Cluster", "gongkai-db").spec.backup.barmanObjectStore.destinationPath = "/var/backups/gongkai-db";
    await assertFails(o, "Cluster/gongkai-db", "spec.backup.barmanObjectStore.destinationPath", /object store's URL/);
  });
  test("a backup schedule of five fields", async () => {
    const o = fresh();
    get(o, "ScheduledBackup", "gongkai-db-daily").spec.schedule = "0 18 * * *";
    await assertFails(o, "ScheduledBackup/gongkai-db-daily", "spec.schedule", /six fields, seconds first/);
  });
  test("a volume size that is no quantity", async () => {
    const o = fresh();
    get(o, "Cluster", "gongkai-db").spec.walStorage.size = "10GB";
    await assertFails(o, "Cluster/gongkai-db", "spec.walStorage.size", /must be a quantity/);
  });
  test("more connections than the cluster allows", async () => {
    const o = fresh();
    get(o, "HorizontalPodAutoscaler", "penalties").spec.maxReplicas = 40;
    await assertFails(o, "Cluster/gongkai-db", "spec.postgresql.parameters.max_connections", /below/);
  });
});

describe("agreement with the repository", () => {
  test("a rule file edited by hand in the render", async () => {
    const o = fresh();
    get(o, "PrometheusRule", "gongkai").spec.groups.pop();
    await assertFails(o, "PrometheusRule/gongkai", "spec", /rules\.yaml/);
  });
  test("a dashboard that differs from k8s/monitoring/dashboards", async () => {
    const o = fresh();
    const cm = get(o, "ConfigMap", "gongkai-dashboard-grpc-traffic");
    cm.data["grpc-traffic.json"] = "{}";
    await assertFails(o, "ConfigMap/gongkai-dashboard-grpc-traffic", "data.grpc-traffic.json", /as it is/);
  });
  test("a service of services.table without manifests", async () => {
    const p = { ...platform, services: [...platform.services, { name: "archive", grpc: 7111, metrics: 9111, settings: {}, grpcServices: [] }] };
    await assertFails(fresh(), "Deployment/archive", "(Deployment)", /must have a Deployment/, p);
    await assertFails(fresh(), "Deployment/gateway", "spec.template.spec.containers[0].env.GONGKAI_UPSTREAMS", /gongkai\.archive\.v1=archive:7111/, p);
  });
  test("a Secret nobody describes", async () => {
    await assertFails(fresh(), "Ingress/gateway-http", "spec.tls[0].secretName", /gongkai-gateway-tls/, { ...platform, operations: "" });
  });
  test("a service at another port than services.table's", async () => {
    const o = fresh();
    get(o, "ConfigMap", "supervision-settings").data.GONGKAI_REGISTRY_ADDRESS = "registry:7102";
    await assertFails(o, "Deployment/supervision", "spec.template.spec.containers[0].env.GONGKAI_REGISTRY_ADDRESS", /registry:7101/);
  });
});
