// 依申请公开台账 in a real browser: the desk signs in with its token, registers
// a request, consults a third party (征求第三方意见, which stops the reply
// clock) and sees the due date move, extends it once (延期, after which the
// form no longer offers an extension and says why), replies (first without an
// element its outcome needs, and sees the refusal), reads the request's
// history and its deadline day by day with each day's reason in Chinese,
// reads a corrected request's deadline (the days before the correction do not
// count), handles a public consultation, and downloads the annual report's
// CSV. Every expectation is read from the API itself: the platform's "today"
// may be pinned.
//
// GONGKAI_HTTP_URL, GONGKAI_SCREENSHOTS, GONGKAI_DESK_TOKEN (a desk whose
// agency is registered).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { baseUrl, env, open, openBrowser, print, screenshot, textOf } from "./browser.mjs";

const token = env("GONGKAI_DESK_TOKEN");
const SERVICE = "gongkai.requests.v1.RequestsService";
// Unique per run: the demo keeps what earlier runs registered.
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

// The API as the desk, from Node: the answer's status and JSON.
async function raw(method, body) {
  const response = await fetch(`${baseUrl()}/${SERVICE}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function api(method, body) {
  const { status, body: answer } = await raw(method, body);
  assert.equal(status, 200, `${method}: ${JSON.stringify(answer)}`);
  return answer;
}

// The services' today, as the desk's open list states it.
async function platformToday() {
  const { asOf } = await api("ListOpenRequests", { pageSize: 1 });
  assert.match(asOf || "", /^\d{4}-\d{2}-\d{2}$/, "ListOpenRequests states its day");
  return asOf;
}

function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function setValue(page, selector, value) {
  await page.$eval(
    selector,
    (node, v) => {
      node.value = v;
      node.dispatchEvent(new Event("input", { bubbles: true }));
      node.dispatchEvent(new Event("change", { bubbles: true }));
    },
    value,
  );
}

async function type(page, selector, text) {
  await page.$eval(selector, (node) => {
    node.value = "";
  });
  await page.type(selector, text);
}

const attr = (page, selector, name) => page.$eval(selector, (node, n) => node.getAttribute(n), name);
const visible = (selector) => `${selector}:not([hidden])`;

// The explained days as the page shows them: date, status, counted, reason.
const shownDays = (page) =>
  page.$$eval("#deadline-days tbody tr", (rows) =>
    rows.map((r) => ({
      date: r.dataset.date,
      status: r.dataset.status,
      counted: r.dataset.counted === "true",
      reason: r.cells[5].textContent,
    })),
  );

// The platform's English notes never reach the page: each day's reason is
// the page's own words, made from the structured fields.
function assertNoEnglishNotes(days, explained) {
  explained.days.forEach((d, i) => {
    if (d.note) assert.ok(!days[i].reason.includes(d.note), `${d.date}: "${days[i].reason}" shows the note "${d.note}"`);
    assert.doesNotMatch(days[i].reason, /\b(the|due|before|counted|request|consultation)\b/, `${d.date}: ${days[i].reason}`);
  });
}

const extensionOption = '#step-form select[name="type"] option[value="EXTENSION"]';

const today = await platformToday();
const receivedOn = addDays(today, -14); // well inside the 20 WD, so that a consultation moves the due date
const consultedFrom = addDays(receivedOn, 1);

const { browser, page, close } = await openBrowser();
const downloads = mkdtempSync(path.join(tmpdir(), "desk-csv-"));
try {
  // 1. Sign in with the token: the open requests show, as the API lists them.
  const firstPaintMs = await open(page, "/desk.html");
  print("paint", { firstPaintMs });
  await page.waitForSelector(visible("#signin"));
  await page.type('#signin-form input[name="token"]', token);
  await page.click('#signin-form button[type="submit"]');
  await page.waitForSelector(visible("#desk"));
  await page.waitForSelector("#report-csv:not([hidden])");
  const listed = await api("ListOpenRequests", { pageSize: 50 });
  const shownIds = await page.$$eval("#open-requests tbody tr", (rows) => rows.map((r) => r.dataset.requestId));
  assert.deepEqual(
    shownIds,
    (listed.requests || []).map((r) => r.requestId),
    "the open requests, soonest due first",
  );
  for (const r of listed.requests || []) {
    const row = `#open-requests tr[data-request-id="${r.requestId}"]`;
    assert.equal(await attr(page, row, "data-due-date"), r.due || "");
    assert.equal(await attr(page, row, "data-desk-state"), r.deskState);
  }
  assert.equal(await page.evaluate(() => sessionStorage.getItem("gongkai.desk.token")), token);
  await screenshot(page, "desk-1-signed-in");
  print("signed_in", { openRequests: shownIds.length, today });

  // 2. Register a request through the form: it is listed with the API's due date.
  await page.select('#register-form select[name="channel"]', "REGISTERED_MAIL");
  const t0Rule = await textOf(page, "#t0-rule");
  assert.match(t0Rule, /签收之日/, "the channel's T0 rule is shown");
  await setValue(page, '#register-form input[name="receivedOn"]', receivedOn);
  const rule = await api("ExplainDeadline", { rule: "request_reply", clockStart: receivedOn });
  await page.waitForSelector(`#due-preview[data-due-date="${rule.due}"]`);
  await page.select('#register-form select[name="kind"]', "NATURAL_PERSON");
  await type(page, '#register-form input[name="name"]', `页面测试${run}`);
  await type(page, '#register-form input[name="email"]', `desk-${run}@example.cn`);
  await type(page, '#register-form textarea[name="informationRequested"]', `申请公开本局2026年食品抽检计划（测试 ${run}）。`);
  await page.select('#register-form select[name="delivery"]', "DELIVERY_EMAIL");
  await page.click('#register-form button[type="submit"]');
  await page.waitForSelector("#register-result[data-request-id]:not([hidden])");
  const requestId = await attr(page, "#register-result", "data-request-id");
  const registered = await api("GetRequest", { requestId });
  assert.equal(registered.receivedOn, receivedOn);
  assert.equal(registered.applicant.name, `页面测试${run}`);
  assert.equal(registered.due, rule.due, "no step yet: the rule's due date");
  const row = `#open-requests tr[data-request-id="${requestId}"]`;
  await page.waitForSelector(row);
  assert.equal(await attr(page, row, "data-due-date"), registered.due);
  assert.equal(await attr(page, "#register-result", "data-due-date"), registered.due);
  await page.waitForSelector(`#detail[data-request-id="${requestId}"]:not([hidden])`);
  // A fresh open request may be extended: the form offers it, with no refusal.
  assert.equal(registered.extensionRefusal, undefined, "the API refuses no extension");
  assert.equal(await page.$eval(extensionOption, (o) => o.disabled), false, "延期 is offered");
  assert.ok(!(await page.$(visible("#extension-refusal"))), "no refusal shown");
  await screenshot(page, "desk-2-registered");
  print("registered", { requestId, receivedOn, dueDate: registered.due, deskState: registered.deskState });

  // 3. Consult a third party (征求第三方意见): the days it takes are not
  // counted, so the due date moves later.
  const before = await attr(page, row, "data-due-date");
  await page.select('#step-form select[name="type"]', "CONSULTATION_STARTED");
  await setValue(page, '#step-form input[name="date"]', consultedFrom);
  await type(page, '#step-form input[name="consultationId"]', `ZQ-${run}`);
  await type(page, '#step-form input[name="consultedParty"]', "太原某食品有限公司（第三方）");
  await page.click('#step-form button[type="submit"]');
  await page.waitForSelector("#step-result[data-after]:not([hidden])");
  await page.waitForFunction(
    (selector, old) => {
      const r = document.querySelector(selector);
      return r && r.dataset.dueDate !== old;
    },
    { timeout: 10000 },
    row,
    before,
  );
  const after = await attr(page, row, "data-due-date");
  const consulted = await api("GetRequest", { requestId });
  assert.notEqual(after, before, "the consultation moved the due date");
  assert.equal(after, consulted.due, "the due date the API gives");
  assert.equal(await attr(page, "#detail-due", "data-due-date"), consulted.due);
  assert.ok(consulted.pausedWorkingDays > 0);
  await page.waitForSelector('#history tr[data-step-type="CONSULTATION_STARTED"]');
  await screenshot(page, "desk-3-consulted");
  print("consulted", { before, after, pausedWorkingDays: consulted.pausedWorkingDays });

  // 3b. Extend it once (延期, Art. 33), today, within the reply period: the
  // limit grows by 20 working days, and the form no longer offers another,
  // saying why in Chinese.
  await page.select('#step-form select[name="type"]', "EXTENSION");
  await setValue(page, '#step-form input[name="date"]', today);
  await setValue(page, '#step-form input[name="extensionWorkingDays"]', "20");
  await type(page, '#step-form input[name="approver"]', "政府信息公开工作机构负责人张某");
  await setValue(page, '#step-form input[name="noticeDate"]', today);
  await page.click('#step-form button[type="submit"]');
  await page.waitForSelector('#history tr[data-step-type="EXTENSION"]');
  const extended = await api("GetRequest", { requestId });
  assert.equal(extended.limitWorkingDays, 40, "extended by 20 working days");
  assert.equal(extended.extensionRefusal, "ALREADY_EXTENDED", "the API refuses a second extension");
  await page.waitForSelector(visible('#extension-refusal[data-refusal="ALREADY_EXTENDED"]'));
  assert.equal(await page.$eval(extensionOption, (o) => o.disabled), true, "延期 can no longer be chosen");
  assert.notEqual(await page.$eval('#step-form select[name="type"]', (s) => s.value), "EXTENSION");
  const extensionRefusal = await textOf(page, "#extension-refusal");
  assert.match(extensionRefusal, /已延期一次/, "the reason, in Chinese");
  assert.ok(!extensionRefusal.includes(extended.extensionRefusalReason), "not the platform's English");
  assert.equal(await attr(page, "#detail-due", "data-due-date"), extended.due);
  await screenshot(page, "desk-3b-extended");
  print("extended", { due: extended.due, limit: extended.limitWorkingDays, refusal: extensionRefusal });

  // 4. Reply, partly disclosed: without how to obtain what is disclosed the
  // platform refuses and names it; complete, the request leaves the open list.
  await page.select('#reply-form select[name="outcome"]', "PARTLY_DISCLOSED");
  const asked = await page.$$eval("#reply-elements [data-element]", (nodes) => nodes.map((n) => n.dataset.element));
  assert.deepEqual(asked, ["howToObtain", "withheldParts", "withheldReason"], "exactly the outcome's elements");
  await type(page, '#reply-form textarea[name="withheldParts"]', "抽检对象中个人的身份信息");
  await type(page, '#reply-form textarea[name="withheldReason"]', "涉及个人隐私，公开会对第三方合法权益造成损害（第十五条）。");
  await setValue(page, '#reply-form input[name="repliedOn"]', today);
  await setValue(page, '#reply-form input[name="deliveredOn"]', today);
  await page.select('#reply-form select[name="deliveredBy"]', "DELIVERY_EMAIL");
  await page.select('#reply-form select[name="feeScheme"]', "PER_PAGE");
  await type(page, '#reply-form input[name="feePages"]', "45");
  const quote = await api("QuoteFee", { scheme: "PER_PAGE", count: 45 });
  await page.waitForSelector(`#fee-quote[data-fee-fen="${quote.feeFen || "0"}"]`);
  await page.click('#reply-form button[type="submit"]');
  await page.waitForSelector(visible("#reply-error"));
  const refusal = await textOf(page, "#reply-error");
  assert.match(refusal, /reply\.how_to_obtain/, "the missing element is named");
  await page.waitForSelector('#reply-form .field-error[data-field="reply.how_to_obtain"]');
  const refusedFields = await page.$$eval("#reply-form .field-error", (nodes) => nodes.map((n) => n.dataset.field));
  assert.deepEqual(refusedFields, ["reply.how_to_obtain"], "nothing else is missing");
  assert.ok(await page.$(row), "still open after the refusal");
  await screenshot(page, "desk-4a-reply-refused");
  print("reply_refused", { violations: refusedFields, message: refusal.split("\n")[0] });

  await type(page, '#reply-form textarea[name="howToObtain"]', "可公开部分已通过电子邮件发送，附件为抽检计划（删除个人信息）。");
  await page.click('#reply-form button[type="submit"]');
  await page.waitForSelector(visible("#reply-result"));
  await page.waitForSelector(`#detail[data-state="REPLIED"]`);
  await page.waitForFunction((selector) => !document.querySelector(selector), { timeout: 10000 }, row);
  const replied = await api("GetRequest", { requestId });
  assert.equal(replied.state, "REPLIED");
  assert.equal(replied.reply.outcome, "PARTLY_DISCLOSED");
  assert.equal(replied.reply.feeFen || "0", quote.feeFen || "0");
  assert.equal(await attr(page, "#reply-fee", "data-fee-fen"), replied.reply.feeFen || "0");
  assert.equal(await attr(page, "#reply-outcome", "data-outcome"), "PARTLY_DISCLOSED");
  assert.ok(!(await page.$(visible("#reply-section"))), "no reply form on a replied request");
  await screenshot(page, "desk-4b-replied");
  print("replied", {
    outcome: replied.reply.outcome,
    state: replied.state,
    feeFen: replied.reply.feeFen || "0",
    standardised: Boolean(replied.standardisedReply),
  });

  // 4c. A corrected request (补正, Art. 30), registered and corrected through
  // the API: the days before the correction do not count, the corrected
  // request restarts the clock; then withdrawn, so it leaves the open list.
  const correctedOn = addDays(today, -7);
  const registeredToCorrect = await api("RegisterRequest", {
    channel: "ONLINE",
    receivedOn: addDays(today, -10),
    applicant: { kind: "NATURAL_PERSON", name: `补正测试${run}`, email: `desk-c-${run}@example.cn` },
    informationRequested: `申请公开本局2026年行政处罚统计（补正测试 ${run}）。`,
    delivery: "DELIVERY_EMAIL",
  });
  const correctedId = registeredToCorrect.requestId;
  await api("RecordStep", {
    requestId: correctedId,
    step: { type: "CORRECTION_NOTICE", date: addDays(today, -9), correctionDue: today },
  });
  await api("RecordStep", { requestId: correctedId, step: { type: "CORRECTED_RECEIVED", date: correctedOn } });
  await type(page, '#lookup-form input[name="requestId"]', correctedId);
  await page.click('#lookup-form button[type="submit"]');
  await page.waitForSelector(`#detail[data-request-id="${correctedId}"]:not([hidden]) #deadline-days`);
  const correctedExplained = await api("ExplainDeadline", { requestId: correctedId });
  const correctedDays = await shownDays(page);
  assert.deepEqual(
    correctedDays.map((d) => d.date),
    correctedExplained.days.map((d) => d.date),
  );
  assertNoEnglishNotes(correctedDays, correctedExplained);
  let beforeCorrection = 0;
  correctedExplained.days.forEach((d, i) => {
    const reason = correctedDays[i].reason;
    const before = d.date > registeredToCorrect.receivedOn && d.date < correctedOn;
    assert.equal(Boolean(d.beforeCorrection), before, `${d.date}: the platform marks the days before the correction`);
    if (before) {
      beforeCorrection += 1;
      assert.ok(reason.includes("补正前，不计入"), `${d.date}: ${reason}`);
      assert.equal(correctedDays[i].counted, false, d.date);
    }
    if (d.date === correctedOn) {
      assert.equal(d.status, "RESTART");
      assert.equal(reason, "收到补正申请，自次日重新起算（第三十条）");
    }
  });
  assert.ok(beforeCorrection >= 2, "the days between receipt and correction are listed");
  await screenshot(page, "desk-4c-corrected");
  await api("RecordStep", { requestId: correctedId, step: { type: "WITHDRAWN", date: today } });
  print("corrected", { requestId: correctedId, beforeCorrection, due: correctedExplained.due });

  // 5. After a reload (the session keeps the sign-in), the request by its
  // number: its full history and its deadline, day by day.
  await open(page, "/desk.html");
  await page.waitForSelector(visible("#desk"));
  await type(page, '#lookup-form input[name="requestId"]', requestId);
  await page.click('#lookup-form button[type="submit"]');
  await page.waitForSelector(`#detail[data-request-id="${requestId}"]:not([hidden]) #deadline-days`);
  const explained = await api("ExplainDeadline", { requestId });
  const history = await page.$$eval("#history tbody tr", (rows) => rows.map((r) => r.dataset.stepType));
  assert.deepEqual(history, replied.history.map((s) => s.type));
  assert.deepEqual(history, ["RECEIVED", "CONSULTATION_STARTED", "EXTENSION", "REPLIED"]);
  const days = await shownDays(page);
  assert.deepEqual(
    days.map(({ date, status, counted }) => ({ date, status, counted })),
    explained.days.map((d) => ({ date: d.date, status: d.status, counted: Boolean(d.counted) })),
    "each day as the platform explains it",
  );
  assert.equal(await attr(page, "#deadline-summary", "data-due-date"), explained.due);
  const paused = days.filter((d) => d.status === "PAUSED").length;
  assert.ok(paused > 0, "the consultation's days are shown as not counted");
  // Each day's reason in Chinese, from the explanation's fields.
  assertNoEnglishNotes(days, explained);
  explained.days.forEach((d, i) => {
    const reason = days[i].reason;
    if (d.status === "CLOCK_START") assert.match(reason, /^收到申请之日，不计入/, d.date);
    if (d.status === "PAUSED") {
      assert.equal(d.consultationId, `ZQ-${run}`, `${d.date}: the platform names the consultation`);
      assert.ok(reason.includes(`征求意见“ZQ-${run}”期间，不计入答复期限`), `${d.date}: ${reason}`);
    }
    if (d.status === "WEEKEND") assert.match(reason, /^周末，不计入/, d.date);
    if (d.status === "WORKING_DAY") assert.match(reason, /^工作日，计入/, d.date);
    assert.equal(reason.includes("答复期限：当日24时届满"), d.date === explained.due, `${d.date}: ${reason}`);
    assert.equal(Boolean(d.dueDay), d.date === explained.due, `${d.date}: the platform marks the due date`);
  });
  assert.ok(days.some((d) => d.status === "WEEKEND"), "at least one weekend in the period");
  await screenshot(page, "desk-5-history-deadline");
  print("history", { steps: history, days: days.length, counted: days.filter((d) => d.counted).length, paused, due: explained.due });

  // 6. The annual report's CSV, built in the browser, downloaded.
  const report = await api("GetAnnualReport", {});
  await page.waitForSelector("#report-csv:not([hidden])");
  const session = await browser.target().createCDPSession();
  await session.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads, eventsEnabled: true });
  const done = new Promise((resolve, reject) => {
    session.on("Browser.downloadProgress", (e) => {
      if (e.state === "completed") resolve();
      if (e.state === "canceled") reject(new Error("the CSV download was cancelled"));
    });
  });
  const fileName = await attr(page, "#report-csv", "download");
  await page.click("#report-csv");
  await done;
  const files = readdirSync(downloads);
  assert.deepEqual(files, [fileName]);
  const csv = readFileSync(path.join(downloads, fileName), "utf8").replace(/^\uFEFF/, "");
  const headerRow = ["", ...report.tables[0].columns].join(",");
  assert.ok(csv.split("\r\n").includes(headerRow), `the CSV has the report's header row: ${headerRow}`);
  assert.equal(csv, report.csv, "the same CSV as the template's");
  const shownTitles = await page.$$eval("#report caption", (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(shownTitles, report.tables.map((t) => t.title));
  await page.$eval("#report-section", (node) => node.scrollIntoView());
  await screenshot(page, "desk-6-report");
  print("report", { year: report.year, bytes: Buffer.byteLength(csv), headerRow, file: fileName });

  // 7. A public consultation (咨询): registered with its clock, answered.
  await setValue(page, '#consultation-form input[name="askedOn"]', today);
  await type(page, '#consultation-form textarea[name="question"]', `食品经营许可证遗失如何补办？（测试 ${run}）`);
  await page.click('#consultation-form button[type="submit"]');
  await page.waitForSelector("#consultation-result[data-consultation-id]:not([hidden])");
  const consultationId = await attr(page, "#consultation-result", "data-consultation-id");
  const crow = `#consultations tr[data-consultation-id="${consultationId}"]`;
  await page.waitForSelector(crow);
  const open5 = (await api("ListOpenConsultations", { pageSize: 100 })).consultations.find(
    (c) => c.consultationId === consultationId,
  );
  const consultationRule = await api("ExplainDeadline", { rule: "consultation", clockStart: today });
  assert.equal(await attr(page, crow, "data-due-date"), open5.due);
  assert.equal(open5.due, consultationRule.due);
  await page.click(`${crow} button`);
  await page.waitForSelector(visible("#answer-form"));
  await setValue(page, '#answer-form input[name="answeredOn"]', today);
  await type(page, '#answer-form textarea[name="answer"]', "请携带身份证明到政务服务中心市场监管窗口申请补办。");
  await page.click('#answer-form button[type="submit"]');
  await page.waitForFunction((selector) => !document.querySelector(selector), { timeout: 10000 }, crow);
  await screenshot(page, "desk-7-consultation");
  print("consultation", { consultationId, askedOn: today, dueDate: open5.due, limit: consultationRule.limit });

  // Sign-out forgets the token.
  await page.click("#signout");
  await page.waitForSelector(visible("#signin"));
  assert.equal(await page.evaluate(() => sessionStorage.getItem("gongkai.desk.token")), null);
  print("signed_out", {});
} finally {
  rmSync(downloads, { recursive: true, force: true });
  await close();
}
