// What the manifests must agree with, read from the repository: the services
// of services/services.table, their gRPC service names, the extensions their
// migrations create, the monitoring rules and dashboards, the calendar files
// and the operations guide.
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";

// services/services.table: [{name, grpc, metrics, settings: {NAME: value}}],
// in table order (as scripts/lib.sh read_services reads it).
export function parseServicesTable(text) {
  const services = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [name, grpc, metrics, ...rest] = line.split(/\s+/);
    if (!/^\d+$/.test(grpc ?? "") || !/^\d+$/.test(metrics ?? "")) {
      throw new Error(`services.table: ${name}: expected name, grpc port, metrics port`);
    }
    const settings = {};
    for (const s of rest) {
      const eq = s.indexOf("=");
      settings[s.slice(0, eq)] = s.slice(eq + 1);
    }
    services.push({ name, grpc: Number(grpc), metrics: Number(metrics), settings });
  }
  return services;
}

// The extensions migrations create (CREATE EXTENSION [IF NOT EXISTS] <x>), as
// scripts/db-roles finds them.
export function migrationExtensions(root) {
  const files = [];
  for (const dir of fs.readdirSync(path.join(root, "services"))) {
    const m = path.join(root, "services", dir, "migrations");
    if (fs.existsSync(m)) files.push(...fs.readdirSync(m).filter((f) => f.endsWith(".sql")).map((f) => path.join(m, f)));
  }
  const common = path.join(root, "common", "migrations");
  if (fs.existsSync(common)) {
    files.push(...fs.readdirSync(common).filter((f) => f.endsWith(".sql")).map((f) => path.join(common, f)));
  }
  const names = new Set();
  for (const f of files) {
    const text = fs.readFileSync(f, "utf8").replace(/--.*$/gm, "");
    for (const m of text.matchAll(/create\s+extension\s+(?:if\s+not\s+exists\s+)?"?([a-z0-9_]+)/gi)) {
      names.add(m[1].toLowerCase());
    }
  }
  return [...names].sort();
}

function filesOf(dir, suffix) {
  const out = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort()) {
    out[f] = fs.readFileSync(path.join(dir, f), "utf8");
  }
  return out;
}

export function readPlatform(root) {
  const services = parseServicesTable(fs.readFileSync(path.join(root, "services/services.table"), "utf8"));
  for (const s of services) {
    const proto = path.join(root, "protos/gongkai", s.name, "v1", `${s.name}.proto`);
    const text = fs.existsSync(proto) ? fs.readFileSync(proto, "utf8") : "";
    s.grpcServices = [...text.matchAll(/^service\s+(\w+)/gm)].map((m) => `gongkai.${s.name}.v1.${m[1]}`);
  }
  const operations = path.join(root, "docs/OPERATIONS.md");
  return {
    root,
    services,
    extensions: migrationExtensions(root),
    rules: parse(fs.readFileSync(path.join(root, "k8s/monitoring/rules.yaml"), "utf8")),
    dashboards: filesOf(path.join(root, "k8s/monitoring/dashboards"), ".json"),
    calendar: filesOf(path.join(root, "data/calendar"), ".json"),
    operations: fs.existsSync(operations) ? fs.readFileSync(operations, "utf8") : "",
  };
}
