// 公示查询 (the portal's home page, /) in a real browser: the public searches
// published penalty decisions by a party's name, pages through them, opens
// one, then reads withdrawal notices, spot-check results, case-file review
// and special-supervision results. Every table and detail is compared with
// what the same public API answers (Connect JSON, no token), never with
// fixed numbers; no personal data shows but what the API published (a
// natural person's name as the API masked it).
//
// GONGKAI_HTTP_URL, GONGKAI_SCREENSHOTS; optional GONGKAI_CITY (the city
// whose records are searched, default 140100) and GONGKAI_PRIVATE (strings
// the records were sent with that must never show, separated by "|": a
// person's name, ID number, phone, address).
import assert from "node:assert/strict";

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

  // 4. Withdrawal notices of the city: the change feed's WITHDRAWN entries.
  const notices = [];
  for (let after = "0"; ;) {
    const feed = await api(PENALTIES + "ListChanges", { afterSeq: after, limit: 50 });
    if (!feed.changes || feed.changes.length === 0) break;
    for (const change of feed.changes) {
      after = change.seq;
      if (change.type === "WITHDRAWN" && !change.contentRemoved && change.record.cityCode === city)
        notices.push(change.record);
    }
  }
  assert.ok(notices.length > 0, `a withdrawal notice of ${city}`);
  await chooseKind(page, "withdrawals");
  await page.select("#city", city);
  await page.select("#page-size", "10");
  const withdrawn = await submit(page);
  assert.deepEqual(
    withdrawn.map((r) => r.key),
    notices.slice(0, 10).map(keyOf),
    "the notices the feed published",
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
  await assertNothingPrivate(page, "withdrawals");
  await screenshot(page, "portal-5-withdrawals");
  print("withdrawals", { rows: withdrawn.length, key: notice.key, reason: published.withdrawalReason });

  // 5. Spot-check results: the city's, then one object's by its credit code.
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
  await assertNothingPrivate(page, "inspections");
  await screenshot(page, "portal-6-inspections");
  print("inspections", {
    rows: results.length,
    creditCode: company ? company.object.creditCode : "",
    byCreditCode: byCode.length,
  });

  // 6. Case-file review results of the city's units.
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
  await assertNothingPrivate(page, "reviews");
  await screenshot(page, "portal-7-reviews");
  print("reviews", { rows: reviews.length, key: review.key });

  // 7. Special supervision results of the city.
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
  await assertNothingPrivate(page, "supervisions");
  await screenshot(page, "portal-8-supervisions");
  print("supervisions", { rows: supervisions.length });
} finally {
  await close();
}
