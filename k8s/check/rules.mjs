// The rules every rendered overlay must meet, beyond its schemas. Each
// failure names the object and the field: "Deployment/registry:
// spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem:
// must be true".
import { isDeepStrictEqual } from "node:util";
import { allowed, selects } from "./netpol.mjs";

// The database connections a service replica holds at most besides its two
// pools: the readiness probe's and one more (the registry's notification
// listener; the migrations' at start).
const EXTRA_CONNECTIONS = 2;
// Connections CloudNativePG's own components may hold (streaming replicas,
// the instance manager, the metrics exporter), beyond the superuser's reserve.
const CNPG_CONNECTIONS = 10;
// What CloudNativePG's CRDs leave unchecked (plain strings), and so the
// schemas (schemas.mjs) too, though the deployment relies on it: barman-cloud
// reads a destinationPath only as an object store's URL (s3://, gs://, or
// https:// for Azure), else WAL archiving and the backups fail at run time;
// a ScheduledBackup's schedule is a cron expression of six fields, seconds
// first (CloudNativePG accepts a five-field crontab line with a warning only,
// and reads "0 2 * * *" as minute 2 of every hour); volume sizes are
// Kubernetes quantities.
const OBJECT_STORE_URL = /^(s3|gs|https?):\/\//;
const CNPG_SCHEDULE = /^\S+( \S+){5}$/;
const QUANTITY = /^[+-]?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

// Who is outside the namespace: the peers the policies name, and strangers.
export const EXTERNAL = {
  ingress: {
    name: "the ingress controller (ingress-nginx)",
    namespace: "ingress-nginx",
    labels: { "app.kubernetes.io/name": "ingress-nginx" },
    ip: "10.244.100.1",
  },
  prometheus: {
    name: "Prometheus (namespace monitoring)",
    namespace: "monitoring",
    labels: { "app.kubernetes.io/name": "prometheus" },
    ip: "10.244.100.2",
  },
  operator: {
    name: "the CloudNativePG operator (cnpg-system)",
    namespace: "cnpg-system",
    labels: { "app.kubernetes.io/name": "cloudnative-pg" },
    ip: "10.244.100.3",
  },
  dns: {
    name: "the cluster DNS",
    namespace: "kube-system",
    labels: { "k8s-app": "kube-dns" },
    ip: "10.244.100.4",
    ports: [
      { name: "dns", port: 53, protocol: "UDP" },
      { name: "dns-tcp", port: 53, protocol: "TCP" },
    ],
  },
  stranger: {
    name: "a pod of another namespace",
    namespace: "default",
    labels: { app: "other" },
    ip: "10.244.100.5",
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  },
  internet: { name: "an address outside the cluster", ip: "203.0.113.10", ports: [{ name: "https", port: 443, protocol: "TCP" }] },
};

const WORKLOADS = {
  Deployment: (o) => o.spec?.template,
  StatefulSet: (o) => o.spec?.template,
  DaemonSet: (o) => o.spec?.template,
  ReplicaSet: (o) => o.spec?.template,
  Job: (o) => o.spec?.template,
  CronJob: (o) => o.spec?.jobTemplate?.spec?.template,
  Pod: (o) => ({ metadata: o.metadata, spec: o.spec }),
};
const TEMPLATE_PATH = {
  Deployment: "spec.template",
  StatefulSet: "spec.template",
  DaemonSet: "spec.template",
  ReplicaSet: "spec.template",
  Job: "spec.template",
  CronJob: "spec.jobTemplate.spec.template",
  Pod: "",
};

// Identities: each process's own Ed25519 key (the file IDENTITY_KEY of the
// Secret gongkai-identity-<process>) and the public keys the services trust
// (the file IDENTITY_TRUST_KEY of the ConfigMap IDENTITY_TRUST), all made at
// deploy (docs/OPERATIONS.md), never rendered: an apply would replace the
// keys in use.
const identityKeySecret = (process) => `gongkai-identity-${process}`;
const IDENTITY_KEY = "identity.key";
const IDENTITY_TRUST = "gongkai-identity-trust";
const IDENTITY_TRUST_KEY = "trusted-keys";
// ConfigMaps made at deploy, not rendered, that workloads may name.
const DEPLOY_CONFIGMAPS = [IDENTITY_TRUST];

// Mutual TLS inside the cluster: each process's certificate, its key and the
// platform's CA, from its own Secret (kubernetes.io/tls, as cert-manager
// writes it), made at deploy (docs/OPERATIONS.md), never rendered. A service's
// port serves its certificate and requires a client certificate of the CA,
// and its calls to another service check and present the same; the gateway's
// calls to the services do (its own ports stay plaintext behind the ingress).
const tlsSecret = (process) => (process === "gateway" ? "gongkai-tls-gateway-internal" : `gongkai-tls-${process}`);
const TLS_KEYS = {
  GONGKAI_TLS_CERT_FILE: "tls.crt",
  GONGKAI_TLS_KEY_FILE: "tls.key",
  GONGKAI_TLS_CLIENT_CA_FILE: "ca.crt",
  GONGKAI_UPSTREAM_CA_FILE: "ca.crt",
  GONGKAI_UPSTREAM_CERT_FILE: "tls.crt",
  GONGKAI_UPSTREAM_KEY_FILE: "tls.key",
};
const UPSTREAM_TLS = ["GONGKAI_UPSTREAM_CA_FILE", "GONGKAI_UPSTREAM_CERT_FILE", "GONGKAI_UPSTREAM_KEY_FILE"];

const join = (...parts) => parts.filter((p) => p !== "").join(".");
const refOf = (o) => `${o?.kind}/${o?.metadata?.name}`;

// Kubernetes quantities as numbers (cores; bytes).
export function quantity(q) {
  if (typeof q === "number") return q;
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(String(q ?? ""));
  if (!m) return NaN;
  const f = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
  return Number(m[1]) * (m[2] ? f[m[2]] : 1);
}

// libpq's key=value connection string.
export function conninfo(text) {
  const out = {};
  const re = /\s*([a-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/g;
  for (const m of String(text ?? "").matchAll(re)) out[m[1]] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
  return out;
}

class Overlay {
  constructor(objects, platform) {
    this.objects = objects;
    this.platform = platform;
    this.failures = [];
    this.checks = 0;
  }
  fail(object, field, problem) {
    this.failures.push({ object: typeof object === "string" ? object : refOf(object), field, problem });
  }
  expect(ok, object, field, problem) {
    this.checks++;
    if (!ok) this.fail(object, field, problem);
    return ok;
  }
  all(kind) {
    return this.objects.filter((o) => o?.kind === kind);
  }
  find(kind, name) {
    return this.objects.find((o) => o?.kind === kind && o.metadata?.name === name);
  }
}

// A container's settings: its envFrom ConfigMaps, then its env (values only;
// a value from a Secret or a field is "(from ...)").
function settingsOf(ov, pod, container) {
  const env = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, ov.find("ConfigMap", source.configMapRef.name)?.data ?? {});
  }
  for (const e of container.env ?? []) env[e.name] = e.value ?? `(from ${Object.keys(e.valueFrom ?? {})[0] ?? "?"})`;
  return env;
}

// Where a file path of a container comes from: {volume, source: "secret" |
// "configMap" | "emptyDir" | ..., name, key}, or null when no mount holds it.
function fileSource(pod, container, file) {
  for (const m of container.volumeMounts ?? []) {
    const dir = m.mountPath.replace(/\/$/, "");
    if (file !== dir && !file.startsWith(dir + "/")) continue;
    const volume = (pod.spec.volumes ?? []).find((v) => v.name === m.name);
    if (!volume) return null;
    const rel = file === dir ? "" : file.slice(dir.length + 1);
    for (const source of ["secret", "configMap", "emptyDir", "projected", "persistentVolumeClaim", "hostPath"]) {
      if (!volume[source]) continue;
      const v = volume[source];
      const name = source === "secret" ? v.secretName : v.name;
      let key = rel;
      if (v.items && rel !== "") key = v.items.find((i) => i.path === rel)?.key ?? null;
      return { volume: volume.name, source, name, key, mount: m, dir };
    }
    return { volume: volume.name, source: "other", mount: m, dir };
  }
  return null;
}

function containersOf(spec) {
  return [
    ...(spec.initContainers ?? []).map((c, i) => ({ c, list: "initContainers", i })),
    ...(spec.containers ?? []).map((c, i) => ({ c, list: "containers", i })),
  ];
}

// 1. Every workload: the pod's and every container's security settings,
// resources, service account, volumes.
function checkWorkloadSecurity(ov, o, template, base) {
  const spec = template?.spec ?? {};
  const s = join(base, "spec");
  const psc = spec.securityContext ?? {};
  ov.expect(psc.runAsNonRoot === true, o, join(s, "securityContext.runAsNonRoot"), "must be true");
  ov.expect(Number.isInteger(psc.runAsUser) && psc.runAsUser > 0, o, join(s, "securityContext.runAsUser"), "must be a non-zero user id");
  ov.expect(psc.seccompProfile?.type === "RuntimeDefault", o, join(s, "securityContext.seccompProfile.type"), "must be RuntimeDefault");
  for (const host of ["hostNetwork", "hostPID", "hostIPC"]) ov.expect(spec[host] !== true, o, join(s, host), "must not be true");
  ov.expect(spec.automountServiceAccountToken === false, o, join(s, "automountServiceAccountToken"), "must be false");
  const sa = spec.serviceAccountName;
  if (ov.expect(typeof sa === "string" && sa !== "" && sa !== "default", o, join(s, "serviceAccountName"), "must name the workload's own ServiceAccount")) {
    const account = ov.find("ServiceAccount", sa);
    if (ov.expect(account, o, join(s, "serviceAccountName"), `ServiceAccount ${sa} is not rendered`)) {
      ov.expect(account.automountServiceAccountToken === false, account, "automountServiceAccountToken", "must be false");
    }
  }
  for (const { c, list, i } of containersOf(spec)) {
    const p = join(s, `${list}[${i}]`);
    const sc = c.securityContext ?? {};
    ov.expect(sc.runAsNonRoot === true, o, `${p}.securityContext.runAsNonRoot`, "must be true");
    ov.expect(Number.isInteger(sc.runAsUser) && sc.runAsUser > 0, o, `${p}.securityContext.runAsUser`, "must be a non-zero user id");
    ov.expect(sc.readOnlyRootFilesystem === true, o, `${p}.securityContext.readOnlyRootFilesystem`, "must be true");
    ov.expect(sc.allowPrivilegeEscalation === false, o, `${p}.securityContext.allowPrivilegeEscalation`, "must be false");
    ov.expect(sc.privileged !== true, o, `${p}.securityContext.privileged`, "must not be true");
    ov.expect((sc.capabilities?.drop ?? []).includes("ALL"), o, `${p}.securityContext.capabilities.drop`, "must drop ALL");
    ov.expect((sc.capabilities?.add ?? []).length === 0, o, `${p}.securityContext.capabilities.add`, "must add none");
    ov.expect(sc.seccompProfile?.type === "RuntimeDefault", o, `${p}.securityContext.seccompProfile.type`, "must be RuntimeDefault");
    for (const r of ["cpu", "memory"]) {
      const req = c.resources?.requests?.[r];
      const lim = c.resources?.limits?.[r];
      ov.expect(req !== undefined, o, `${p}.resources.requests.${r}`, "must be set");
      ov.expect(lim !== undefined, o, `${p}.resources.limits.${r}`, "must be set");
      if (req !== undefined && lim !== undefined) {
        ov.expect(quantity(req) <= quantity(lim), o, `${p}.resources.requests.${r}`, `${req} exceeds the limit ${lim}`);
      }
    }
    const image = String(c.image ?? "");
    ov.expect(
      /@sha256:[0-9a-f]{64}$/.test(image) || (/:[^/:]+$/.test(image) && !image.endsWith(":latest")),
      o,
      `${p}.image`,
      `${image} must name a tag other than latest, or a digest`,
    );
  }
  // Volumes: no host paths; an emptyDir only where a process needs one (a
  // setting names a path in it), bounded; none declared and unused.
  const settings = containersOf(spec).flatMap(({ c }) => Object.values(settingsOf(ov, template, c)));
  (spec.volumes ?? []).forEach((v, i) => {
    const p = join(s, `volumes[${i}]`);
    ov.expect(!v.hostPath, o, `${p}.hostPath`, "host paths are not allowed");
    const mounts = containersOf(spec).flatMap(({ c }) => (c.volumeMounts ?? []).filter((m) => m.name === v.name));
    ov.expect(mounts.length > 0, o, `${p}`, `volume ${v.name} is mounted by no container`);
    if (v.emptyDir) {
      ov.expect(v.emptyDir.sizeLimit !== undefined, o, `${p}.emptyDir.sizeLimit`, "must be set");
      const dirs = mounts.map((m) => m.mountPath.replace(/\/$/, ""));
      ov.expect(
        settings.some((value) => dirs.some((d) => String(value).includes(d + "/") || String(value) === d)),
        o,
        `${p}.emptyDir`,
        `no setting of the pod names a path in ${v.name} (${dirs.join(", ")}): an emptyDir the process does not need`,
      );
    }
  });
}

// 2. The processes: the gateway and every service of services.table.
function processes(ov) {
  return [{ name: "gateway", gateway: true }, ...ov.platform.services.map((s) => ({ ...s, gateway: false }))];
}

function mainContainer(d, name) {
  const list = d.spec?.template?.spec?.containers ?? [];
  const i = list.findIndex((c) => c.name === name);
  return { c: list[i], i };
}

function portOf(container, name) {
  return (container?.ports ?? []).find((p) => p.name === name)?.containerPort;
}

// The probes: native gRPC health. A process whose gRPC port speaks TLS
// (every service: it requires a client certificate) is probed on its
// plaintext health port (GONGKAI_HEALTH_LISTEN), which answers for the empty
// name only; the kubelet's probes speak no TLS.
function checkProbes(ov, proc, d, c, i, env) {
  const p = `spec.template.spec.containers[${i}]`;
  const grpc = proc.gateway ? 7100 : proc.grpc;
  const metrics = proc.gateway ? 9100 : proc.metrics;
  const listen = env.GONGKAI_HEALTH_LISTEN;
  const hp = `${p}.env.GONGKAI_HEALTH_LISTEN`;
  if (!proc.gateway) {
    ov.expect(listen, d, hp, "must be set: the gRPC port requires a client certificate, which the kubelet's probes do not present");
  } else if (env.GONGKAI_TLS_CERT_FILE !== undefined) {
    ov.expect(listen, d, hp, "must be set: the gRPC port speaks TLS, which the kubelet's probes do not");
  }
  let health = null;
  if (listen) {
    health = portOf(c, "health");
    const m = /^(?:0\.0\.0\.0|\[::\]):([0-9]+)$/.exec(listen);
    ov.expect(m && health && Number(m[1]) === health, d, hp, `${listen} must listen on all addresses, at the container's port named health (${health ?? "none"})`);
    ov.expect(health !== grpc && health !== metrics, d, `${p}.ports[health]`, `must be a port of its own, not the gRPC ${grpc} or metrics ${metrics} port`);
  }
  const port = health ?? grpc;
  const readinessNames = health ? [""] : proc.gateway ? [""] : proc.grpcServices;
  for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
    const pr = c[probe];
    if (!ov.expect(pr?.grpc, d, `${p}.${probe}.grpc`, "must be a native gRPC probe (grpc.health.v1)")) continue;
    ov.expect(
      pr.grpc.port === port,
      d,
      `${p}.${probe}.grpc.port`,
      health ? `must be the health port ${health} (GONGKAI_HEALTH_LISTEN): the kubelet's probes speak no TLS` : `must be the gRPC port ${grpc}`,
    );
    const service = pr.grpc.service ?? "";
    if (probe === "readinessProbe") {
      ov.expect(
        readinessNames.includes(service),
        d,
        `${p}.${probe}.grpc.service`,
        health ? 'must be "" (the health port answers for the process only)' : `must be one of ${JSON.stringify(readinessNames)}`,
      );
    } else {
      ov.expect(service === "", d, `${p}.${probe}.grpc.service`, 'must be "" (the process itself)');
    }
  }
}

// Mutual TLS: every TLS file a process reads is the file of its own Secret
// that the setting names, mounted whole (without subPath), so that a Secret
// replaced in place is read again; a service sets all six, the gateway the
// three of its calls to the services.
function checkTls(ov, proc, d, c, i, env) {
  const p = `spec.template.spec.containers[${i}]`;
  const own = tlsSecret(proc.name);
  const names = proc.gateway ? UPSTREAM_TLS : Object.keys(TLS_KEYS);
  for (const name of names) {
    const field = `${p}.env.${name}`;
    const file = env[name];
    if (!ov.expect(file, d, field, `must be set (mutual TLS: ${TLS_KEYS[name]} of the Secret ${own})`)) continue;
    const src = fileSource(d.spec.template, c, file);
    ov.expect(
      src?.source === "secret" && src.name === own && src.key === TLS_KEYS[name],
      d,
      field,
      `${file} must be ${TLS_KEYS[name]} of the Secret ${own} (the process's own)${src?.name ? `, not ${src.key} of ${src.name}` : ""}`,
    );
    ov.expect(!src?.mount?.subPath, d, field, `${file} must not be mounted with subPath: Kubernetes would not update it, and a certificate replaced would never be read`);
  }
}

function checkAvailability(ov, proc, d) {
  const labels = d.spec?.template?.metadata?.labels ?? {};
  ov.expect(Number.isInteger(d.spec?.replicas) && d.spec.replicas >= 2, d, "spec.replicas", "must be at least 2");
  ov.expect(selects(d.spec?.selector, labels), d, "spec.selector", "must select the template's labels");
  const tsc = d.spec?.template?.spec?.topologySpreadConstraints ?? [];
  for (const key of ["kubernetes.io/hostname", "topology.kubernetes.io/zone"]) {
    const c = tsc.find((t) => t.topologyKey === key);
    if (ov.expect(c, d, "spec.template.spec.topologySpreadConstraints", `must spread over ${key}`)) {
      ov.expect(selects(c.labelSelector, labels), d, "spec.template.spec.topologySpreadConstraints", `the ${key} constraint must select the pods`);
    }
  }
  const hpas = ov.all("HorizontalPodAutoscaler").filter((h) => h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === d.metadata.name);
  if (ov.expect(hpas.length === 1, d, "(HorizontalPodAutoscaler)", "must have one HorizontalPodAutoscaler")) {
    const h = hpas[0];
    ov.expect(h.apiVersion === "autoscaling/v2", h, "apiVersion", "must be autoscaling/v2");
    ov.expect(h.spec.minReplicas >= 2, h, "spec.minReplicas", "must be at least 2");
    ov.expect(h.spec.maxReplicas >= h.spec.minReplicas, h, "spec.maxReplicas", "must be at least minReplicas");
    ov.expect(d.spec?.replicas >= h.spec.minReplicas, d, "spec.replicas", `must be at least the autoscaler's minReplicas ${h.spec.minReplicas}`);
    ov.expect((h.spec.metrics ?? []).length > 0, h, "spec.metrics", "must name what it scales on");
  }
  const pdbs = ov.all("PodDisruptionBudget").filter((b) => selects(b.spec?.selector, labels));
  if (ov.expect(pdbs.length === 1, d, "(PodDisruptionBudget)", "must have one PodDisruptionBudget selecting its pods")) {
    const b = pdbs[0];
    const min = hpas[0]?.spec?.minReplicas ?? d.spec?.replicas ?? 1;
    if (b.spec.maxUnavailable !== undefined) {
      const v = b.spec.maxUnavailable;
      ov.expect(typeof v === "string" || (v >= 1 && v < min), b, "spec.maxUnavailable", `must let a drain proceed and keep a pod serving (1..${min - 1})`);
    } else {
      const v = b.spec.minAvailable;
      ov.expect(typeof v === "string" || (v >= 1 && v < min), b, "spec.minAvailable", `must keep a pod serving and let a drain proceed (1..${min - 1})`);
    }
  }
  const grpc = proc.gateway ? 7100 : proc.grpc;
  const svc = ov.find("Service", proc.name);
  if (ov.expect(svc, d, "(Service)", `must have a Service named ${proc.name} (the address others use)`)) {
    ov.expect(svc.spec?.selector && selects({ matchLabels: svc.spec.selector }, labels), svc, "spec.selector", "must select the Deployment's pods");
    const port = (svc.spec?.ports ?? []).find((p) => p.name === "grpc");
    if (ov.expect(port, svc, "spec.ports", "must have a port named grpc")) {
      ov.expect(port.port === grpc, svc, "spec.ports[grpc].port", `must be ${grpc}`);
      ov.expect(port.targetPort === "grpc" || port.targetPort === grpc, svc, "spec.ports[grpc].targetPort", "must be the container's grpc port");
    }
  }
  const monitors = ov.all("PodMonitor").filter((m) => selects(m.spec?.selector, labels));
  if (ov.expect(monitors.length === 1, d, "(PodMonitor)", "must have one PodMonitor selecting its pods")) {
    const m = monitors[0];
    const { c } = mainContainer(d, proc.name);
    const endpoint = (m.spec.podMetricsEndpoints ?? []).find((e) => e.port === "metrics");
    ov.expect(endpoint && portOf(c, "metrics"), m, "spec.podMetricsEndpoints", "must scrape the container's port named metrics");
    ov.expect(
      m.spec.jobLabel && labels[m.spec.jobLabel] === proc.name,
      m,
      "spec.jobLabel",
      `must be a pod label whose value is ${proc.name} (the job k8s/monitoring's rules and dashboards name)`,
    );
  }
}

// The settings of services.table, as the deployment gives them.
function checkSettings(ov, proc, d, cluster, database) {
  const { c, i } = mainContainer(d, proc.name);
  const p = `spec.template.spec.containers[${i}]`;
  const template = d.spec.template;
  const env = settingsOf(ov, template, c);
  const binary = `gongkai-${proc.name}`;
  ov.expect(
    [...(c.command ?? []), ...(c.args ?? [])].some((a) => a === binary || a.endsWith(`/${binary}`)),
    d,
    `${p}.args`,
    `must run ${binary}`,
  );
  const grpc = proc.gateway ? 7100 : proc.grpc;
  const metrics = proc.gateway ? 9100 : proc.metrics;
  ov.expect(portOf(c, "grpc") === grpc, d, `${p}.ports[grpc]`, `must be ${grpc} (services/services.table)`);
  ov.expect(portOf(c, "metrics") === metrics, d, `${p}.ports[metrics]`, `must be ${metrics} (services/services.table)`);
  ov.expect(/^(0\.0\.0\.0|\[::\]):/.test(env.GONGKAI_LISTEN ?? "") && env.GONGKAI_LISTEN.endsWith(`:${grpc}`), d, `${p}.env.GONGKAI_LISTEN`, `must listen on all addresses, port ${grpc}`);
  ov.expect(/^(0\.0\.0\.0|\[::\]):/.test(env.GONGKAI_METRICS_LISTEN ?? "") && env.GONGKAI_METRICS_LISTEN.endsWith(`:${metrics}`), d, `${p}.env.GONGKAI_METRICS_LISTEN`, `must listen on all addresses, port ${metrics}`);
  const secretFile = (name) => {
    const file = env[name];
    if (!ov.expect(file, d, `${p}.env.${name}`, "must be set")) return null;
    const src = fileSource(template, c, file);
    ov.expect(src?.source === "secret" && src.key, d, `${p}.env.${name}`, `${file} must be a file of a mounted Secret`);
    return src;
  };
  // Identities: the process signs with its own key, of its own Secret; a
  // service checks what it is sent against the one trust ConfigMap, read
  // again on SIGHUP (so mounted whole, where Kubernetes updates it); the
  // gateway only signs.
  const keyFile = `${p}.env.GONGKAI_IDENTITY_KEY_FILE`;
  const key = secretFile("GONGKAI_IDENTITY_KEY_FILE");
  if (key) {
    const own = identityKeySecret(proc.name);
    ov.expect(
      key.name === own && key.key === IDENTITY_KEY,
      d,
      keyFile,
      `${env.GONGKAI_IDENTITY_KEY_FILE} must be ${IDENTITY_KEY} of the Secret ${own} (the process's own key), not ${key.key} of ${key.name}`,
    );
  }
  const trustFile = `${p}.env.GONGKAI_IDENTITY_TRUST_FILE`;
  if (proc.gateway) {
    ov.expect(env.GONGKAI_IDENTITY_TRUST_FILE === undefined, d, trustFile, "must not be set (the gateway only signs; the services check)");
  } else if (ov.expect(env.GONGKAI_IDENTITY_TRUST_FILE, d, trustFile, "must be set")) {
    const file = env.GONGKAI_IDENTITY_TRUST_FILE;
    const src = fileSource(template, c, file);
    ov.expect(
      src?.source === "configMap" && src.name === IDENTITY_TRUST && src.key === IDENTITY_TRUST_KEY,
      d,
      trustFile,
      `${file} must be ${IDENTITY_TRUST_KEY} of the ConfigMap ${IDENTITY_TRUST}, which every service reads`,
    );
    ov.expect(!src?.mount?.subPath, d, trustFile, `${file} must not be mounted with subPath: Kubernetes would not update it, and SIGHUP would read the old keys`);
  }
  if (proc.gateway) {
    const upstreams = Object.fromEntries(
      String(env.GONGKAI_UPSTREAMS ?? "")
        .split(",")
        .filter(Boolean)
        .map((e) => e.split("=")),
    );
    const want = Object.fromEntries(ov.platform.services.map((s) => [`gongkai.${s.name}.v1`, `${s.name}:${s.grpc}`]));
    ov.expect(isDeepStrictEqual(upstreams, want), d, `${p}.env.GONGKAI_UPSTREAMS`, `must route every service of services/services.table: ${Object.entries(want).map((e) => e.join("=")).join(",")}`);
    secretFile("GONGKAI_PRINCIPALS_FILE");
    const http = portOf(c, "http");
    ov.expect(http && String(env.GONGKAI_HTTP_LISTEN ?? "").endsWith(`:${http}`), d, `${p}.env.GONGKAI_HTTP_LISTEN`, "must be the container's port named http");
    ov.expect(env.GONGKAI_WEB_DIR, d, `${p}.env.GONGKAI_WEB_DIR`, "must name the web pages' folder");
    const quota = Number(env.GONGKAI_MEMORY_QUOTA_MB ?? 1024) * 2 ** 20;
    ov.expect(quota < quantity(c.resources?.limits?.memory), d, `${p}.env.GONGKAI_MEMORY_QUOTA_MB`, `${quota / 2 ** 20} MiB must stay below the memory limit ${c.resources?.limits?.memory}`);
    const url = /^https:\/\/([^/:]+)/.exec(env.GONGKAI_PUBLIC_URL ?? "");
    const hosts = ov.all("Ingress").flatMap((g) => (g.spec?.rules ?? []).filter((r) => r.http?.paths?.some((x) => x.backend?.service?.name === "gateway" && x.backend.service.port?.name === "http")).map((r) => r.host));
    ov.expect(url && hosts.includes(url[1]), d, `${p}.env.GONGKAI_PUBLIC_URL`, `must be https:// and the HTTP Ingress host (${hosts.join(", ")})`);
    return;
  }
  for (const [name, value] of Object.entries(proc.settings)) {
    if (!ov.expect(env[name] !== undefined, d, `${p}.env.${name}`, "must be set (services/services.table)")) continue;
    const run = /^\{run\}\/(.+)$/.exec(value);
    const svc = /^\{([a-z0-9_]+)\}$/.exec(value);
    if (run) {
      const src = secretFile(name);
      ov.expect(src && String(env[name]).endsWith(`/${run[1]}`), d, `${p}.env.${name}`, `must be the file ${run[1]} of a Secret`);
    } else if (svc) {
      const target = ov.platform.services.find((s) => s.name === svc[1]);
      ov.expect(target && env[name] === `${target.name}:${target.grpc}`, d, `${p}.env.${name}`, `must be ${svc[1]}:${target?.grpc}`);
    }
  }
  const cal = env.GONGKAI_CALENDAR_DIR;
  if (ov.expect(cal, d, `${p}.env.GONGKAI_CALENDAR_DIR`, "must be set")) {
    const src = fileSource(template, c, cal);
    const cm = src?.source === "configMap" ? ov.find("ConfigMap", src.name) : null;
    ov.expect(cm && src.dir === cal.replace(/\/$/, ""), d, `${p}.env.GONGKAI_CALENDAR_DIR`, "must be the mount of the calendar ConfigMap");
    if (cm) ov.expect(isDeepStrictEqual(cm.data ?? {}, ov.platform.calendar), cm, "data", "must hold the files of data/calendar, unchanged");
  }
  // The database: the cluster's primary, as the service's own role, whose
  // password is the Secret the role reads; verify-full against the cluster's CA.
  const url = conninfo(env.GONGKAI_DATABASE_URL);
  const dbp = `${p}.env.GONGKAI_DATABASE_URL`;
  if (!ov.expect(env.GONGKAI_DATABASE_URL, d, dbp, "must be set") || !cluster) return;
  const role = `gongkai_${proc.name}`;
  ov.expect(url.user === role, d, dbp, `user must be ${role}`);
  ov.expect(url.host === `${cluster.metadata.name}-rw`, d, dbp, `host must be ${cluster.metadata.name}-rw (the primary)`);
  ov.expect(database && url.dbname === database.spec?.name, d, dbp, `dbname must be ${database?.spec?.name}`);
  ov.expect(url.sslmode === "verify-full", d, dbp, "sslmode must be verify-full");
  const ca = url.sslrootcert ? fileSource(template, c, url.sslrootcert) : null;
  ov.expect(ca?.source === "secret" && ca.name === `${cluster.metadata.name}-ca` && ca.key === "ca.crt", d, dbp, `sslrootcert must be ca.crt of the Secret ${cluster.metadata.name}-ca`);
  const pass = url.passfile ? fileSource(template, c, url.passfile) : null;
  ov.expect(pass?.source === "emptyDir" && pass.mount.readOnly === true, d, dbp, "passfile must be in an emptyDir the process mounts read-only");
  ov.expect(!url.password, d, dbp, "must hold no password");
  const managed = (cluster.spec?.managed?.roles ?? []).find((r) => r.name === role);
  const secret = managed?.passwordSecret?.name;
  ov.expect(
    secret && (template.spec.volumes ?? []).some((v) => v.secret?.secretName === secret),
    d,
    "spec.template.spec.volumes",
    `must read the role's password Secret ${secret}`,
  );
}

// The identity keys across the overlay: a process's key Secret is read by
// that process's Deployment alone (a key signs as its process: gateway, or
// service-<name>), no workload sets the shared secret of before, and the
// keys and the trust ConfigMap are made at deploy, never rendered.
function checkIdentityKeys(ov) {
  const owners = new Map(processes(ov).map((p) => [identityKeySecret(p.name), `Deployment/${p.name}`]));
  const readers = new Map();
  for (const [o, field, name] of references(ov).secrets) {
    if (!owners.has(name)) continue;
    const list = readers.get(name) ?? [];
    list.push({ o, field });
    readers.set(name, list);
  }
  for (const [name, list] of readers) {
    const owner = owners.get(name);
    for (const { o, field } of list) {
      ov.expect(refOf(o) === owner, o, field, `Secret ${name} is the identity key of ${owner}: no other workload may read it (each process has its own)`);
    }
  }
  for (const o of ov.objects) {
    const template = WORKLOADS[o?.kind]?.(o);
    if (!template) continue;
    for (const { c, list, i } of containersOf(template.spec ?? {})) {
      ov.expect(
        settingsOf(ov, template, c).GONGKAI_IDENTITY_SECRET_FILE === undefined,
        o,
        join(TEMPLATE_PATH[o.kind], "spec", `${list}[${i}].env.GONGKAI_IDENTITY_SECRET_FILE`),
        "must not be set: identities are signed with each process's own key (GONGKAI_IDENTITY_KEY_FILE) and checked against the trusted public keys (GONGKAI_IDENTITY_TRUST_FILE)",
      );
    }
  }
  for (const name of owners.keys()) {
    const s = ov.find("Secret", name);
    ov.expect(!s, s ?? `Secret/${name}`, "(Secret)", "an identity key is made at deploy (docs/OPERATIONS.md), never rendered: it would sit in the tree, and an apply would replace the key in use");
  }
  const trust = ov.find("ConfigMap", IDENTITY_TRUST);
  ov.expect(!trust, trust ?? `ConfigMap/${IDENTITY_TRUST}`, "(ConfigMap)", "the trusted keys are made at deploy from the processes' keys (docs/OPERATIONS.md), never rendered: an apply would replace the keys trusted");
}

// The TLS Secrets across the overlay: a process's Secret is read by that
// process's Deployment alone (its key is its identity to the others' ports),
// and made at deploy, never rendered.
function checkTlsSecrets(ov) {
  const owners = new Map(processes(ov).map((p) => [tlsSecret(p.name), `Deployment/${p.name}`]));
  for (const [o, field, name] of references(ov).secrets) {
    if (!owners.has(name)) continue;
    const owner = owners.get(name);
    ov.expect(refOf(o) === owner, o, field, `Secret ${name} is the TLS certificate and key of ${owner}: no other workload may read it (each process has its own)`);
  }
  for (const name of owners.keys()) {
    const s = ov.find("Secret", name);
    ov.expect(!s, s ?? `Secret/${name}`, "(Secret)", "a TLS key is made at deploy (docs/OPERATIONS.md), never rendered: it would sit in the tree, and an apply would replace the certificate in use");
  }
}

// 3. Network policies: who reaches what, against what services.table says.
function checkNetwork(ov, namespace, nsLabels, cluster) {
  const policies = ov.all("NetworkPolicy");
  const ns = { namespace, namespaceLabels: { "kubernetes.io/metadata.name": namespace, ...nsLabels } };
  let ip = 1;
  const pods = [];
  for (const d of ov.all("Deployment")) {
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const ports = (d.spec?.template?.spec?.containers ?? []).flatMap((c) =>
      (c.ports ?? []).map((p) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? "TCP" })),
    );
    pods.push({ name: d.metadata.name, ...ns, labels, ports, ip: `10.244.0.${ip++}` });
  }
  if (cluster) {
    pods.push({
      name: `${cluster.metadata.name} (PostgreSQL)`,
      db: true,
      ...ns,
      labels: { "cnpg.io/cluster": cluster.metadata.name, "cnpg.io/podRole": "instance" },
      ports: [
        { name: "postgresql", port: 5432, protocol: "TCP" },
        { name: "status", port: 8000, protocol: "TCP" },
        { name: "metrics", port: 9187, protocol: "TCP" },
      ],
      ip: `10.244.0.${ip++}`,
    });
  }
  const newcomer = { name: "a new pod of the namespace", ...ns, labels: { app: "other" }, ports: [{ name: "http", port: 8080, protocol: "TCP" }], ip: `10.244.0.${ip++}` };
  pods.push(newcomer);
  const external = Object.fromEntries(
    Object.entries(EXTERNAL).map(([k, e]) => [k, { ...e, namespaceLabels: e.namespace ? { "kubernetes.io/metadata.name": e.namespace } : undefined }]),
  );
  const byName = Object.fromEntries(pods.map((p) => [p.name, p]));
  const table = ov.platform.services;
  const db = pods.find((p) => p.db);
  const port = (pod, name) => (pod.ports ?? []).find((x) => x.name === name)?.port;
  // What must be allowed, as [source, destination, port].
  const want = new Set();
  const add = (src, dst, n) => src && dst && n && want.add(`${src.name}|${dst.name}|${n}`);
  add(external.ingress, byName.gateway, port(byName.gateway ?? {}, "grpc"));
  add(external.ingress, byName.gateway, port(byName.gateway ?? {}, "http"));
  for (const pod of pods.filter((p) => p !== newcomer)) add(external.prometheus, pod, port(pod, "metrics"));
  for (const s of table) {
    add(byName.gateway, byName[s.name], s.grpc);
    add(byName[s.name], db, 5432);
    for (const value of Object.values(s.settings)) {
      const callee = /^\{([a-z0-9_]+)\}$/.exec(value)?.[1];
      if (callee && callee !== "run") add(byName[s.name], byName[callee], table.find((t) => t.name === callee)?.grpc);
    }
  }
  add(db, db, 5432);
  add(db, db, 8000);
  add(external.operator, db, 8000);
  add(external.operator, db, 5432);
  const sources = [...pods, ...Object.values(external)];
  for (const dst of pods) {
    for (const { port: n, protocol } of dst.ports) {
      for (const src of sources) {
        const expected = want.has(`${src.name}|${dst.name}|${n}`);
        const got = allowed(policies, namespace, src, dst, n, protocol);
        ov.expect(
          got === expected,
          "NetworkPolicy/*",
          `${src.name} -> ${dst.name}:${n}`,
          expected ? "must be allowed, and the policies refuse it" : "must be refused, and the policies allow it",
        );
      }
    }
  }
  for (const src of pods) {
    ov.expect(allowed(policies, namespace, src, external.dns, 53, "UDP"), "NetworkPolicy/*", `${src.name} -> DNS:53/UDP`, "must be allowed");
    ov.expect(!allowed(policies, namespace, src, external.stranger, 8080), "NetworkPolicy/*", `${src.name} -> ${external.stranger.name}:8080`, "must be refused");
    ov.expect(
      allowed(policies, namespace, src, external.internet, 443) === Boolean(src.db),
      "NetworkPolicy/*",
      `${src.name} -> ${external.internet.name}:443`,
      src.db ? "must be allowed (backups to object storage)" : "must be refused",
    );
    ov.expect(!allowed(policies, namespace, src, external.prometheus, 9090), "NetworkPolicy/*", `${src.name} -> ${external.prometheus.name}:9090`, "must be refused");
  }
}

// 4. PostgreSQL (CloudNativePG).
function checkDatabase(ov, cluster, database) {
  if (!ov.expect(cluster, "Cluster/*", "(postgresql.cnpg.io/v1 Cluster)", "the overlay must have one CloudNativePG Cluster")) return;
  const spec = cluster.spec ?? {};
  ov.expect(spec.instances >= 3, cluster, "spec.instances", "must be at least 3");
  const sync = spec.postgresql?.synchronous;
  ov.expect(sync?.number >= 1, cluster, "spec.postgresql.synchronous.number", "must be at least 1 (a synchronous replica)");
  ov.expect(sync?.dataDurability !== "preferred", cluster, "spec.postgresql.synchronous.dataDurability", "must not be preferred (a commit waits for its replica)");
  ov.expect(spec.enableSuperuserAccess !== true, cluster, "spec.enableSuperuserAccess", "must not be true");
  for (const volume of ["storage", "walStorage"]) {
    const size = spec[volume]?.size;
    if (size !== undefined) ov.expect(QUANTITY.test(String(size)), cluster, `spec.${volume}.size`, `${size} must be a quantity (e.g. 20Gi)`);
  }
  const storeUrl = (path, field) => ov.expect(OBJECT_STORE_URL.test(path), cluster, field, `${path} must be an object store's URL (s3://, gs:// or https://)`);
  const backup = spec.backup?.barmanObjectStore;
  if (ov.expect(backup?.destinationPath, cluster, "spec.backup.barmanObjectStore.destinationPath", "must be set (continuous backup)")) {
    storeUrl(backup.destinationPath, "spec.backup.barmanObjectStore.destinationPath");
    ov.expect(spec.backup.retentionPolicy, cluster, "spec.backup.retentionPolicy", "must be set");
  }
  (spec.externalClusters ?? []).forEach((x, i) => {
    if (x.barmanObjectStore?.destinationPath !== undefined) storeUrl(x.barmanObjectStore.destinationPath, `spec.externalClusters[${i}].barmanObjectStore.destinationPath`);
  });
  for (const b of ov.all("ScheduledBackup")) {
    ov.expect(CNPG_SCHEDULE.test(b.spec?.schedule ?? ""), b, "spec.schedule", `${JSON.stringify(b.spec?.schedule ?? "")} must have six fields, seconds first`);
  }
  const scheduled = ov.all("ScheduledBackup").filter((b) => b.spec?.cluster?.name === cluster.metadata.name);
  ov.expect(scheduled.some((b) => (b.spec.method ?? "barmanObjectStore") === "barmanObjectStore" && b.spec.suspend !== true), cluster, "(ScheduledBackup)", "must have a ScheduledBackup to the object store");
  const initdb = spec.bootstrap?.initdb ?? {};
  const recovery = spec.bootstrap?.recovery;
  if (recovery) {
    // Restored from an archive (docs/OPERATIONS.md): the source must be one,
    // and the cluster must archive under another server name.
    const source = (spec.externalClusters ?? []).find((x) => x.name === recovery.source);
    if (ov.expect(source?.barmanObjectStore, cluster, "spec.bootstrap.recovery.source", "must name an external cluster with a barmanObjectStore")) {
      const from = `${source.barmanObjectStore.destinationPath}|${source.barmanObjectStore.serverName ?? source.name}`;
      const to = `${backup?.destinationPath}|${backup?.serverName ?? cluster.metadata.name}`;
      ov.expect(from !== to, cluster, "spec.backup.barmanObjectStore.serverName", "must differ from the archive the cluster is restored from");
    }
  } else {
    ov.expect(spec.bootstrap?.initdb, cluster, "spec.bootstrap", "must be initdb or recovery");
    ov.expect(initdb.localeCType === "C.UTF-8", cluster, "spec.bootstrap.initdb.localeCType", "must be C.UTF-8, as scripts/lib.sh's clusters (pg_trgm reads Chinese characters as letters)");
  }
  const roles = spec.managed?.roles ?? [];
  const budget = [];
  for (const s of ov.platform.services) {
    const name = `gongkai_${s.name}`;
    const i = roles.findIndex((r) => r.name === name);
    const p = `spec.managed.roles[${i < 0 ? roles.length : i}]`;
    if (!ov.expect(i >= 0, cluster, "spec.managed.roles", `must have the role ${name}`)) continue;
    const r = roles[i];
    ov.expect(r.login === true, cluster, `${p}.login`, "must be true");
    for (const attr of ["superuser", "createdb", "createrole", "replication", "bypassrls"]) {
      ov.expect(r[attr] !== true, cluster, `${p}.${attr}`, "must not be true");
    }
    const others = new Set(roles.map((x) => x.name).filter((x) => x !== name));
    ov.expect((r.inRoles ?? []).every((x) => !x.startsWith("pg_") && !others.has(x)), cluster, `${p}.inRoles`, "must grant no predefined role's and no other managed role's rights");
    ov.expect(r.passwordSecret?.name, cluster, `${p}.passwordSecret.name`, "must name the role's Secret");
    const schema = (database?.spec?.schemas ?? []).find((x) => x.name === s.name);
    ov.expect(schema?.owner === name, database ?? cluster, "spec.schemas", `the schema ${s.name} must be owned by ${name}`);
    // Connections: (HPA maxReplicas + maxSurge) replicas, each with its pools.
    const d = ov.find("Deployment", s.name);
    const h = ov.all("HorizontalPodAutoscaler").find((x) => x.spec?.scaleTargetRef?.name === s.name);
    if (d && h) {
      const env = settingsOf(ov, d.spec.template, mainContainer(d, s.name).c ?? {});
      const perReplica = Number(env.GONGKAI_DB_POOL_SIZE ?? 8) + Number(env.GONGKAI_DB_PUBLIC_POOL_SIZE ?? 4) + EXTRA_CONNECTIONS;
      const surgeSpec = d.spec.strategy?.rollingUpdate?.maxSurge ?? "25%";
      const surge = typeof surgeSpec === "string" ? Math.ceil((parseInt(surgeSpec, 10) / 100) * h.spec.maxReplicas) : surgeSpec;
      const need = (h.spec.maxReplicas + surge) * perReplica;
      budget.push(need);
      ov.expect(r.connectionLimit === undefined || r.connectionLimit === -1 || r.connectionLimit >= need, cluster, `${p}.connectionLimit`, `${r.connectionLimit} is below (${h.spec.maxReplicas} + ${surge}) replicas x ${perReplica} connections = ${need}`);
    }
  }
  const params = spec.postgresql?.parameters ?? {};
  const max = Number(params.max_connections ?? 100);
  const reserved = Number(params.superuser_reserved_connections ?? 3);
  const need = budget.reduce((a, b) => a + b, 0) + CNPG_CONNECTIONS + reserved;
  ov.expect(max >= need, cluster, "spec.postgresql.parameters.max_connections", `${max} is below what the services may open at once and CloudNativePG's own: ${need}`);
  if (ov.expect(database, "Database/*", "(postgresql.cnpg.io/v1 Database)", "the overlay must have the Database of the cluster")) {
    ov.expect(database.spec?.cluster?.name === cluster.metadata.name, database, "spec.cluster.name", `must be ${cluster.metadata.name}`);
    if (spec.bootstrap?.initdb) {
      ov.expect(database.spec?.name === initdb.database, database, "spec.name", `must be the bootstrap's database ${initdb.database}`);
    }
    for (const x of ov.platform.extensions) {
      ov.expect((database.spec?.extensions ?? []).some((e) => e.name === x), database, "spec.extensions", `must have ${x} (a migration creates it; the roles may not)`);
      if (spec.bootstrap?.initdb) {
        ov.expect((initdb.postInitApplicationSQL ?? []).some((q) => new RegExp(`create\\s+extension\\s+(if\\s+not\\s+exists\\s+)?"?${x}\\b`, "i").test(q)), cluster, "spec.bootstrap.initdb.postInitApplicationSQL", `must create ${x} before the services start`);
      }
    }
  }
}

// 5. Monitoring: the rules and dashboards of k8s/monitoring, generated.
function checkMonitoring(ov) {
  const rules = ov.all("PrometheusRule");
  if (ov.expect(rules.length === 1, "PrometheusRule/*", "(PrometheusRule)", "the overlay must have one PrometheusRule")) {
    ov.expect(isDeepStrictEqual(rules[0].spec, ov.platform.rules), rules[0], "spec", "must be k8s/monitoring/rules.yaml as it is (scripts/k8s-render)");
  }
  for (const [file, text] of Object.entries(ov.platform.dashboards)) {
    const cms = ov.all("ConfigMap").filter((c) => c.data?.[file] !== undefined);
    if (!ov.expect(cms.length === 1, `ConfigMap/*`, file, `dashboard ${file} must be in one ConfigMap`)) continue;
    ov.expect(cms[0].metadata.labels?.grafana_dashboard === "1", cms[0], "metadata.labels.grafana_dashboard", 'must be "1"');
    ov.expect(cms[0].data[file] === text, cms[0], `data.${file}`, `must be k8s/monitoring/dashboards/${file} as it is`);
  }
  const cluster = ov.all("Cluster")[0];
  if (cluster) {
    ov.expect(ov.all("PodMonitor").some((m) => selects(m.spec?.selector, { "cnpg.io/cluster": cluster.metadata.name, "cnpg.io/podRole": "instance" })), cluster, "(PodMonitor)", "the database instances must be scraped");
  }
}

// The Secrets and ConfigMaps the objects name: {secrets, configMaps}, each
// a list of [object, field, name].
function references(ov) {
  const secrets = [];
  const configMaps = [];
  for (const o of ov.objects) {
    const kind = o?.kind;
    if (WORKLOADS[kind]) {
      const t = WORKLOADS[kind](o);
      const base = join(TEMPLATE_PATH[kind], "spec");
      (t?.spec?.volumes ?? []).forEach((v, i) => {
        if (v.secret) secrets.push([o, `${base}.volumes[${i}].secret.secretName`, v.secret.secretName]);
        if (v.configMap) configMaps.push([o, `${base}.volumes[${i}].configMap.name`, v.configMap.name]);
        for (const [j, s] of (v.projected?.sources ?? []).entries()) {
          if (s.secret) secrets.push([o, `${base}.volumes[${i}].projected.sources[${j}]`, s.secret.name]);
          if (s.configMap) configMaps.push([o, `${base}.volumes[${i}].projected.sources[${j}]`, s.configMap.name]);
        }
      });
      for (const { c, list, i } of containersOf(t?.spec ?? {})) {
        for (const [j, e] of (c.envFrom ?? []).entries()) {
          if (e.secretRef) secrets.push([o, `${base}.${list}[${i}].envFrom[${j}]`, e.secretRef.name]);
          if (e.configMapRef) configMaps.push([o, `${base}.${list}[${i}].envFrom[${j}]`, e.configMapRef.name]);
        }
        for (const [j, e] of (c.env ?? []).entries()) {
          if (e.valueFrom?.secretKeyRef) secrets.push([o, `${base}.${list}[${i}].env[${j}]`, e.valueFrom.secretKeyRef.name]);
          if (e.valueFrom?.configMapKeyRef) configMaps.push([o, `${base}.${list}[${i}].env[${j}]`, e.valueFrom.configMapKeyRef.name]);
        }
      }
    }
    if (kind === "Ingress") (o.spec?.tls ?? []).forEach((t, i) => secrets.push([o, `spec.tls[${i}].secretName`, t.secretName]));
    if (kind === "Cluster") {
      (o.spec?.managed?.roles ?? []).forEach((r, i) => r.passwordSecret && secrets.push([o, `spec.managed.roles[${i}].passwordSecret.name`, r.passwordSecret.name]));
      const creds = o.spec?.backup?.barmanObjectStore?.s3Credentials ?? {};
      for (const [k, v] of Object.entries(creds)) if (v?.name) secrets.push([o, `spec.backup.barmanObjectStore.s3Credentials.${k}.name`, v.name]);
    }
  }
  return { secrets, configMaps };
}

// 6. Secrets and ConfigMaps the objects name: rendered, or (Secrets, and
// the ConfigMaps of DEPLOY_CONFIGMAPS, made outside the manifests) described
// in docs/OPERATIONS.md.
function checkReferences(ov) {
  const { secrets, configMaps } = references(ov);
  const described = (name) => new RegExp(`\\b${name.replace(/[-.]/g, "\\$&")}\\b`).test(ov.platform.operations);
  for (const [o, field, name] of configMaps) {
    if (DEPLOY_CONFIGMAPS.includes(name)) {
      ov.expect(described(name), o, field, `ConfigMap ${name} is made at deploy and must be described in docs/OPERATIONS.md`);
    } else {
      ov.expect(ov.find("ConfigMap", name), o, field, `ConfigMap ${name} is not rendered`);
    }
  }
  for (const [o, field, name] of secrets) {
    if (ov.find("Secret", name)) continue;
    ov.expect(described(name), o, field, `Secret ${name} is neither rendered nor described in docs/OPERATIONS.md`);
  }
  // Ingress: every host under TLS, every backend a Service port.
  for (const g of ov.all("Ingress")) {
    const tlsHosts = (g.spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
    (g.spec?.rules ?? []).forEach((r, i) => {
      ov.expect(tlsHosts.includes(r.host), g, `spec.rules[${i}].host`, `${r.host} must be under spec.tls`);
      (r.http?.paths ?? []).forEach((x, j) => {
        const svc = ov.find("Service", x.backend?.service?.name);
        const port = x.backend?.service?.port ?? {};
        ov.expect(svc && (svc.spec?.ports ?? []).some((sp) => sp.name === port.name || sp.port === port.number), g, `spec.rules[${i}].http.paths[${j}].backend`, "must be a port of a rendered Service");
      });
    });
  }
}

export function checkOverlay(objects, platform) {
  const ov = new Overlay(objects, platform);
  // The namespace: one, restricted, holding every namespaced object.
  const namespaces = ov.all("Namespace");
  let namespace = "";
  let nsLabels = {};
  if (ov.expect(namespaces.length === 1, "Namespace/*", "(Namespace)", "the overlay must have one Namespace")) {
    namespace = namespaces[0].metadata.name;
    nsLabels = namespaces[0].metadata.labels ?? {};
    ov.expect(nsLabels["pod-security.kubernetes.io/enforce"] === "restricted", namespaces[0], "metadata.labels.pod-security.kubernetes.io/enforce", "must be restricted");
    for (const o of objects) {
      if (o.kind !== "Namespace") ov.expect(o.metadata?.namespace === namespace, o, "metadata.namespace", `must be ${namespace}`);
    }
  }
  for (const o of objects) {
    if (WORKLOADS[o.kind]) checkWorkloadSecurity(ov, o, WORKLOADS[o.kind](o), TEMPLATE_PATH[o.kind]);
  }
  const clusters = ov.all("Cluster");
  const cluster = clusters[0];
  ov.expect(clusters.length <= 1, "Cluster/*", "(Cluster)", "the overlay must have one CloudNativePG Cluster");
  const database = ov.all("Database").find((x) => x.spec?.cluster?.name === cluster?.metadata?.name);
  const images = new Set();
  for (const proc of processes(ov)) {
    const d = ov.find("Deployment", proc.name);
    if (!ov.expect(d, `Deployment/${proc.name}`, "(Deployment)", `process ${proc.name} must have a Deployment`)) continue;
    const { c, i } = mainContainer(d, proc.name);
    if (!ov.expect(c, d, "spec.template.spec.containers", `must have a container named ${proc.name}`)) continue;
    images.add(c.image);
    const env = settingsOf(ov, d.spec.template, c);
    checkProbes(ov, proc, d, c, i, env);
    checkTls(ov, proc, d, c, i, env);
    checkAvailability(ov, proc, d);
    checkSettings(ov, proc, d, cluster, database);
  }
  ov.expect(images.size === 1, "Deployment/*", "spec.template.spec.containers[].image", `every process must run the one image (${[...images].join(", ")})`);
  checkIdentityKeys(ov);
  checkTlsSecrets(ov);
  checkNetwork(ov, namespace, nsLabels, cluster);
  checkDatabase(ov, cluster, database);
  checkMonitoring(ov);
  checkReferences(ov);
  return { failures: ov.failures, checks: ov.checks };
}
