// Schema validation of rendered objects, offline:
//   - Kubernetes' own kinds with kubernetes-models (the API's OpenAPI schemas
//     of Kubernetes 1.27, compiled for ajv);
//   - the Prometheus Operator's (PodMonitor, PrometheusRule, ...) with
//     @kubernetes-models/prometheus-operator;
//   - CloudNativePG's (postgresql.cnpg.io/v1), for which no package carries
//     the schemas, with the schema below: the fields this deployment uses,
//     with the types, enums and patterns of CloudNativePG's CRDs (1.26 and
//     later), unknown fields refused.
// A kind none of these knows is a failure: nothing goes unvalidated.
import Ajv from "ajv";

const MODULES = {
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

function moduleOf(apiVersion) {
  if (MODULES[apiVersion]) return MODULES[apiVersion];
  if (!/^[a-z0-9.]+(\/v[0-9a-z]+)?$/.test(apiVersion)) return null;
  return `kubernetes-models/${apiVersion}`;
}

const models = new Map();
async function modelOf(apiVersion, kind) {
  const key = `${apiVersion} ${kind}`;
  if (!models.has(key)) {
    let model = null;
    const name = moduleOf(apiVersion);
    if (name) {
      try {
        const mod = await import(name);
        model = Object.values(mod).find((m) => typeof m === "function" && m.kind === kind && m.apiVersion === apiVersion) ?? null;
      } catch {
        model = null;
      }
    }
    models.set(key, model);
  }
  return models.get(key);
}

// CloudNativePG.
const str = { type: "string" };
const bool = { type: "boolean" };
const int = { type: "integer" };
const strings = { type: "array", items: str };
const quantity = {
  anyOf: [{ type: "string", pattern: "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$" }, { type: "integer" }],
};
const obj = (properties, required = []) => ({ type: "object", properties, required, additionalProperties: false });
const map = (values) => ({ type: "object", additionalProperties: values });
const localRef = obj({ name: str }, ["name"]);
const keyRef = obj({ name: str, key: str }, ["name", "key"]);
const resources = obj({ requests: map(quantity), limits: map(quantity) });
const labelSelector = obj({
  matchLabels: map(str),
  matchExpressions: {
    type: "array",
    items: obj({ key: str, operator: { enum: ["In", "NotIn", "Exists", "DoesNotExist"] }, values: strings }, ["key", "operator"]),
  },
});
const metadata = {
  type: "object",
  properties: { name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" }, namespace: str, labels: map(str), annotations: map(str) },
  required: ["name"],
};
const clusterSchema = obj(
  {
    apiVersion: { const: "postgresql.cnpg.io/v1" },
    kind: { const: "Cluster" },
    metadata,
    spec: obj(
      {
        description: str,
        instances: { type: "integer", minimum: 1 },
        imageName: str,
        imagePullPolicy: { enum: ["Always", "Never", "IfNotPresent"] },
        primaryUpdateStrategy: { enum: ["unsupervised", "supervised"] },
        primaryUpdateMethod: { enum: ["switchover", "restart"] },
        enableSuperuserAccess: bool,
        postgresql: obj({
          parameters: map(str),
          pg_hba: strings,
          synchronous: obj(
            {
              method: { enum: ["any", "first"] },
              number: { type: "integer", minimum: 1 },
              dataDurability: { enum: ["required", "preferred"] },
              maxStandbyNamesFromCluster: int,
              standbyNamesPre: strings,
              standbyNamesPost: strings,
            },
            ["method", "number"],
          ),
        }),
        bootstrap: obj({
          initdb: obj({
            database: str,
            owner: str,
            secret: localRef,
            encoding: str,
            locale: str,
            localeCollate: str,
            localeCType: str,
            dataChecksums: bool,
            postInitSQL: strings,
            postInitApplicationSQL: strings,
            postInitTemplateSQL: strings,
          }),
          recovery: obj({
            source: str,
            database: str,
            owner: str,
            secret: localRef,
            backup: localRef,
            recoveryTarget: obj({
              targetTime: str,
              targetLSN: str,
              targetName: str,
              targetXID: str,
              targetImmediate: bool,
              targetTLI: str,
              exclusive: bool,
              backupID: str,
            }),
          }),
        }),
        externalClusters: {
          type: "array",
          items: obj({ name: str, barmanObjectStore: { $ref: "#/$defs/barman" }, connectionParameters: map(str) }, ["name"]),
        },
        managed: obj({
          roles: {
            type: "array",
            items: obj(
              {
                name: str,
                comment: str,
                ensure: { enum: ["present", "absent"] },
                login: bool,
                superuser: bool,
                createdb: bool,
                createrole: bool,
                replication: bool,
                bypassrls: bool,
                inherit: bool,
                disablePassword: bool,
                connectionLimit: int,
                validUntil: str,
                inRoles: strings,
                passwordSecret: localRef,
              },
              ["name"],
            ),
          },
        }),
        storage: obj({ size: quantity, storageClass: str, resizeInUseVolumes: bool }),
        walStorage: obj({ size: quantity, storageClass: str, resizeInUseVolumes: bool }),
        resources,
        affinity: obj({
          enablePodAntiAffinity: bool,
          topologyKey: str,
          podAntiAffinityType: { enum: ["preferred", "required"] },
          nodeSelector: map(str),
        }),
        topologySpreadConstraints: {
          type: "array",
          items: obj(
            {
              maxSkew: { type: "integer", minimum: 1 },
              topologyKey: str,
              whenUnsatisfiable: { enum: ["DoNotSchedule", "ScheduleAnyway"] },
              labelSelector,
              matchLabelKeys: strings,
              minDomains: int,
            },
            ["maxSkew", "topologyKey", "whenUnsatisfiable"],
          ),
        },
        backup: obj({
          retentionPolicy: { type: "string", pattern: "^[1-9][0-9]*[dwm]$" },
          target: { enum: ["primary", "prefer-standby"] },
          barmanObjectStore: { $ref: "#/$defs/barman" },
        }),
      },
      ["instances"],
    ),
  },
  ["apiVersion", "kind", "metadata", "spec"],
);
clusterSchema.$defs = {
  barman: obj(
    {
      destinationPath: { type: "string", pattern: "^(s3|gs|https?)://" },
      endpointURL: str,
      endpointCA: keyRef,
      serverName: str,
      s3Credentials: obj({
        accessKeyId: keyRef,
        secretAccessKey: keyRef,
        region: keyRef,
        sessionToken: keyRef,
        inheritFromIAMRole: bool,
      }),
      wal: obj({
        compression: { enum: ["bzip2", "gzip", "lz4", "snappy", "xz", "zstd"] },
        encryption: { enum: ["AES256", "aws:kms"] },
        maxParallel: int,
      }),
      data: obj({
        compression: { enum: ["bzip2", "gzip", "lz4", "snappy"] },
        encryption: { enum: ["AES256", "aws:kms"] },
        jobs: int,
        immediateCheckpoint: bool,
      }),
    },
    ["destinationPath"],
  ),
};
const databaseSchema = obj(
  {
    apiVersion: { const: "postgresql.cnpg.io/v1" },
    kind: { const: "Database" },
    metadata,
    spec: obj(
      {
        cluster: localRef,
        name: str,
        owner: str,
        ensure: { enum: ["present", "absent"] },
        databaseReclaimPolicy: { enum: ["delete", "retain"] },
        allowConnections: bool,
        connectionLimit: int,
        extensions: {
          type: "array",
          items: obj({ name: str, schema: str, version: str, ensure: { enum: ["present", "absent"] } }, ["name"]),
        },
        schemas: {
          type: "array",
          items: obj({ name: str, owner: str, ensure: { enum: ["present", "absent"] } }, ["name"]),
        },
      },
      ["cluster", "name", "owner"],
    ),
  },
  ["apiVersion", "kind", "metadata", "spec"],
);
const scheduledBackupSchema = obj(
  {
    apiVersion: { const: "postgresql.cnpg.io/v1" },
    kind: { const: "ScheduledBackup" },
    metadata,
    spec: obj(
      {
        // Six fields, seconds first.
        schedule: { type: "string", pattern: "^\\S+( \\S+){5}$" },
        cluster: localRef,
        immediate: bool,
        suspend: bool,
        backupOwnerReference: { enum: ["none", "self", "cluster"] },
        method: { enum: ["barmanObjectStore", "volumeSnapshot", "plugin"] },
        target: { enum: ["primary", "prefer-standby"] },
        online: bool,
      },
      ["cluster", "schedule"],
    ),
  },
  ["apiVersion", "kind", "metadata", "spec"],
);

const ajv = new Ajv({ allErrors: true, strict: true });
const CNPG = {
  Cluster: ajv.compile(clusterSchema),
  Database: ajv.compile(databaseSchema),
  ScheduledBackup: ajv.compile(scheduledBackupSchema),
};

function describe(error) {
  const where = error.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(object)";
  let problem = error.message;
  if (error.keyword === "additionalProperties") problem = `unknown field ${error.params.additionalProperty}`;
  if (error.keyword === "enum") problem += ` (${error.params.allowedValues.join(", ")})`;
  return { field: where, problem };
}

// The schema failures of one object: [{field, problem}] (empty when valid).
export async function validateObject(o) {
  if (o?.apiVersion === "postgresql.cnpg.io/v1") {
    const v = CNPG[o.kind];
    if (!v) return [{ field: "kind", problem: `no schema for ${o.apiVersion} ${o.kind}` }];
    return v(o) ? [] : v.errors.map(describe);
  }
  const model = await modelOf(o?.apiVersion, o?.kind);
  if (!model) return [{ field: "kind", problem: `no schema for ${o?.apiVersion} ${o?.kind}` }];
  try {
    new model(structuredClone(o)).validate();
    return [];
  } catch (e) {
    if (Array.isArray(e.errors)) return e.errors.map(describe);
    return [{ field: "(object)", problem: e.message }];
  }
}
