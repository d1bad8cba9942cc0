// 省级监测看板 in a real browser: the province signs in with its token, and
// every figure the page shows (the four KPIs per city, overdue records by
// kind, the review coverage, the live-inspection pilot and its targets, the
// open leads of the year) equals what the province's API answers, asked here
// from Node in the same Connect JSON form: the overdue records are GetKpis'
// overdue counts, the pilot's targets ListPilotUnits'. A figure opens the
// records behind it; the session survives a reload and ends with sign-out.
// Nothing here depends on the platform's data: the expectations are the
// API's answers.
//
// GONGKAI_HTTP_URL, GONGKAI_SCREENSHOTS, GONGKAI_PROVINCE_TOKEN (the token of
// a province principal).
import assert from "node:assert/strict";

import { baseUrl, env, open, openBrowser, print, screenshot, textOf } from "./browser.mjs";

const token = env("GONGKAI_PROVINCE_TOKEN");
const SUPERVISION = "gongkai.supervision.v1.SupervisionService/";
const INSPECTIONS = "gongkai.inspections.v1.InspectionsService/";
const KPIS = ["coverage", "key_domain_timeliness", "consultation_response_rate", "standardised_reply_rate"];

async function api(method, request) {
  const response = await fetch(`${baseUrl()}/${method}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "connect-protocol-version": "1",
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(request),
  });
  const body = await response.json();
  assert.ok(response.ok, `${method} ${JSON.stringify(request)}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function allPages(method, request, field) {
  const items = [];
  let pageToken = "";
  do {
    const answer = await api(method, { ...request, pageToken });
    items.push(...(answer[field] || []));
    pageToken = answer.nextPageToken || "";
  } while (pageToken);
  return items;
}

const num = (value) => Number(value || 0);
const pct = (ratio) => `${(ratio * 100).toFixed(1)}%`;
const isCity = (code) => /^\d{4}00$/.test(code) && !/0000$/.test(code);
const keyOf = (f) => [f.figure, f.city, f.kpi || "", f.kind || "", f.rule || "", f.quarter || ""].join("|");
const add = (map, key, n = 1) => map.set(key, (map.get(key) || 0) + n);

// What the page must show, by figure key: {value, text, ...other data
// attributes}, from the API's answers for the year the page shows.
async function expectedFigures(year) {
  const expected = new Map();
  const put = (f, value, text, more = {}) => expected.set(keyOf(f), { ...f, value, text, more });

  const kpis = await api(`${SUPERVISION}GetKpis`, { year, maxMisses: 100 });
  for (const scope of [kpis.total, ...(kpis.parts || [])]) {
    const city = scope === kpis.total ? "province" : scope.scope;
    for (const kpi of KPIS) {
      const f = (scope.kpis || []).find((x) => x.kpi === kpi && !x.rule) || {};
      put({ figure: "kpi", city, kpi }, f.ratio ?? 0, pct(f.ratio ?? 0), { due: num(f.due), met: num(f.met) });
    }
  }

  // Overdue: GetKpis' counts of every service (its gongkai_disclosures_overdue)
  // per kind and city, and the year's rectifications past their deadline.
  const overdueByKind = new Map(); // kind -> Map(city -> n)
  for (const c of kpis.overdue || []) {
    if (!overdueByKind.has(c.kind)) overdueByKind.set(c.kind, new Map());
    add(overdueByKind.get(c.kind), c.cityCode, num(c.count));
  }
  for (const [kind, byCity] of overdueByKind) {
    const total = [...byCity.values()].reduce((a, b) => a + b, 0);
    put({ figure: "overdue", city: "province", kind }, total, String(total));
    for (const [city, n] of byCity) put({ figure: "overdue", city, kind }, n, String(n));
  }
  const rectifications = await allPages(
    `${SUPERVISION}ListRectifications`,
    { state: "OVERDUE", pageSize: 200, year },
    "rectifications",
  );
  put({ figure: "overdue", city: "province", kind: "rectification" }, rectifications.length, String(rectifications.length));
  const rectByCity = new Map();
  for (const r of rectifications) add(rectByCity, r.unitCityCode);
  for (const [city, n] of rectByCity) put({ figure: "overdue", city, kind: "rectification" }, n, String(n));

  const coverage = await api(`${SUPERVISION}GetReviewCoverage`, { year });
  for (const f of [{ scope: "province", ...coverage.total }, ...(coverage.cities || [])]) {
    put({ figure: "review", city: f.scope }, f.ratio ?? 0, pct(f.ratio ?? 0), {
      units: f.enforcementUnits ?? 0,
      reviewed: f.reviewedUnits ?? 0,
    });
  }
  for (const q of coverage.quarters || []) {
    const n = q.completedRounds ?? 0;
    put({ figure: "review-rounds", city: "province", quarter: String(q.quarter) }, n, String(n));
  }

  const pilotCities = (kpis.parts || []).map((p) => p.scope).filter(isCity);
  let pilotTargets = null;
  for (const city of ["province", ...pilotCities]) {
    const answer = await api(`${INSPECTIONS}ListPilotUnits`, { year, cityCode: city === "province" ? "" : city, pageSize: 1 });
    put({ figure: "pilot-units", city }, answer.unitCount ?? 0, String(answer.unitCount ?? 0));
    put({ figure: "pilot-sectors", city }, answer.sectorCount ?? 0, String(answer.sectorCount ?? 0));
    if (city === "province") {
      const t = answer.targets || {};
      pilotTargets = { units: String(t.units ?? 0), sectors: String(t.sectors ?? 0), date: t.date || "" };
    }
  }

  // Open leads of the year: new and in handling, by rule and city, and all rules ("").
  const leads = [
    ...(await allPages(`${SUPERVISION}ListLeads`, { state: "LEAD_NEW", pageSize: 200, year }, "leads")),
    ...(await allPages(`${SUPERVISION}ListLeads`, { state: "LEAD_IN_HANDLING", pageSize: 200, year }, "leads")),
  ];
  const open = new Map();
  for (const l of leads) {
    for (const rule of [l.rule, ""]) {
      for (const city of [l.cityCode, "province"]) add(open, keyOf({ figure: "leads", city, rule }));
    }
  }
  for (const [key, n] of open) {
    const [figure, city, , , rule] = key.split("|");
    put({ figure, city, rule }, n, String(n));
  }
  return { expected, kpis, leads, pilotTargets };
}

// Every figure on the page, as its data attributes and shown text (an SVG
// bar's value label, a table cell's or tile's link text).
const figuresOnPage = (page) =>
  page.$$eval("#board [data-figure]:not(#drill)", (nodes) =>
    nodes.map((n) => ({
      ...n.dataset,
      svg: n instanceof SVGElement,
      text: (n.querySelector(".value") || n).textContent.trim(),
    })),
  );

const { page, close } = await openBrowser();
try {
  // Not signed in: the sign-in form, and a wrong token is refused.
  const firstPaintMs = await open(page, "/dashboard.html");
  await page.waitForSelector("#signin-form input", { visible: true });
  await page.type("#signin-form input", "province.not-the-secret");
  await page.click("#signin-form button");
  const refused = await textOf(page, "#signin-error:not([hidden])");
  assert.ok(refused.length > 0, "a wrong token is refused with a reason");
  await screenshot(page, "dashboard-1-sign-in");
  print("signin", { firstPaintMs, refused });

  // Signed in with the province's token: the board.
  const started = Date.now();
  await page.type("#signin-form input", token);
  await page.click("#signin-form button");
  await page.waitForSelector('#board[data-state="loaded"]', { visible: true, timeout: 20000 });
  const loadedMs = Date.now() - started;
  const { year, asOf } = await page.$eval("#board", (n) => ({ year: Number(n.dataset.year), asOf: n.dataset.asOf }));
  await screenshot(page, "dashboard-2-board");

  // Every figure shown equals the API's; every figure the API has is shown.
  const { expected, kpis, pilotTargets } = await expectedFigures(year);
  assert.equal(asOf, kpis.asOf, "the page shows the figures of the day the API answers");
  const shown = await figuresOnPage(page);
  const seen = new Set();
  const zeroByDefault = new Set(["overdue", "leads"]);
  for (const f of shown) {
    const key = keyOf(f);
    let want = expected.get(key);
    if (!want && zeroByDefault.has(f.figure)) want = { value: 0, text: "0", more: {} };
    assert.ok(want, `the page shows ${key}, which the API does not have`);
    assert.equal(Number(f.value), want.value, `${key}: the page shows ${f.value}, the API ${want.value}`);
    for (const [name, value] of Object.entries(want.more)) {
      assert.equal(Number(f[name]), value, `${key} ${name}: the page shows ${f[name]}, the API ${value}`);
    }
    const text = f.svg ? (f.text.match(/^[0-9.%]+/) || [""])[0] : f.text;
    assert.equal(text, want.text, `${key}: the page reads ${f.text}`);
    seen.add(key);
  }
  for (const [key, want] of expected) {
    if (want.value === 0 && zeroByDefault.has(want.figure)) continue;
    assert.ok(seen.has(key), `the API's figure ${key} (${want.value}) is on the page`);
  }
  // The KPIs each as a chart bar and as a table cell, per city.
  const cities = [...new Set(shown.filter((f) => f.figure === "kpi" && f.city !== "province").map((f) => f.city))];
  assert.equal(cities.length, (kpis.parts || []).length, "a KPI row per city of the API's answer");
  for (const [key, want] of expected) {
    if (want.figure !== "kpi") continue;
    const forms = shown.filter((f) => keyOf(f) === key);
    assert.ok(forms.some((f) => f.svg) && forms.some((f) => !f.svg), `${key} is drawn and tabled`);
  }
  print("kpis", { year, asOf, cities: cities.length, figures: shown.length, distinct: seen.size, loadedMs });

  // The overdue records: GetKpis' counts, the province's and, asked for a
  // city, each city's own (its answer's counts are the province's of it).
  const overdueShown = shown.filter((f) => f.figure === "overdue" && f.kind !== "rectification" && !f.svg);
  const overdueCities = [...new Set((kpis.overdue || []).map((c) => c.cityCode))].filter(isCity);
  for (const city of overdueCities) {
    const own = await api(`${SUPERVISION}GetKpis`, { year, cityCode: city });
    for (const c of own.overdue || []) {
      assert.equal(c.cityCode, city, `GetKpis of ${city} counts its own city's records`);
      const cell = overdueShown.find((f) => f.city === city && f.kind === c.kind);
      assert.ok(cell || num(c.count) === 0, `the page shows ${city}'s overdue ${c.kind}`);
      if (cell) assert.equal(Number(cell.value), num(c.count), `${city} ${c.kind}: the page and GetKpis of the city`);
    }
  }
  print("overdue", {
    kinds: [...new Set((kpis.overdue || []).map((c) => c.kind))],
    total: (kpis.overdue || []).reduce((a, c) => a + num(c.count), 0),
    cities: overdueCities.length,
  });

  // The pilot's targets shown are the inspections service's.
  const targetsShown = await page.$eval("#pilot-target-note", (n) => ({ ...n.dataset, text: n.textContent }));
  assert.ok(pilotTargets, "ListPilotUnits states the pilot's targets");
  assert.equal(targetsShown.units, pilotTargets.units, "the pilot's unit target is the API's");
  assert.equal(targetsShown.sectors, pilotTargets.sectors, "the pilot's sector target is the API's");
  assert.equal(targetsShown.date, pilotTargets.date, "the pilot's target date is the API's");
  assert.ok(targetsShown.text.includes(pilotTargets.date), "the note names the target date");
  print("pilot-targets", pilotTargets);

  // A KPI figure opens the records behind it: as many as it misses.
  const kpiCells = shown.filter((f) => f.figure === "kpi" && !f.svg);
  const missing = (f) => Number(f.due) - Number(f.met);
  const pick =
    kpiCells.find((f) => f.city !== "province" && missing(f) > 0 && missing(f) <= 100) ||
    kpiCells.find((f) => missing(f) > 0 && missing(f) <= 100) ||
    kpiCells.find((f) => f.city === "province");
  const selector = `#kpi-table a[data-figure="kpi"][data-kpi="${pick.kpi}"][data-city="${pick.city}"]`;
  await page.click(selector);
  await page.waitForSelector(`#drill[data-state="loaded"][data-kpi="${pick.kpi}"][data-city="${pick.city}"]`, { visible: true });
  const drill = await page.$eval("#drill", (n) => ({
    count: Number(n.dataset.count),
    listed: Number(n.dataset.listed),
    unlisted: Number(n.dataset.unlisted),
    keys: [...n.querySelectorAll("#drill-records tbody tr")].map((tr) => tr.dataset.key),
  }));
  const scope =
    pick.city === "province"
      ? kpis.total
      : (await api(`${SUPERVISION}GetKpis`, { year, cityCode: pick.city, maxMisses: 100 })).total;
  const figure = (scope.kpis || []).find((f) => f.kpi === pick.kpi && !f.rule) || {};
  assert.equal(drill.count, missing(pick), "the drill-down counts the figure's misses");
  assert.equal(drill.keys.length, drill.listed);
  assert.equal(drill.listed + drill.unlisted, missing(pick), "every record behind the figure is listed or counted");
  assert.deepEqual(drill.keys, (figure.misses || []).map((m) => m.key), "the records the API names, in its order");
  await screenshot(page, "dashboard-3-drill-kpi");
  print("drill", {
    figure: "kpi",
    kpi: pick.kpi,
    city: pick.city,
    value: Number(pick.value),
    count: drill.count,
    listed: drill.listed,
    unlisted: drill.unlisted,
  });

  // A count opens as many records as it counts (an open-leads or overdue
  // rectifications figure, else a pilot one), when the platform has one.
  const counted = ["leads", "overdue", "pilot-units"]
    .map((name) =>
      shown.find(
        (f) =>
          f.figure === name &&
          (name !== "overdue" || f.kind === "rectification") &&
          !f.svg &&
          f.city !== "province" &&
          Number(f.value) > 0,
      ),
    )
    .find(Boolean);
  if (counted) {
    const attrs = ["figure", "city", "kind", "rule"]
      .filter((name) => counted[name] !== undefined)
      .map((name) => `[data-${name}="${counted[name]}"]`)
      .join("");
    await page.click(`#board table a${attrs}`);
    await page.waitForSelector(`#drill[data-state="loaded"][data-city="${counted.city}"]`, { visible: true });
    const rows = await page.$$eval("#drill-records tbody tr", (trs) => trs.length);
    const count = await page.$eval("#drill", (n) => Number(n.dataset.count));
    assert.equal(count, Number(counted.value), `${keyOf(counted)}: the drill-down counts the figure`);
    assert.equal(rows, Number(counted.value), `${keyOf(counted)}: the drill-down lists each record`);
    await screenshot(page, "dashboard-4-drill-count");
    const kind = counted.kind || counted.rule || "";
    print("drill-count", { figure: counted.figure, city: counted.city, kind, value: Number(counted.value), rows });
  }

  // A service's overdue count opens the records of the year's figure of its
  // deadline rule that are still open (RecordLink.open), in the API's order:
  // the count is the service's, over every year.
  const RULE_OF_KIND = { request: "request_reply" };
  const overdueCell =
    overdueShown.find((f) => isCity(f.city) && Number(f.value) > 0) ||
    overdueShown.find((f) => f.city === "province" && Number(f.value) > 0);
  if (overdueCell) {
    const { city, kind } = overdueCell;
    await page.click(`#board table a[data-figure="overdue"][data-city="${city}"][data-kind="${kind}"]`);
    await page.waitForSelector(`#drill[data-state="loaded"][data-city="${city}"][data-rule="${kind}"]`, { visible: true });
    const opened = await page.$eval("#drill", (n) => ({
      count: Number(n.dataset.count),
      keys: [...n.querySelectorAll("#drill-records tbody tr")].map((tr) => tr.dataset.key),
    }));
    const scopeTotal =
      city === "province" ? kpis.total : (await api(`${SUPERVISION}GetKpis`, { year, cityCode: city, maxMisses: 100 })).total;
    const rule = RULE_OF_KIND[kind] || kind;
    const figure = (scopeTotal.rules || []).find((f) => f.rule === rule) || {};
    const standing = (figure.misses || []).filter((m) => m.open && (city === "province" || m.cityCode === city));
    assert.equal(opened.count, Number(overdueCell.value), `${keyOf(overdueCell)}: the drill-down counts the figure`);
    assert.deepEqual(opened.keys, standing.map((m) => m.key), `${keyOf(overdueCell)}: the open misses the API names`);
    await screenshot(page, "dashboard-4-drill-overdue");
    print("drill-overdue", { city, kind, value: Number(overdueCell.value), rows: standing.length });
  }

  // The session lasts the tab: a reload shows the board at once.
  const reloadPaintMs = await open(page, "/dashboard.html");
  await page.waitForSelector('#board[data-state="loaded"]', { visible: true, timeout: 20000 });
  print("paint", { firstPaintMs, reloadPaintMs, loadedMs });

  // Sign-out forgets the token.
  await page.click("#signout");
  await page.waitForSelector("#signin-form", { visible: true });
  const stored = await page.evaluate(() => sessionStorage.length);
  assert.equal(stored, 0, "no token left in the tab");
  assert.equal(await page.$eval("#board", (n) => n.hidden), true);
  await screenshot(page, "dashboard-5-signed-out");
  print("signout", { tokenKept: stored > 0 });
} finally {
  await close();
}
