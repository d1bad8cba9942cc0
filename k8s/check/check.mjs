// Checks the Kubernetes manifests: every overlay of k8s/overlays renders
// (scripts/k8s-render, `kubectl kustomize`), every rendered object validates
// against its schema (schemas.mjs), and the overlay meets the platform's
// rules (rules.mjs): the security settings of every workload, replicas,
// probes, autoscaling and disruption budgets, agreement with
// services/services.table, who reaches what through the network policies,
// the database cluster, the monitoring objects and the Secrets named.
//
//   node k8s/check/check.mjs                  every overlay
//   node k8s/check/check.mjs staging          one
//   node k8s/check/check.mjs staging=FILE     an overlay already rendered
//
// Prints one line per failure, "FAIL <overlay>: <Kind>/<name>: <field>:
// <problem>", and a summary per overlay; exits 1 on any failure. KUBECTL names
// the kubectl scripts/k8s-render uses.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { readPlatform } from "./platform.mjs";
import { checkOverlay } from "./rules.mjs";
import { validateObject } from "./schemas.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function overlays() {
  return fs
    .readdirSync(path.join(ROOT, "k8s/overlays"))
    .filter((d) => fs.existsSync(path.join(ROOT, "k8s/overlays", d, "kustomization.yaml")))
    .sort();
}

// The rendered text of an overlay; throws with kubectl's message when it
// does not render.
export function render(overlay) {
  const r = spawnSync(path.join(ROOT, "scripts/k8s-render"), [overlay], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`${overlay} does not render (scripts/k8s-render ${overlay}):\n${r.stderr}${r.error ?? ""}`);
  }
  return r.stdout;
}

export function parseObjects(text) {
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
    const o = doc.toJS();
    if (o !== null && o !== undefined) objects.push(o);
  }
  return objects;
}

// Every failure of one rendered overlay: [{object, field, problem}], with the
// number of objects and of rule checks.
export async function checkObjects(objects, platform) {
  const failures = [];
  for (const o of objects) {
    for (const f of await validateObject(o)) failures.push({ object: `${o?.kind}/${o?.metadata?.name}`, ...f });
  }
  const rules = checkOverlay(objects, platform);
  failures.push(...rules.failures);
  return { failures, objects: objects.length, checks: rules.checks };
}

export const format = (overlay, f) => `FAIL ${overlay}: ${f.object}: ${f.field}: ${f.problem}`;

async function main(args) {
  const platform = readPlatform(ROOT);
  const targets = (args.length > 0 ? args : overlays()).map((a) => {
    const eq = a.indexOf("=");
    return eq < 0 ? { overlay: a } : { overlay: a.slice(0, eq), file: a.slice(eq + 1) };
  });
  let failed = 0;
  for (const { overlay, file } of targets) {
    let objects;
    try {
      objects = parseObjects(file ? fs.readFileSync(file, "utf8") : render(overlay));
    } catch (e) {
      console.log(`FAIL ${overlay}: ${e.message}`);
      failed++;
      continue;
    }
    const result = await checkObjects(objects, platform);
    for (const f of result.failures) console.log(format(overlay, f));
    failed += result.failures.length;
    const kinds = {};
    for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    console.log(
      `${overlay}: ${result.objects} objects (${Object.entries(kinds)
        .map(([k, n]) => `${n} ${k}`)
        .join(", ")}) validated against their schemas; ${result.checks} rule checks; ${result.failures.length} failures`,
    );
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
