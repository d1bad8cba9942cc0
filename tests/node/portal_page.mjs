// 公示查询 (the portal's home page, /) in a real browser: the public searches
// published penalty decisions by a party's name, pages through them, opens
// one, finds a company's decision and measure by its credit code (and a
// person's by no ID number), then reads the withdrawal notices of the city,
// spot-check results (by domain too), case-file review results (by the
// round's end, by a unit's credit code typed) and special-supervision
// results (by their end, by a problem's domain and unit). Every table and
// detail is compared with what the same public API answers (Connect JSON,
// no token), never with fixed numbers; the companies, domains and units
// searched for are the demo's (data/demo/*.json, as tools/demo_load sends
// them). No personal data shows but what the API published (a natural
// person's name as the API masked it).
//
// GONGKAI_HTTP_URL, GONGKAI_SCREENSHOTS; optional GONGKAI_CITY (the city
// whose records are searched, default 140100) and GONGKAI_PRIVATE (strings
// the records were sent with that must never show, separated by "|": a
// person's name, ID number, phone, address).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { env, open, openBrowser, print, screenshot } from "./browser.mjs";

const base = env("GONGKAI_HTTP_URL");
const city = process.env.GONGKAI_CITY || "140100";
const secrets = (process.env.GONGKAI_PRIVATE || "")
  .split("|")
  .map((s) => s.trim())
  .filter(Boolean);

const PENALTIES = "gongkai.penalties.v1.PenaltiesService/";
const INSPECTIONS = "gongkai.inspections.v1.InspectionsService/";
const SUPERVISION = "gongkai.supervision.v1.SupervisionService/";

// The public API as any client calls it.
async function api(method, request) {
  const response = await fetch(`${base}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", "connect-protocol-version": "1" },
    body: JSON.stringify(request),
  });
  const body = await response.json();
  assert.ok(response.ok, `${method} ${JSON.stringify(request)}: ${JSON.stringify(body)}`);
  return body;
}

const keyOf = (r) => `${r.agencyCreditCode}/${r.sourceId}`;
const partyNumber = (p = {}) => p.creditCode || p.idNumber || "";

// The demo's records of the city as its city sends them (tools/demo_load):
// their source ids carry @year, the loader's year.
const demo = JSON.parse(readFileSync(new URL("../../data/demo/penalties.json", import.meta.url), "utf8"));
const demoCity = demo.cities.find((c) => c.code === city) || { decisions: [], measures: [] };
const withdrawnInDemo = new Set(
  (demo.withdrawals || []).map((w) => `${w.agency_credit_code}/${w.source_id}`),
);
// The demo's spot-check tasks and results, and its supervision records
// (data/demo/inspections.json, supervision.json).
const inspectionsDemo = JSON.parse(readFileSync(new URL("../../data/demo/inspections.json", import.meta.url), "utf8"));
const supervisionDemo = JSON.parse(readFileSync(new URL("../../data/demo/supervision.json", import.meta.url), "utf8"));
// Whether a published record is the demo record `r`.
const isDemo = (record, r) => {
  const pattern = r.source_id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("@year", "\\d{4}");
  return record.agencyCreditCode === r.agency_credit_code && new RegExp(`^${pattern}$`).test(record.sourceId);
};
// A company's decision (or measure) the demo publishes: an organisation
// party with its credit code, neither a minor's case, nor of the MINOR tier,
// nor withdrawn.
const companyRecord = (records) =>
  (records || []).find(
    (r) =>
      r.party.kind === "ORGANIZATION" &&
      r.party.credit_code &&
      !r.party.minor &&
      r.severity !== "MINOR" &&
      !withdrawnInDemo.has(`${r.agency_credit_code}/${r.source_id}`),
  );

// Waits for the search started by `act` (a submit, a kind change, a page
// button) to be shown, and returns the rows.
async function searched(page, act) {
  const before = await page.$eval("#results", (t) => Number(t.dataset.search || 0));
  await act();
  await page.waitForFunction(
    (n) => {
      const t = document.getElementById("results");
      return Number(t.dataset.search || 0) > n && t.dataset.state !== "loading";
    },
    { timeout: 15000 },
    before,
  );
  const failure = await page.$eval("#results", (t) =>
    t.dataset.state === "error" ? document.getElementById("search-error").textContent : "",
  );
  assert.equal(failure, "", "the search was answered");
  return rowsOf(page);
}

function rowsOf(page) {
  return page.$$eval("#results tbody tr[data-key]", (rows) =>
    rows.map((r) => ({
      key: r.dataset.key,
      sourceId: r.dataset.sourceId,
      cells: Object.fromEntries(
        [...r.querySelectorAll("td[data-field]")].map((td) => [td.dataset.field, td.textContent.trim()]),
      ),
      agencies: [...r.querySelectorAll("[data-agency]")].map((n) => n.dataset.agency),
    })),
  );
}

async function setValue(page, name, value) {
  await page.$eval(
    `#search-form [name="${name}"]`,
    (input, v) => {
      input.value = v;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
    value,
  );
}

async function chooseKind(page, kind) {
  return searched(page, () => page.select("#kind", kind));
}

async function submit(page) {
  return searched(page, () => page.click('#search-form button[type="submit"]'));
}

// Searches the records of `kind` (DECISION, MEASURE) by the credit code of
// the demo record `record`: the page shows the API's answer, which holds
// the record, and every row is of that party.
async function searchByCreditCode(page, kind, record) {
  const code = record.party.credit_code;
  await setValue(page, "creditCode", code);
  const rows = await submit(page);
  const expected =
    (await api(PENALTIES + "ListPublished", { kind, partyCreditCode: code, pageSize: 5 })).records || [];
  assert.ok(
    expected.some((r) => isDemo(r, record)),
    `the API finds ${record.source_id} by ${code}`,
  );
  assert.deepEqual(
    rows.map((r) => r.key),
    expected.map(keyOf),
    `the ${kind} records by credit code`,
  );
  rows.forEach((row) => assert.equal(row.cells.partyNumber, code, `${row.key}: the party searched for`));
  return { rows, expected };
}

// Opens the detail of row `index` and returns its fields by name.
async function openDetail(page, index) {
  const key = await page.$eval(`#results tbody tr[data-key]:nth-child(${index + 1})`, (r) => r.dataset.key);
  await page.click(`#results tbody tr[data-key]:nth-child(${index + 1})`);
  await page.waitForFunction(
    (k) => {
      const d = document.getElementById("detail");
      return d.dataset.key === k && (d.dataset.state === "done" || d.dataset.state === "error");
    },
    { timeout: 15000 },
    key,
  );
  const failure = await page.$eval("#detail", (d) => (d.dataset.state === "error" ? d.textContent : ""));
  assert.equal(failure, "", "the detail was answered");
  const fields = await page.$$eval("#detail dd[data-field]", (dds) =>
    dds.map((dd) => [dd.dataset.field, dd.textContent.trim()]),
  );
  return { key, fields: Object.fromEntries(fields) };
}

// Nothing on the page but what the API published: none of the strings the
// records were sent with, and no unmasked ID number or mobile number.
async function assertNothingPrivate(page, where) {
  const text = await page.$eval("main", (m) => m.innerText);
  assert.ok(!text.includes("[object") && !text.includes("undefined"), `${where}: only text is shown`);
  for (const secret of secrets) assert.ok(!text.includes(secret), `${where}: "${secret}" is not shown`);
  assert.doesNotMatch(
    text,
    /(?<![0-9A-Za-z])[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/,
    `${where}: no full ID number`,
  );
  assert.doesNotMatch(text, /(?<!\d)1[3-9]\d{9}(?!\d)/, `${where}: no mobile number`);
}

// A natural person shows as the API masked them (surname + 某某, ID with *).
function assertMaskedPerson(row, party, where) {
  assert.equal(row.cells.party, party.name, `${where}: the name as published`);
  assert.match(party.name, /某/, `${where}: the API masked the name`);
  if (party.idNumber) assert.match(row.cells.partyNumber, /\*/, `${where}: the ID number masked`);
}

const { page, close } = await openBrowser();
try {
  // The home page, with the latest decisions.
  const paint = await open(page, "/");
  await page.waitForSelector('#results[data-state="done"]', { timeout: 15000 });
  assert.equal(await page.$eval("#kind", (s) => s.value), "decisions");
  await screenshot(page, "portal-1-home");
  print("paint", { firstPaintMs: paint });
  assert.ok(paint > 0 && paint < 1000, `first paint ${paint} ms`);

  // 1. Decisions of the city by a party's published name: a natural
  // person's when there is one (searched by the masked name, as published).
  const all =
    (await api(PENALTIES + "ListPublished", { kind: "DECISION", cityCode: city, pageSize: 50 })).records || [];
  assert.ok(all.length > 0, `published decisions of ${city}`);
  const chosen = all.find((r) => r.decision.party.kind === "NATURAL_PERSON") || all[0];
  const term = chosen.decision.party.name;
  await page.select("#city", city);
  await setValue(page, "partyName", term);
  await page.select("#page-size", "5");
  const rows = await submit(page);
  const expected =
    (await api(PENALTIES + "ListPublished", { kind: "DECISION", cityCode: city, partyName: term, pageSize: 5 }))
      .records || [];
  assert.deepEqual(
    rows.map((r) => r.key),
    expected.map(keyOf),
    "the rows are the API's answer, in its order",
  );
  let persons = 0;
  rows.forEach((row, i) => {
    const d = expected[i].decision;
    assert.equal(row.cells.number, d.decisionNumber);
    assert.equal(row.cells.party, d.party.name);
    assert.equal(row.cells.partyNumber, partyNumber(d.party));
    assert.equal(row.cells.date, d.decisionDate);
    assert.equal(row.agencies[0], expected[i].agencyCreditCode);
    if (d.party.kind === "NATURAL_PERSON") {
      assertMaskedPerson(row, d.party, `decision ${row.key}`);
      persons++;
    }
  });
  assert.ok(
    rows.some((r) => r.key === keyOf(chosen)),
    "the searched decision is found",
  );
  await assertNothingPrivate(page, "search");
  await screenshot(page, "portal-2-search-decisions");
  print("search", { rows: rows.length, term, naturalPersons: persons, keys: rows.map((r) => r.key) });

  // 2. Its detail: GetPublished's answer.
  const index = rows.findIndex((r) => r.key === keyOf(chosen));
  const shown = await openDetail(page, index);
  const record = await api(PENALTIES + "GetPublished", {
    kind: "DECISION",
    agencyCreditCode: chosen.agencyCreditCode,
    sourceId: chosen.sourceId,
  });
  const d = record.decision;
  assert.equal(shown.key, keyOf(record));
  assert.equal(shown.fields.number, d.decisionNumber);
  assert.equal(shown.fields.party, d.party.name);
  assert.equal(shown.fields.partyNumber || "", partyNumber(d.party));
  assert.equal(shown.fields.facts, d.facts);
  assert.equal(shown.fields.date, d.decisionDate);
  assert.equal(shown.fields.publishedOn, record.publishedOn);
  assert.ok(!("address" in d.party) && !("phone" in d.party), "the API publishes no address or phone");
  await assertNothingPrivate(page, "detail");
  await screenshot(page, "portal-3-detail");
  print("detail", {
    key: shown.key,
    decisionNumber: shown.fields.number,
    party: shown.fields.party,
    partyKind: d.party.kind,
  });

  // 3. Paging, 5 a page: the narrowest of these searches that has a second page.
  let query = null;
  let first = null;
  for (const candidate of [{ cityCode: city, partyName: term }, { cityCode: city }, {}]) {
    const answer = await api(PENALTIES + "ListPublished", { kind: "DECISION", ...candidate, pageSize: 5 });
    if (answer.nextPageToken) {
      query = candidate;
      first = answer;
      break;
    }
  }
  assert.ok(query, "some search of published decisions has more than 5 results");
  await page.select("#city", query.cityCode || "");
  await setValue(page, "partyName", query.partyName || "");
  const page1 = await submit(page);
  assert.deepEqual(
    page1.map((r) => r.key),
    first.records.map(keyOf),
    "page 1",
  );
  const second = await api(PENALTIES + "ListPublished", {
    kind: "DECISION",
    ...query,
    pageSize: 5,
    pageToken: first.nextPageToken,
  });
  const page2 = await searched(page, () => page.click("#next-page"));
  assert.deepEqual(
    page2.map((r) => r.key),
    second.records.map(keyOf),
    "page 2",
  );
  assert.equal(await page.$eval("#prev-page", (b) => b.disabled), false);
  assert.equal(await page.$eval("#next-page", (b) => b.disabled), !second.nextPageToken);
  await screenshot(page, "portal-4-page-2");
  const back = await searched(page, () => page.click("#prev-page"));
  assert.deepEqual(
    back.map((r) => r.key),
    first.records.map(keyOf),
    "back on page 1",
  );
  print("paged", {
    query,
    page1: page1.length,
    page2: page2.length,
    back: back.length,
    morePages: Boolean(second.nextPageToken),
  });

  // 4. A company's decision by its credit code, province-wide: the demo's,
  // as the API finds it; then a company's coercive measure the same way.
  const demoCompany = companyRecord(demoCity.decisions);
  assert.ok(demoCompany, `a company's published decision in the demo data of ${city}`);
  const companyCode = demoCompany.party.credit_code;
  await page.select("#city", "");
  await setValue(page, "partyName", "");
  const { rows: decisionsByCode, expected: expectedDecisions } = await searchByCreditCode(
    page,
    "DECISION",
    demoCompany,
  );
  const companyShown = await openDetail(
    page,
    expectedDecisions.findIndex((r) => isDemo(r, demoCompany)),
  );
  assert.equal(companyShown.fields.party, demoCompany.party.name);
  assert.equal(companyShown.fields.partyNumber, companyCode);
  await assertNothingPrivate(page, "decisions by credit code");
  await screenshot(page, "portal-5-credit-code");

  const companyMeasure = companyRecord(demoCity.measures);
  let measuresByCode = [];
  if (companyMeasure) {
    await chooseKind(page, "measures");
    measuresByCode = (await searchByCreditCode(page, "MEASURE", companyMeasure)).rows;
    await chooseKind(page, "decisions");
  }

  // A natural person's ID number is never published and is no credit code:
  // the search finds nothing (the API names the field, or finds no record).
  const person = demoCity.decisions.find((r) => r.party.kind === "NATURAL_PERSON" && r.party.id_number);
  let personSearch = "";
  if (person) {
    await setValue(page, "creditCode", person.party.id_number);
    const before = await page.$eval("#results", (t) => Number(t.dataset.search || 0));
    await page.click('#search-form button[type="submit"]');
    await page.waitForFunction(
      (n) => {
        const t = document.getElementById("results");
        return Number(t.dataset.search || 0) > n && t.dataset.state !== "loading";
      },
      { timeout: 15000 },
      before,
    );
    personSearch = await page.$eval("#results", (t) => t.dataset.state);
    assert.deepEqual(await rowsOf(page), [], "no record is found by a person's ID number");
    if (personSearch === "error") {
      const error = await page.$eval("#search-error", (e) => e.textContent);
      assert.match(error, /party_credit_code/, "the violation names the field");
    }
    await assertNothingPrivate(page, "search by an ID number");
  }
  await setValue(page, "creditCode", "");
  print("credit_code", {
    code: companyCode,
    rows: decisionsByCode.length,
    key: companyShown.key,
    measures: measuresByCode.length,
    personSearch,
  });

  // 5. Withdrawal notices of the city: ListPublished's, newest withdrawal
  // first; then those of the day of the newest.
  const notices =
    (await api(PENALTIES + "ListPublished", { kind: "DECISION", withdrawn: true, cityCode: city, pageSize: 10 }))
      .records || [];
  assert.ok(notices.length > 0, `a withdrawal notice of ${city}`);
  assert.ok(
    notices.every((n) => n.withdrawn && n.cityCode === city && !n.decision),
    "notices of the city, without the decisions",
  );
  await chooseKind(page, "withdrawals");
  await page.select("#city", city);
  await page.select("#page-size", "10");
  const withdrawn = await submit(page);
  assert.deepEqual(
    withdrawn.map((r) => r.key),
    notices.map(keyOf),
    "the notices the API published",
  );
  withdrawn.forEach((row, i) => {
    assert.equal(row.cells.explanation, notices[i].withdrawalExplanation);
    assert.equal(row.cells.date, notices[i].withdrawnOn);
  });
  const notice = await openDetail(page, 0);
  const published = await api(PENALTIES + "GetPublished", {
    kind: "DECISION",
    agencyCreditCode: notices[0].agencyCreditCode,
    sourceId: notices[0].sourceId,
  });
  assert.equal(published.withdrawn, true);
  assert.equal(notice.fields.explanation, published.withdrawalExplanation);
  assert.equal(notice.fields.withdrawnOn, published.withdrawnOn);
  assert.equal(notice.key, keyOf(notices[0]));
  const day = notices[0].withdrawnOn;
  await setValue(page, "dateFrom", day);
  await setValue(page, "dateTo", day);
  const ofTheDay = await submit(page);
  const expectedOfTheDay =
    (
      await api(PENALTIES + "ListPublished", {
        kind: "DECISION",
        withdrawn: true,
        cityCode: city,
        dateFrom: day,
        dateTo: day,
        pageSize: 10,
      })
    ).records || [];
  assert.ok(expectedOfTheDay.length > 0, `notices withdrawn on ${day}`);
  assert.deepEqual(
    ofTheDay.map((r) => r.key),
    expectedOfTheDay.map(keyOf),
    "the notices of the day",
  );
  await setValue(page, "dateFrom", "");
  await setValue(page, "dateTo", "");
  await assertNothingPrivate(page, "withdrawals");
  await screenshot(page, "portal-6-withdrawals");
  print("withdrawals", {
    rows: withdrawn.length,
    ofTheDay: ofTheDay.length,
    key: notice.key,
    reason: published.withdrawalReason,
  });

  // 6. Spot-check results: the city's, then one object's by its credit code.
  await chooseKind(page, "inspections");
  await page.select("#city", city);
  await setValue(page, "creditCode", "");
  await setValue(page, "objectName", "");
  const results = await submit(page);
  const cityResults = (await api(INSPECTIONS + "SearchResults", { cityCode: city, pageSize: 10 })).results || [];
  assert.ok(cityResults.length > 0, `spot-check results of ${city}`);
  assert.deepEqual(
    results.map((r) => r.key),
    cityResults.map(keyOf),
    "the city's results",
  );
  results.forEach((row, i) => {
    const o = cityResults[i].object;
    assert.equal(row.cells.party, o.name);
    assert.equal(row.cells.date, cityResults[i].checkedOn);
    if (o.kind === "NATURAL_PERSON") assertMaskedPerson(row, o, `result ${row.key}`);
  });
  const company = cityResults.find((r) => r.object.creditCode);
  let byCode = [];
  if (company) {
    await page.select("#city", "");
    await setValue(page, "creditCode", company.object.creditCode);
    byCode = await submit(page);
    const expectedByCode =
      (await api(INSPECTIONS + "SearchResults", { creditCode: company.object.creditCode, pageSize: 10 })).results || [];
    assert.deepEqual(
      byCode.map((r) => r.key),
      expectedByCode.map(keyOf),
      "the results by credit code",
    );
    assert.ok(byCode.every((r) => r.cells.partyNumber === company.object.creditCode));
    const result = await openDetail(page, 0);
    assert.equal(result.fields.partyNumber, company.object.creditCode);
    assert.equal(result.fields.date, expectedByCode[0].checkedOn);
    await setValue(page, "creditCode", "");
  }
  // By domain: that of the task of the city's demo results, as the API
  // finds them; a domain no demo task has shows no row.
  const demoTasks = inspectionsDemo.cities.flatMap((c) => c.tasks || []);
  const inspectionsOfCity = inspectionsDemo.cities.find((c) => c.code === city) || { tasks: [], results: [] };
  const resultTask = (inspectionsOfCity.results || [])[0]?.task_source_id;
  const demoDomain = ((inspectionsOfCity.tasks || []).find((t) => t.source_id === resultTask) || demoTasks[0]).domain;
  await page.select("#city", city);
  await page.select("#domain", demoDomain);
  const ofDomain = await submit(page);
  const expectedOfDomain =
    (await api(INSPECTIONS + "SearchResults", { cityCode: city, domain: demoDomain, pageSize: 10 })).results || [];
  assert.ok(expectedOfDomain.length > 0, `results of ${city} in ${demoDomain}`);
  assert.ok(
    expectedOfDomain.every((r) => r.domain === demoDomain),
    "the API answers results of the domain",
  );
  assert.deepEqual(
    ofDomain.map((r) => r.key),
    expectedOfDomain.map(keyOf),
    "the results of the domain",
  );
  const domainShown = await page.$eval(`#domain option[value="${demoDomain}"]`, (o) => o.textContent);
  ofDomain.forEach((row) => assert.equal(row.cells.domain, domainShown, `${row.key}: the domain searched for`));
  const otherDomain = await page.$eval(
    "#domain",
    (select, used) => [...select.options].map((o) => o.value).find((v) => v && !used.includes(v)),
    [...new Set(demoTasks.map((t) => t.domain))],
  );
  assert.ok(otherDomain, "a domain no demo task has");
  await page.select("#domain", otherDomain);
  const ofOtherDomain = await submit(page);
  assert.deepEqual(
    (await api(INSPECTIONS + "SearchResults", { cityCode: city, domain: otherDomain, pageSize: 10 })).results || [],
    [],
    `the API finds no result in ${otherDomain}`,
  );
  assert.deepEqual(ofOtherDomain, [], `no row in ${otherDomain}`);
  await page.select("#domain", "");
  await assertNothingPrivate(page, "inspections");
  await screenshot(page, "portal-7-inspections");
  print("inspections", {
    rows: results.length,
    creditCode: company ? company.object.creditCode : "",
    byCreditCode: byCode.length,
    domain: demoDomain,
    ofDomain: ofDomain.length,
    otherDomain,
  });

  // 7. Case-file review results of the city's units.
  await chooseKind(page, "reviews");
  await page.select("#city", city);
  const reviews = await submit(page);
  const expectedReviews = (await api(SUPERVISION + "ListReviews", { cityCode: city, pageSize: 10 })).reviews || [];
  assert.ok(expectedReviews.length > 0, `review results of ${city}`);
  assert.deepEqual(
    reviews.map((r) => r.key),
    expectedReviews.map(keyOf),
    "the reviews",
  );
  reviews.forEach((row, i) => {
    assert.equal(row.agencies[0], expectedReviews[i].reviewedUnit);
    assert.equal(row.cells.files, String(expectedReviews[i].filesReviewed));
  });
  const review = await openDetail(page, 0);
  const got = await api(SUPERVISION + "GetReview", {
    agencyCreditCode: expectedReviews[0].agencyCreditCode,
    sourceId: expectedReviews[0].sourceId,
  });
  assert.equal(review.fields.files, String(got.filesReviewed));
  assert.equal(review.fields.round, got.roundSourceId);

  // By the round's end: a range before every round shows no row; the demo's
  // year (every demo round ends in it) shows them all; the day the first
  // review's round ended, the reviews of the rounds ended that day.
  await setValue(page, "dateFrom", "2000-01-01");
  await setValue(page, "dateTo", "2000-12-31");
  assert.deepEqual(await submit(page), [], "no review of a round ended in 2000");
  const year = expectedReviews[0].year;
  await setValue(page, "dateFrom", `${year}-01-01`);
  await setValue(page, "dateTo", `${year}-12-31`);
  assert.deepEqual(
    (await submit(page)).map((r) => r.key),
    reviews.map((r) => r.key),
    `the reviews of rounds ended in ${year}`,
  );
  const rounds =
    (await api(SUPERVISION + "ListRounds", { agencyCreditCode: got.agencyCreditCode, pageSize: 20 })).rounds || [];
  const round = rounds.find((r) => r.sourceId === got.roundSourceId);
  assert.ok(round && round.endedOn, `the round ${got.roundSourceId} and its end`);
  await setValue(page, "dateFrom", round.endedOn);
  await setValue(page, "dateTo", round.endedOn);
  const ofTheRoundsEnd = await submit(page);
  const expectedOfTheRoundsEnd =
    (
      await api(SUPERVISION + "ListReviews", {
        cityCode: city,
        dateFrom: round.endedOn,
        dateTo: round.endedOn,
        pageSize: 10,
      })
    ).reviews || [];
  assert.ok(
    expectedOfTheRoundsEnd.some((r) => keyOf(r) === keyOf(expectedReviews[0])),
    `the API finds ${keyOf(expectedReviews[0])} by its round's end`,
  );
  assert.deepEqual(
    ofTheRoundsEnd.map((r) => r.key),
    expectedOfTheRoundsEnd.map(keyOf),
    `the reviews of rounds ended on ${round.endedOn}`,
  );
  await setValue(page, "dateFrom", "");
  await setValue(page, "dateTo", "");

  // A reviewed unit typed by its credit code, with no city chosen.
  const unit = expectedReviews[0].reviewedUnit;
  await page.select("#city", "");
  await setValue(page, "creditCode", unit);
  const ofTheUnit = await submit(page);
  const expectedOfTheUnit =
    (await api(SUPERVISION + "ListReviews", { reviewedUnit: unit, pageSize: 10 })).reviews || [];
  assert.ok(expectedOfTheUnit.length > 0, `reviews of ${unit}`);
  assert.deepEqual(
    ofTheUnit.map((r) => r.key),
    expectedOfTheUnit.map(keyOf),
    "the reviews of the unit typed",
  );
  ofTheUnit.forEach((row) => assert.equal(row.agencies[0], unit, `${row.key}: the unit typed`));
  await setValue(page, "creditCode", "");
  await page.select("#city", city);
  await assertNothingPrivate(page, "reviews");
  await screenshot(page, "portal-8-reviews");
  print("reviews", {
    rows: reviews.length,
    key: review.key,
    roundEnded: round.endedOn,
    ofTheRoundsEnd: ofTheRoundsEnd.length,
    ofTheUnit: ofTheUnit.length,
  });

  // 8. Special supervision results of the city.
  const supervisions = await chooseKind(page, "supervisions");
  const expectedSupervisions =
    (await api(SUPERVISION + "ListSupervisions", { cityCode: city, pageSize: 10 })).supervisions || [];
  assert.deepEqual(
    supervisions.map((r) => r.key),
    expectedSupervisions.map(keyOf),
    "the supervisions",
  );
  supervisions.forEach((row, i) => assert.equal(row.cells.party, expectedSupervisions[i].topic));
  if (supervisions.length) {
    const shownSupervision = await openDetail(page, 0);
    assert.equal(shownSupervision.fields.party, expectedSupervisions[0].topic);
  }

  // By their end: a range before every supervision shows no row; the day
  // the first ended, those that ended that day.
  let endedThatDay = [];
  if (expectedSupervisions.length) {
    await setValue(page, "dateFrom", "2000-01-01");
    await setValue(page, "dateTo", "2000-12-31");
    assert.deepEqual(await submit(page), [], "no supervision ended in 2000");
    const ended = expectedSupervisions[0].endedOn;
    await setValue(page, "dateFrom", ended);
    await setValue(page, "dateTo", ended);
    endedThatDay = await submit(page);
    const expectedEnded =
      (await api(SUPERVISION + "ListSupervisions", { cityCode: city, dateFrom: ended, dateTo: ended, pageSize: 10 }))
        .supervisions || [];
    assert.ok(
      expectedEnded.some((s) => keyOf(s) === keyOf(expectedSupervisions[0])),
      `the API finds ${keyOf(expectedSupervisions[0])} by its end`,
    );
    assert.deepEqual(
      endedThatDay.map((r) => r.key),
      expectedEnded.map(keyOf),
      `the supervisions ended on ${ended}`,
    );
    endedThatDay.forEach((row) => assert.ok(row.cells.date.endsWith(ended), `${row.key}: ended on ${ended}`));
    await setValue(page, "dateFrom", "");
    await setValue(page, "dateTo", "");
  }

  // By a problem's domain and the unit responsible for it: the demo's first
  // supervision's first problem (data/demo/supervision.json).
  const demoProblem = ((supervisionDemo.cities.find((c) => c.code === city)?.supervisions || [])[0]?.problems || [])[0];
  let ofTheProblem = [];
  if (demoProblem) {
    await page.select("#domain", demoProblem.domain);
    await setValue(page, "creditCode", demoProblem.unit);
    ofTheProblem = await submit(page);
    const expectedOfTheProblem =
      (
        await api(SUPERVISION + "ListSupervisions", {
          cityCode: city,
          domain: demoProblem.domain,
          unit: demoProblem.unit,
          pageSize: 10,
        })
      ).supervisions || [];
    assert.ok(expectedOfTheProblem.length > 0, `supervisions of ${demoProblem.unit} in ${demoProblem.domain}`);
    assert.deepEqual(
      ofTheProblem.map((r) => r.key),
      expectedOfTheProblem.map(keyOf),
      "the supervisions of the problem's domain and unit",
    );
    await page.select("#domain", "");
    await setValue(page, "creditCode", "");
  }
  await assertNothingPrivate(page, "supervisions");
  await screenshot(page, "portal-9-supervisions");
  print("supervisions", {
    rows: supervisions.length,
    endedThatDay: endedThatDay.length,
    ofTheProblem: ofTheProblem.length,
  });
} finally {
  await close();
}
