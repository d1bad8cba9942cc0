// Schema validation of rendered objects, offline:
//   - Kubernetes' own kinds with kubernetes-models (the API's OpenAPI schemas
//     of Kubernetes 1.27, compiled for ajv);
//   - the Prometheus Operator's (PodMonitor, PrometheusRule, ...) with
//     @kubernetes-models/prometheus-operator;
//   - CloudNativePG's (postgresql.cnpg.io/v1: Cluster, Database,
//     ScheduledBackup, ...) with @kubernetes-models/cloudnative-pg, the CRDs
//     of CloudNativePG 1.29.0.
// Each checks types, required fields, enums, patterns and bounds. None
// refuses a field its schema does not know (neither the OpenAPI schemas nor
// the CRDs are closed), so a misspelt field passes this check; nor do they
// evaluate the CRDs' CEL rules (x-kubernetes-validations) or CloudNativePG's
// admission webhook. What the deployment relies on beyond them is a rule of
// rules.mjs.
// A kind none of these knows is a failure: nothing goes unvalidated.

const MODULES = {
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
  "postgresql.cnpg.io/v1": "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1",
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

function describe(error) {
  const where = error.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(object)";
  let problem = error.message;
  if (error.keyword === "enum") problem += ` (${error.params.allowedValues.join(", ")})`;
  return { field: where, problem };
}

// The schema failures of one object: [{field, problem}] (empty when valid).
export async function validateObject(o) {
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
