// The official Connect client for Node calls the gateway's HTTP door
// (tests/e2e/connect_client_e2e_test.cc runs it against a real platform).
//
// It reads the API at run time from the build's descriptor set, so it needs
// no generated code: node connect_client.mjs with GONGKAI_HTTP_URL,
// GONGKAI_PROTOSET, GONGKAI_CITY_TOKEN (a token of city 140100) and
// GONGKAI_CREDIT_CODE (a credit code of that city not yet registered). Each
// step prints one JSON line; any unexpected answer fails with its reason.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { createFileRegistry, fromBinary, toJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(env("GONGKAI_PROTOSET"))));
const service = registry.getService("gongkai.registry.v1.RegistryService");
assert.ok(service, "the descriptor set has the registry service");

// JSON, and GET for the methods marked NO_SIDE_EFFECTS.
const transport = createConnectTransport({
  baseUrl: env("GONGKAI_HTTP_URL"),
  httpVersion: "1.1",
  useBinaryFormat: false,
  useHttpGet: true,
});
const client = createClient(service, transport);
const city = { headers: { authorization: `Bearer ${env("GONGKAI_CITY_TOKEN")}` }, timeoutMs: 10000 };
const creditCode = env("GONGKAI_CREDIT_CODE");
const print = (step, value) => console.log(JSON.stringify({ step, ...value }));
const json = (desc, message) => toJson(desc, message, { registry });

// A city system registers an agency.
const upserted = await client.upsertAgencies(
  {
    agencies: [
      {
        creditCode,
        name: "太原市测试执法局",
        legalRepresentative: "孙某",
        areaCode: "140100",
        contact: "0351-2222222",
        domains: ["market_regulation"],
        validFrom: "2026-01-01",
        validUntil: "2030-12-31",
        sourceVersion: 1n,
      },
    ],
  },
  city,
);
const upsertedJson = json(service.method.upsertAgencies.output, upserted);
assert.equal(upsertedJson.results[0].outcome, "ACCEPTED", JSON.stringify(upsertedJson));
print("upsert", { outcome: upsertedJson.results[0].outcome });

// The public reads it back (a GET: GetAgency has no side effects).
let cacheControl = "";
const agency = await client.getAgency(
  { creditCode },
  { timeoutMs: 10000, onHeader: (headers) => (cacheControl = headers.get("cache-control")) },
);
assert.equal(agency.name, "太原市测试执法局");
// Only an anonymous GET is cacheable by everyone.
assert.equal(cacheControl, "public, max-age=60");
print("get", { name: agency.name, cacheControl });

// The public lists the city's agencies.
const listed = await client.listAgencies({ cityCode: "140100" }, { timeoutMs: 10000 });
assert.ok(listed.agencies.some((a) => a.creditCode === creditCode), "the new agency is listed");
print("list", { count: listed.agencies.length });

// An unknown certificate is UNKNOWN, not an error.
const verified = await client.verifyCertificate({ subject: { case: "certificateNumber", value: "NEVER-ISSUED" } });
print("verify", { verdict: json(service.method.verifyCertificate.output, verified).verdict });

// Errors come back as ConnectError with their code and field violations.
const refused = async (call) => {
  try {
    await call();
  } catch (e) {
    return ConnectError.from(e);
  }
  assert.fail("the call was expected to fail");
};
const empty = await refused(() => client.verifyCertificate({}));
assert.equal(empty.code, Code.InvalidArgument);
const badRequest = registry.getMessage("google.rpc.BadRequest");
const violations = empty.findDetails(badRequest);
assert.equal(violations.length, 1);
print("violation", { code: Code[empty.code], field: violations[0].fieldViolations[0].field });

const anonymous = await refused(() => client.upsertAgencies({ agencies: [] }));
assert.equal(anonymous.code, Code.Unauthenticated);
print("anonymous_write", { code: Code[anonymous.code] });

const forged = await refused(() =>
  client.upsertAgencies({ agencies: [] }, { headers: { authorization: "Bearer city-140100.forged" } }),
);
assert.equal(forged.code, Code.Unauthenticated);
print("forged_token", { code: Code[forged.code] });
