// 依申请公开台账: the public-request desk of one agency. Signs in with the
// desk's token (kept in sessionStorage), lists the open requests soonest due
// first, registers requests and public consultations, records each step,
// sends replies with exactly the elements their outcome needs, explains a
// request's deadline day by day, and gives the annual report's tables with
// their CSV. Everything through the gateway's HTTP/JSON door.
import { ApiError, call, el, explain, formValues, show } from "/api.js";

const SERVICE = "gongkai.requests.v1.RequestsService";
const TOKEN_KEY = "gongkai.desk.token";
const PAGE_SIZE = 50;

// ---------------------------------------------------------------- words

const DESK_STATES = {
  ON_TRACK: ["on_track", "正常"],
  DUE_SOON: ["due_soon", "即将到期"],
  OVERDUE: ["overdue", "已逾期"],
  VERY_OVERDUE: ["very_overdue", "严重逾期"],
  CLOSED: ["closed", "已办结"],
};

const REQUEST_STATES = {
  OPEN: "办理中",
  AWAITING_CORRECTION: "待补正",
  REPLIED: "已答复",
  ABANDONED: "视为放弃",
  WITHDRAWN: "已撤回",
};

// Channel -> [name, the receipt date T0 it gives (Art. 31)].
const CHANNELS = {
  IN_PERSON: ["当面提交", "申请人当面提交的，以提交之日为收到申请之日（第三十一条第一项）。"],
  REGISTERED_MAIL: [
    "邮政挂号信等需签收的邮寄方式",
    "以邮寄方式提交且需签收的，以行政机关签收之日为收到申请之日（第三十一条第二项）。",
  ],
  ORDINARY_LETTER: [
    "平常信函等无需签收的邮寄方式",
    "以平常信函等无需签收的邮寄方式提交的，以政府信息公开工作机构与申请人确认之日为收到申请之日（第三十一条第二项）。",
  ],
  ONLINE: [
    "互联网渠道",
    "通过互联网渠道提交的，以双方确认之日为收到申请之日（第三十一条第三项）。",
  ],
  FAX: [
    "传真",
    "通过政府信息公开工作机构的传真提交的，以双方确认之日为收到申请之日（第三十一条第三项）。",
  ],
};

const DELIVERY = {
  DELIVERY_IN_PERSON: "当面领取",
  DELIVERY_MAIL: "邮寄",
  DELIVERY_EMAIL: "电子邮件",
  DELIVERY_ONLINE: "网上获取",
  DELIVERY_FAX: "传真",
};

// Step type -> [name, the rule the desk must know].
const STEP_TYPES = {
  RECEIVED: ["收到申请", ""],
  CORRECTION_NOTICE: [
    "补正通知",
    "申请内容不明确的，应自收到申请之日起7个工作日内一次性告知补正，并载明补正期限；补正期间答复期限暂停，收到补正后重新起算20个工作日（第三十条）。",
  ],
  CORRECTED_RECEIVED: ["收到补正", "自收到补正申请之日起重新计算20个工作日（第三十条）。"],
  ABANDONED: [
    "视为放弃",
    "申请人无正当理由逾期不补正的，视为放弃申请；平台在补正期限届满时自动办结，此处仅作记录，日期须在补正期限之后（第三十条）。",
  ],
  CONSULTATION_STARTED: [
    "征求意见",
    "征求第三方或其他机关意见（第三十二条、第三十四条）：每次期限15个工作日，所需时间不计入答复期限；逾期未答复的，由本机关依法决定。",
  ],
  CONSULTATION_ANSWERED: ["收到意见", "收到第三方或其他机关的意见，答复期限恢复计算。"],
  EXTENSION: [
    "延期",
    "需要延长答复期限的，应经政府信息公开工作机构负责人同意并告知申请人，只能延长一次，最长不超过20个工作日，且须在答复期限内作出（第三十三条）。",
  ],
  WITHDRAWN: ["申请人撤回", "申请人撤回申请，办结，无需答复。"],
  REVIEW_FILED: ["申请行政复议", "答复后申请人申请行政复议的记录（年度报告表四）。"],
  LAWSUIT_FILED: ["提起行政诉讼", "答复后申请人提起行政诉讼的记录；复议后起诉须先记录行政复议（年度报告表四）。"],
  REVIEW_DECIDED: ["复议决定", "对此前记录的行政复议作出的决定（年度报告表四）。"],
  LAWSUIT_DECIDED: ["诉讼判决", "对此前记录的行政诉讼作出的判决（年度报告表四）。"],
  REPLIED: ["答复", ""],
};

// The steps the desk may record, by the request's state (the platform
// refuses an impossible one with the reason).
const OPEN_STEPS = ["CONSULTATION_STARTED", "CONSULTATION_ANSWERED", "EXTENSION", "CORRECTION_NOTICE", "WITHDRAWN"];
const AWAITING_STEPS = ["CORRECTED_RECEIVED", "ABANDONED", "WITHDRAWN"];
const REPLIED_STEPS = ["REVIEW_FILED", "LAWSUIT_FILED", "REVIEW_DECIDED", "LAWSUIT_DECIDED"];

const LEGAL_OUTCOMES = { UPHELD: "结果维持", CORRECTED: "结果纠正", OTHER: "其他结果" };

// Why the platform would not take an extension dated today
// (RequestView.ExtensionRefusal), in the desk's words.
const EXTENSION_REFUSALS = {
  ALREADY_EXTENDED: "本申请已延期一次，答复期限只能延长一次（第三十三条）。",
  PAST_DUE: "答复期限已届满；延期须在答复期限内决定，现在记录不再延长答复期限（第三十三条）。",
  AWAITING_CORRECTION: "申请待补正，答复期限尚未计算；收到补正后方可延期（第三十条）。",
  REQUEST_CLOSED: "申请已办结（已答复、撤回或视为放弃）。",
  HISTORY_FULL: "本申请的办理记录已达100条上限。",
};

function extensionRefusalText(view) {
  const refusal = view.extensionRefusal;
  return EXTENSION_REFUSALS[refusal] || `平台不接受今日记录延期（${view.extensionRefusalReason || refusal}）。`;
}

const TIMELINESS = {
  ON_TIME: "按时",
  LATE: "逾期完成",
  PENDING: "未到期",
  OVERDUE: "已逾期",
  VERY_OVERDUE: "严重逾期",
};
const TIMELINESS_CLASS = { OVERDUE: "overdue", VERY_OVERDUE: "very_overdue", LATE: "overdue" };

const STEP_CLOCKS = {
  correction_notice: "补正通知（收到申请后7个工作日内）",
  consultation: "征求意见（15个工作日）",
  extension: "延期（答复期限内决定）",
  reply: "答复",
};

// The 表三 sub-rows (ReportReason).
const REPORT_REASONS = {
  STATE_SECRET: "不予公开：属于国家秘密",
  PROHIBITED_BY_LAW: "不予公开：其他法律行政法规禁止公开",
  ENDANGERS_SAFETY_STABILITY: "不予公开：危及“三安全一稳定”",
  THIRD_PARTY_RIGHTS: "不予公开：保护第三方合法权益",
  INTERNAL_AFFAIRS: "不予公开：属于三类内部事务信息",
  PROCESS_INFORMATION: "不予公开：属于四类过程性信息",
  ENFORCEMENT_CASE_FILE: "不予公开：属于行政执法案卷",
  ADMINISTRATIVE_QUERY: "不予公开：属于行政查询事项",
  NOT_HELD_BY_AGENCY: "无法提供：本机关不掌握相关政府信息",
  WOULD_NEED_CREATING: "无法提供：没有现成信息需要另行制作",
  UNCLEAR_AFTER_CORRECTION: "无法提供：补正后申请内容仍不明确",
  PETITION_COMPLAINT_REPORT: "不予处理：信访举报投诉类申请",
  REPEAT_APPLICATION: "不予处理：重复申请",
  PUBLICATION_REQUESTED: "不予处理：要求提供公开出版物",
  EXCESSIVE_REPEATED: "不予处理：无正当理由大量反复申请",
  CONFIRM_OR_REISSUE: "不予处理：要求行政机关确认或重新出具已获取信息",
  NOT_CORRECTED_IN_TIME: "其他处理：申请人无正当理由逾期不补正",
  FEE_NOT_PAID: "其他处理：申请人逾期未按收费通知要求缴纳费用",
  OTHER_HANDLING: "其他处理：其他",
};

// The reply's free-text elements (ReplyContent), by field.
const ELEMENTS = {
  howToObtain: "公开的信息，或获取信息的方式、途径和时间",
  withheldParts: "不予公开的部分",
  withheldReason: "不予公开部分的理由",
  reason: "理由",
  legalBasis: "法律依据",
  holderName: "负责公开该信息的机关名称",
  holderContact: "该机关的联系方式",
  earlierReplyReference: "此前的答复（文号、日期）",
  applicableLaw: "应依照办理的法律、行政法规",
  notHandledReason: "不予处理的理由",
};

// Outcome -> what it needs (ValidateReply; DOMAIN.md "Replies"):
// `needs` the elements required, `may` those optional, `labels` a label of
// an element particular to the outcome, `reasons` its 表三 sub-rows.
const OUTCOMES = {
  ALREADY_PUBLIC: {
    name: "已主动公开",
    rule: "所申请的信息已经主动公开的，告知获取该信息的方式和途径（第三十六条第一项）。",
    needs: ["howToObtain"],
    labels: { howToObtain: "获取该信息的方式和途径" },
    reasons: [],
  },
  DISCLOSED: {
    name: "予以公开",
    rule: "予以公开的，向申请人提供该信息，或者告知获取该信息的方式、途径和时间（第三十六条第二项）。",
    needs: ["howToObtain"],
    reasons: [],
  },
  PARTLY_DISCLOSED: {
    name: "部分公开",
    rule: "能够区分处理的，向申请人提供可以公开的部分，并对不予公开的内容说明理由（第三十七条）。",
    needs: ["howToObtain", "withheldParts", "withheldReason"],
    labels: { howToObtain: "可以公开的部分，或其获取方式" },
    reasons: [],
  },
  NOT_DISCLOSED: {
    name: "不予公开",
    rule: "决定不予公开的，告知申请人不予公开并说明理由和法律依据（第三十六条第三项）。",
    needs: ["reason", "legalBasis"],
    labels: { reason: "不予公开的理由" },
    reasons: [
      "STATE_SECRET",
      "PROHIBITED_BY_LAW",
      "ENDANGERS_SAFETY_STABILITY",
      "THIRD_PARTY_RIGHTS",
      "INTERNAL_AFFAIRS",
      "PROCESS_INFORMATION",
      "ENFORCEMENT_CASE_FILE",
      "ADMINISTRATIVE_QUERY",
    ],
  },
  DOES_NOT_EXIST: {
    name: "信息不存在",
    rule: "经检索没有所申请公开信息的，告知申请人该政府信息不存在（第三十六条第四项）：说明所作的检索。",
    needs: ["reason"],
    labels: { reason: "检索情况（经检索没有所申请的信息）" },
    reasons: ["NOT_HELD_BY_AGENCY", "WOULD_NEED_CREATING", "UNCLEAR_AFTER_CORRECTION"],
  },
  NOT_HELD: {
    name: "非本机关负责公开",
    rule: "所申请的信息不属于本机关负责公开的，告知申请人并说明理由；能够确定负责公开的机关的，告知其名称和联系方式（第三十六条第五项）。无法确定时，不填机关名称，改填理由。",
    needs: ["holderName", "holderContact"],
    may: ["reason"],
    labels: { reason: "无法确定负责公开的机关时的理由" },
    when: {
      holderName: "（能够确定时必填）",
      holderContact: "（填写机关名称时必填）",
      reason: "（不填机关名称时必填）",
    },
    reasons: ["NOT_HELD_BY_AGENCY", "WOULD_NEED_CREATING", "UNCLEAR_AFTER_CORRECTION"],
  },
  REPEAT_REQUEST: {
    name: "重复申请",
    rule: "已就申请人提出的同一信息公开申请作出答复、且所申请信息未发生变化的，告知申请人不予重复处理（第三十六条第六项）：注明此前的答复。",
    needs: ["earlierReplyReference"],
    reasons: ["REPEAT_APPLICATION"],
  },
  SPECIAL_PROCEDURE: {
    name: "按其他法律办理",
    rule: "所申请的信息依照有关法律、行政法规的规定应另行办理的，告知申请人依照有关法律、行政法规的规定办理（第三十六条第七项）。",
    needs: ["applicableLaw"],
    reasons: ["ADMINISTRATIVE_QUERY", "OTHER_HANDLING"],
  },
  NOT_HANDLED: {
    name: "不予处理",
    rule: "以政府信息公开申请形式进行信访、投诉、举报等活动，或者申请数量、频次明显超过合理范围的，不予处理（第三十五条、第三十九条）：说明理由。",
    needs: ["notHandledReason"],
    reasons: ["PETITION_COMPLAINT_REPORT", "PUBLICATION_REQUESTED", "EXCESSIVE_REPEATED", "CONFIRM_OR_REISSUE"],
  },
};

const DAY_STATUSES = {
  CLOCK_START: "起算日",
  WORKING_DAY: "工作日",
  WEEKEND: "周末",
  HOLIDAY: "法定节假日",
  MAKEUP_WORKING_DAY: "调休上班日",
  PAUSED: "征求意见期间",
  RESTART: "重新起算",
  CALENDAR_DAY: "自然日",
};

const WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

const REMEDY_TEMPLATE =
  "申请人对本答复不服的，可以自收到本答复之日起六十日内向本机关的本级人民政府依法申请行政复议，或者自收到本答复之日起六个月内向有管辖权的人民法院依法提起行政诉讼。";

// ---------------------------------------------------------------- state

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem(TOKEN_KEY) || "";
let platformToday = ""; // the platform's today, from ListOpenRequests (asOf)
let agencyCode = "";
let openPages = [""]; // page tokens of the open list: the current page is the last
let consultationPages = [""];
let current = null; // the RequestView shown in #detail
let reportUrl = "";

const api = (method, request, options = {}) => call(`${SERVICE}/${method}`, request, { token, ...options });

// ---------------------------------------------------------------- helpers

// Today in Asia/Shanghai, the platform's time zone, unless the platform
// said otherwise (a platform on a pinned date for tests, say).
function today() {
  if (platformToday) return platformToday;
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

// The platform's today (ListOpenRequests' asOf): the dates the page
// proposes follow it, and none may be later.
function setToday(asOf) {
  if (!asOf || asOf === platformToday) return;
  platformToday = asOf;
  for (const input of document.querySelectorAll('input[type="date"]')) {
    if (input.value && input.value > platformToday) input.value = platformToday;
  }
  showTodayNote();
}

function showTodayNote() {
  $("today-note").textContent = platformToday
    ? `平台业务日期：${platformToday}（平台所告知；各日期不得晚于此日）。`
    : `今日（北京时间）：${today()}。各日期按北京时间填写，不得晚于今日。`;
}

function weekday(date) {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
}

function yuan(fen) {
  const n = Number(fen || 0);
  return n === 0 ? "免费" : `¥${(n / 100).toFixed(2)}`;
}

function deskBadge(state) {
  const [cls, word] = DESK_STATES[state] || ["", state || "—"];
  return el("span", { class: `state ${cls}`, "data-desk-state": state || "" }, word);
}

function setMessage(id, text) {
  const node = $(id);
  node.textContent = text || "";
  node.hidden = !text;
}

function setDate(form, name, value) {
  const input = form.elements[name];
  if (input && !input.value) input.value = value;
}

function options(select, entries, selected) {
  show(
    select,
    entries.map(([value, text]) => el("option", { value, selected: value === selected }, text)),
  );
}

// Clears the field marks of a form, then marks the inputs the server named.
function markViolations(form, error) {
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  if (!(error instanceof ApiError)) return;
  for (const v of error.violations) {
    const name = (v.field || "")
      .split(".")
      .pop()
      .replace(/_([a-z])/g, (_, c) => c.toUpperCase());
    const input = form.elements[name];
    if (!input || !input.closest) continue;
    input.setAttribute("aria-invalid", "true");
    const label = input.closest("label") || input;
    label.after(el("div", { class: "error field-error", "data-field": v.field }, v.description));
  }
}

function trimmed(values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    const s = typeof v === "string" ? v.trim() : v;
    if (s !== "" && s !== undefined) out[k] = s;
  }
  return out;
}

// ---------------------------------------------------------------- sign-in

function signedIn(on) {
  $("signin").hidden = on;
  $("desk").hidden = !on;
}

async function signIn(newToken) {
  token = newToken;
  setMessage("signin-error", "");
  try {
    await loadOpen(""); // proves the token
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    token = "";
    signedIn(false);
    setMessage("signin-error", explain(error));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  signedIn(true);
  showTodayNote();
  prepareForms();
  // The report of the platform's current year (year 0), whatever the browser's clock says.
  await Promise.all([loadConsultations(""), loadReport(0), showRules()]);
  const asked = new URLSearchParams(location.search).get("request");
  if (asked) openRequest(asked);
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  token = "";
  agencyCode = "";
  current = null;
  if (reportUrl) URL.revokeObjectURL(reportUrl);
  reportUrl = "";
  $("detail").hidden = true;
  show($("open-requests").tBodies[0]);
  show($("consultations").tBodies[0]);
  show($("report"));
  $("report-csv").hidden = true;
  $("agency-name").textContent = "—";
  $("signin-form").reset();
  signedIn(false);
}

$("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = formValues(event.target).token.trim();
  if (value) signIn(value);
});
$("signout").addEventListener("click", signOut);

// ---------------------------------------------------------------- open requests

async function loadOpen(pageToken) {
  const answer = await api("ListOpenRequests", { pageSize: PAGE_SIZE, pageToken });
  setToday(answer.asOf);
  const rows = (answer.requests || []).map((r) => {
    const [cls] = DESK_STATES[r.deskState] || [""];
    const awaiting = r.state === "AWAITING_CORRECTION";
    return el(
      "tr",
      { class: cls, "data-request-id": r.requestId, "data-due-date": r.due || "", "data-desk-state": r.deskState || "" },
      el("td", {}, r.receivedOn),
      el("td", {}, r.applicantName),
      el("td", {}, REQUEST_STATES[r.state] || r.state),
      el("td", {}, deskBadge(r.deskState)),
      el(
        "td",
        { class: "due" },
        r.due || "—",
        awaiting ? "（补正期限）" : "",
        r.dueProvisional ? "（暂定）" : "",
      ),
      el("td", { class: "used" }, String(r.workingDaysUsed || 0)),
      el("td", { class: "left" }, String(r.workingDaysLeft || 0)),
      el("td", {}, el("button", { type: "button", class: "secondary", onclick: () => openRequest(r.requestId) }, "办理")),
    );
  });
  show($("open-requests").tBodies[0], rows);
  $("open-empty").hidden = rows.length > 0 || pageToken !== "";
  setMessage("open-error", "");
  if (pageToken === "") openPages = [""];
  $("open-first").hidden = openPages.length <= 1;
  $("open-next").hidden = !answer.nextPageToken;
  $("open-next").dataset.token = answer.nextPageToken || "";
}

async function refreshOpen() {
  try {
    await loadOpen(openPages[openPages.length - 1]);
  } catch (error) {
    setMessage("open-error", explain(error));
  }
}

$("open-next").addEventListener("click", async () => {
  const next = $("open-next").dataset.token;
  if (!next) return;
  openPages.push(next);
  await refreshOpen();
});
$("open-first").addEventListener("click", async () => {
  openPages = [""];
  await refreshOpen();
});
$("lookup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = formValues(event.target).requestId.trim();
  if (id) openRequest(id);
});

// ---------------------------------------------------------------- one request

async function openRequest(id) {
  $("detail").hidden = false;
  setMessage("detail-error", "");
  $("detail-id").textContent = id;
  try {
    const [view, explanation] = await Promise.all([
      api("GetRequest", { requestId: id }),
      api("ExplainDeadline", { requestId: id }),
    ]);
    renderRequest(view, explanation);
    $("detail").scrollIntoView({ block: "start" });
  } catch (error) {
    current = null;
    show($("detail-summary"));
    show($("reply-view"));
    show($("history").tBodies[0]);
    show($("step-timeliness").tBodies[0]);
    show($("deadline"));
    $("step-section").hidden = true;
    $("reply-section").hidden = true;
    setMessage("detail-error", explain(error));
  }
}

function renderRequest(view, explanation) {
  current = view;
  const detail = $("detail");
  detail.dataset.requestId = view.requestId;
  detail.dataset.state = view.state || "";
  detail.dataset.dueDate = view.due || "";
  $("detail-id").textContent = `申请编号 ${view.requestId}`;
  const a = view.applicant || {};
  const contact = [a.phone, a.email, a.address].filter(Boolean).join("；");
  const awaiting = view.state === "AWAITING_CORRECTION";
  show(
    $("detail-summary"),
    el("dt", {}, "办理状态"),
    el("dd", { id: "detail-state", "data-state": view.state }, REQUEST_STATES[view.state] || view.state, " ", deskBadge(view.deskState)),
    el("dt", {}, "提交渠道 / 收到日期"),
    el("dd", {}, (CHANNELS[view.channel] || [view.channel])[0], " / ", view.receivedOn),
    el("dt", {}, "申请人"),
    el(
      "dd",
      {},
      a.name,
      a.kind === "LEGAL_PERSON" ? "（法人或其他组织）" : "（公民）",
      a.idNumber ? ` 身份号码 ${a.idNumber}` : "",
      a.creditCode ? ` 信用代码 ${a.creditCode}` : "",
    ),
    el("dt", {}, "联系方式"),
    el("dd", {}, contact || "—"),
    el("dt", {}, "申请内容"),
    el("dd", {}, view.informationRequested),
    el("dt", {}, "获取方式"),
    el("dd", {}, DELIVERY[view.delivery] || view.delivery || "—"),
    el("dt", {}, "起算日"),
    el("dd", {}, view.clockStart || "—"),
    el("dt", {}, awaiting ? "补正期限" : "答复期限"),
    el("dd", { id: "detail-due", "data-due-date": view.due || "" }, view.due || "—", view.dueProvisional ? "（暂定：涉及尚未发布的节假日安排）" : ""),
    el("dt", {}, "工作日"),
    el(
      "dd",
      {},
      `期限 ${view.limitWorkingDays || 0}，已用 ${view.workingDaysUsed || 0}，暂停 ${view.pausedWorkingDays || 0}，剩余 ${view.workingDaysLeft || 0}`,
    ),
  );
  renderReply(view);
  renderHistory(view);
  renderStepTimeliness(view);
  renderDeadline(explanation || view.explanation);

  const open = view.state === "OPEN" || view.state === "AWAITING_CORRECTION";
  const replied = view.state === "REPLIED";
  $("step-section").hidden = !open && !replied;
  $("reply-section").hidden = !open;
  prepareStepForm(view.state === "AWAITING_CORRECTION" ? AWAITING_STEPS : open ? OPEN_STEPS : REPLIED_STEPS);
  if (open) prepareReplyForm(view);
}

function renderReply(view) {
  const r = view.reply;
  if (!r || !r.outcome) {
    show($("reply-view"));
    return;
  }
  const outcome = OUTCOMES[r.outcome];
  const items = [
    el("dt", {}, "答复类型"),
    el("dd", { id: "reply-outcome", "data-outcome": r.outcome }, outcome ? outcome.name : r.outcome),
  ];
  for (const [field, label] of Object.entries(ELEMENTS)) {
    if (r[field]) items.push(el("dt", {}, (outcome && outcome.labels && outcome.labels[field]) || label), el("dd", {}, r[field]));
  }
  if (r.reportReason) items.push(el("dt", {}, "年度报告表三"), el("dd", {}, REPORT_REASONS[r.reportReason] || r.reportReason));
  items.push(
    el("dt", {}, "救济途径"),
    el("dd", {}, r.remedy || "—"),
    el("dt", {}, "答复 / 送达"),
    el("dd", {}, `${r.repliedOn || "—"} / ${DELIVERY[r.deliveredBy] || r.deliveredBy || "—"} ${r.deliveredOn || ""}`),
    el("dt", {}, "信息处理费"),
    el("dd", { id: "reply-fee", "data-fee-fen": r.feeFen || "0" }, r.feeScheme ? `${yuan(r.feeFen)}（${r.feeScheme === "PER_PAGE" ? `按量计收，${r.feePages}页` : "按件计收"}）` : "不收费"),
    el("dt", {}, "规范答复"),
    el("dd", { id: "reply-standardised" }, view.standardisedReply ? "是（按期答复，要素齐全）" : "否（超过答复期限）"),
  );
  show($("reply-view"), el("h3", {}, "答复内容"), el("dl", {}, items));
}

function stepDetails(s) {
  const parts = [];
  if (s.correctionDue) parts.push(`补正期限 ${s.correctionDue}`);
  if (s.consultationId) parts.push(`编号 ${s.consultationId}`);
  if (s.consultedParty) parts.push(`征求对象 ${s.consultedParty}`);
  if (s.extensionWorkingDays) parts.push(`延长 ${s.extensionWorkingDays} 个工作日`);
  if (s.approver) parts.push(`批准人 ${s.approver}`);
  if (s.noticeDate) parts.push(`告知日期 ${s.noticeDate}`);
  if (s.afterReview) parts.push("复议后起诉");
  if (s.legalOutcome) parts.push(LEGAL_OUTCOMES[s.legalOutcome] || s.legalOutcome);
  if (s.note) parts.push(s.note);
  return parts.join("；");
}

function renderHistory(view) {
  const rows = (view.history || []).map((s) =>
    el(
      "tr",
      { "data-step-type": s.type, "data-date": s.date },
      el("td", {}, s.date),
      el("td", {}, (STEP_TYPES[s.type] || [s.type])[0]),
      el("td", {}, stepDetails(s)),
      el("td", { class: "note" }, `${s.recordedBy || ""} ${s.recordedAt || ""}`),
    ),
  );
  show($("history").tBodies[0], rows);
}

function renderStepTimeliness(view) {
  const rows = (view.steps || []).map((s) =>
    el(
      "tr",
      { class: TIMELINESS_CLASS[s.status] || "", "data-step": s.step, "data-status": s.status },
      el("td", {}, STEP_CLOCKS[s.step] || s.step, s.consultationId ? `（${s.consultationId}）` : ""),
      el("td", {}, s.due || "—"),
      el("td", {}, s.done || "—"),
      el("td", {}, TIMELINESS[s.status] || s.status),
    ),
  );
  show($("step-timeliness").tBodies[0], rows);
}

// Why a day counts or not, in words, from the explanation's structured
// fields (status, beforeCorrection, dueDay, consultationId,
// correctedOnReceipt); its English note is for other readers.
function dayReason(d) {
  const reason = dayStatusReason(d);
  return d.dueDay ? `${reason}；答复期限：当日24时届满` : reason;
}

function dayStatusReason(d) {
  const before = Boolean(d.beforeCorrection);
  switch (d.status) {
    case "CLOCK_START":
      return "收到申请之日，不计入（期间开始之日不计算在内）";
    case "RESTART":
      return d.correctedOnReceipt ? "收到申请并同时收到补正，自次日重新起算（第三十条）" : "收到补正申请，自次日重新起算（第三十条）";
    case "PAUSED":
      return `征求意见“${d.consultationId || "—"}”期间，不计入答复期限（第三十二条、第三十四条）`;
    case "HOLIDAY":
      return before ? `${d.holidayName || "节假日"}；补正前，不计入` : `${d.holidayName || "法定节假日"}，不计入`;
    case "WEEKEND":
      return before ? "周末；补正前，不计入" : "周末，不计入";
    case "MAKEUP_WORKING_DAY":
      return before ? "调休上班日；补正前，不计入" : "调休上班日，计入";
    case "WORKING_DAY":
      return before ? "补正前，不计入" : "工作日，计入";
    case "CALENDAR_DAY":
      return d.counted ? "自然日，计入" : "自然日，不计入";
    default:
      return DAY_STATUSES[d.status] || "";
  }
}

function renderDeadline(x) {
  const box = $("deadline");
  if (!x) {
    show(box);
    return;
  }
  const days = x.days || [];
  const paused = days.filter((d) => d.status === "PAUSED").length;
  const summary = el(
    "p",
    { id: "deadline-summary", "data-due-date": x.due || "", "data-limit": String(x.limit || 0), "data-days": String(days.length) },
    `起算日 ${x.clockStart || "—"}，期限 ${x.limit || 0} 个工作日`,
    paused ? `，征求意见暂停 ${paused} 个工作日` : "",
    x.due ? `，答复期限 ${x.due}` : "，尚无答复期限（待补正）",
    x.provisional ? "（暂定：涉及尚未发布节假日安排的年份）" : "",
    x.truncated ? "；仅列出前400天" : "",
    "。",
  );
  const rows = days.map((d) =>
    el(
      "tr",
      {
        "data-date": d.date,
        "data-status": d.status,
        "data-counted": d.counted ? "true" : "false",
        class: d.status === "PAUSED" ? "due_soon" : "",
      },
      el("td", {}, d.date),
      el("td", {}, weekday(d.date)),
      el("td", {}, DAY_STATUSES[d.status] || d.status),
      el("td", {}, d.counted ? "计入" : "不计入"),
      el("td", {}, String(d.count || 0)),
      el("td", {}, dayReason(d), d.provisional ? "（该年节假日安排尚未发布，暂按周末计算）" : ""),
    ),
  );
  show(
    box,
    summary,
    el(
      "table",
      { id: "deadline-days" },
      el(
        "thead",
        {},
        el("tr", {}, el("th", {}, "日期"), el("th", {}, "星期"), el("th", {}, "类别"), el("th", {}, "是否计入"), el("th", {}, "累计"), el("th", {}, "说明")),
      ),
      el("tbody", {}, rows),
    ),
  );
}

// ---------------------------------------------------------------- steps

// The step types the form offers: an extension the platform would not take
// today (RequestView.extensionRefusal) stays listed but cannot be chosen,
// and the form says why.
function prepareStepForm(types) {
  const form = $("step-form");
  const select = form.elements.type;
  const refusal = (current && current.extensionRefusal) || "";
  const usable = types.filter((t) => t !== "EXTENSION" || !refusal);
  const keep = usable.includes(select.value) ? select.value : usable[0];
  show(
    select,
    types.map((t) =>
      el(
        "option",
        { value: t, selected: t === keep, disabled: !usable.includes(t) },
        usable.includes(t) ? STEP_TYPES[t][0] : `${STEP_TYPES[t][0]}（当前不可记录）`,
      ),
    ),
  );
  const note = $("extension-refusal");
  note.dataset.refusal = types.includes("EXTENSION") ? refusal : "";
  note.textContent = note.dataset.refusal ? `不可延期：${extensionRefusalText(current)}` : "";
  note.hidden = !note.dataset.refusal;
  form.elements.date.value = today();
  const started = [];
  const answered = new Set();
  for (const s of (current && current.history) || []) {
    if (s.type === "CONSULTATION_STARTED") started.push(s.consultationId);
    if (s.type === "CONSULTATION_ANSWERED") answered.add(s.consultationId);
  }
  show($("consultation-ids"), started.filter((id) => !answered.has(id)).map((id) => el("option", { value: id })));
  form.elements.consultationId.value = "";
  stepTypeChanged();
}

function stepTypeChanged() {
  const form = $("step-form");
  const type = form.elements.type.value;
  for (const group of form.querySelectorAll("[data-for]")) group.hidden = !group.dataset.for.split(" ").includes(type);
  $("step-rule").textContent = (STEP_TYPES[type] || ["", ""])[1];
  const id = form.elements.consultationId;
  if (type === "CONSULTATION_STARTED" && !id.value) {
    const n = ((current && current.history) || []).filter((s) => s.type === "CONSULTATION_STARTED").length + 1;
    id.value = `ZQ-${n}`;
  } else if (type === "CONSULTATION_ANSWERED") {
    const pending = $("consultation-ids").options;
    id.value = pending.length ? pending[pending.length - 1].value : "";
  }
  if (type === "EXTENSION") setDate(form, "noticeDate", today());
}

$("step-form").elements.type.addEventListener("change", stepTypeChanged);

$("step-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  if (!current) return;
  const v = formValues(form);
  const type = v.type;
  const step = { type, date: v.date };
  if (type === "CORRECTION_NOTICE") step.correctionDue = v.correctionDue;
  if (type === "CONSULTATION_STARTED" || type === "CONSULTATION_ANSWERED") step.consultationId = v.consultationId.trim();
  if (type === "CONSULTATION_STARTED") step.consultedParty = v.consultedParty.trim();
  if (type === "EXTENSION") {
    step.extensionWorkingDays = Number(v.extensionWorkingDays || 0);
    step.approver = v.approver.trim();
    step.noticeDate = v.noticeDate;
  }
  if (type === "LAWSUIT_FILED" && v.afterReview) step.afterReview = true;
  if ((type === "REVIEW_DECIDED" || type === "LAWSUIT_DECIDED") && v.legalOutcome) step.legalOutcome = v.legalOutcome;
  if (v.note.trim()) step.note = v.note.trim();

  setMessage("step-error", "");
  setMessage("step-result", "");
  const before = current.due || "";
  try {
    const view = await api("RecordStep", { requestId: current.requestId, step: trimmed(step) });
    markViolations(form, null);
    const explanation = await api("ExplainDeadline", { requestId: view.requestId });
    form.elements.note.value = "";
    form.elements.consultedParty.value = "";
    renderRequest(view, explanation);
    const after = view.due || "";
    setMessage(
      "step-result",
      `已记录：${STEP_TYPES[type][0]}（${v.date}）。` +
        (before !== after ? `答复期限由 ${before || "—"} 变为 ${after || "—"}。` : `答复期限仍为 ${after || "—"}。`),
    );
    $("step-result").dataset.before = before;
    $("step-result").dataset.after = after;
    await refreshOpen();
  } catch (error) {
    markViolations(form, error);
    setMessage("step-error", explain(error));
  }
});

// ---------------------------------------------------------------- reply

function prepareReplyForm(view) {
  const form = $("reply-form");
  if (form.dataset.requestId !== view.requestId) {
    form.reset();
    form.dataset.requestId = view.requestId;
    form.elements.remedy.value = REMEDY_TEMPLATE;
    options(form.elements.deliveredBy, Object.entries(DELIVERY), view.delivery || "DELIVERY_MAIL");
    setMessage("reply-error", "");
    setMessage("reply-result", "");
    markViolations(form, null);
  }
  setDate(form, "repliedOn", today());
  setDate(form, "deliveredOn", today());
  outcomeChanged();
  feeChanged();
}

// Shows exactly the elements the chosen outcome asks for.
function outcomeChanged() {
  const form = $("reply-form");
  const outcome = OUTCOMES[form.elements.outcome.value] || OUTCOMES.DISCLOSED;
  $("outcome-rule").textContent = outcome.rule;
  const box = $("reply-elements");
  // Keep what was typed across outcomes.
  const typed = {};
  for (const node of box.querySelectorAll("textarea, select")) typed[node.name] = node.value;
  const fields = [...outcome.needs, ...(outcome.may || [])];
  const groups = fields.map((field) => {
    const required = outcome.needs.includes(field);
    const label = (outcome.labels && outcome.labels[field]) || ELEMENTS[field];
    return el(
      "div",
      { "data-element": field },
      el(
        "label",
        {},
        `${label}${(outcome.when && outcome.when[field]) || (required ? "（必填）" : "（选填）")}`,
        el("textarea", { name: field, rows: 2, cols: 70, "data-required": required ? "true" : null }, typed[field] || ""),
      ),
    );
  });
  if (outcome.reasons.length) {
    const select = el(
      "select",
      { name: "reportReason" },
      outcome.reasons.length > 1 ? el("option", { value: "" }, "请选择") : null,
      outcome.reasons.map((r) => el("option", { value: r, selected: typed.reportReason === r }, REPORT_REASONS[r])),
    );
    groups.push(el("div", { "data-element": "reportReason" }, el("label", {}, "年度报告表三对应项（必填）", select)));
  }
  show(box, groups);
}

function fillOutcomes() {
  options(
    $("reply-form").elements.outcome,
    Object.entries(OUTCOMES).map(([k, o]) => [k, o.name]),
    "DISCLOSED",
  );
}

$("reply-form").elements.outcome.addEventListener("change", outcomeChanged);

let quoteSeq = 0;
async function feeChanged() {
  const form = $("reply-form");
  const scheme = form.elements.feeScheme.value;
  for (const group of form.querySelectorAll("[data-fee]")) group.hidden = group.dataset.fee !== scheme;
  const quote = $("fee-quote");
  const seq = ++quoteSeq;
  if (!scheme) {
    quote.textContent = "不收取信息处理费。";
    delete quote.dataset.feeFen;
    return;
  }
  const count = Number(scheme === "PER_PAGE" ? form.elements.feePages.value : form.elements.feeNth.value);
  const how =
    scheme === "PER_PAGE"
      ? "按量计收：30页以内免费；31–100页每页10元；101–200页每页20元；200页以上每页40元。"
      : "按件计收：申请人本月第1–10件免费；第11–30件每件100元；自第31件起每10件加收100元。发送答复时由平台按申请人本月申请数计算。";
  if (!count || count < 1) {
    quote.textContent = how;
    delete quote.dataset.feeFen;
    return;
  }
  try {
    const answer = await call(`${SERVICE}/QuoteFee`, { scheme, count }, { token, get: true });
    if (seq !== quoteSeq) return;
    quote.dataset.feeFen = answer.feeFen || "0";
    quote.textContent = `${how} 计算结果：${yuan(answer.feeFen)}${scheme === "PER_PAGE" ? `（${count}页）` : `（本月第${count}件，估算）`}。`;
  } catch (error) {
    if (seq !== quoteSeq) return;
    quote.textContent = explain(error);
  }
}

$("reply-form").elements.feeScheme.addEventListener("change", feeChanged);
$("reply-form").elements.feePages.addEventListener("input", feeChanged);
$("reply-form").elements.feeNth.addEventListener("input", feeChanged);

$("reply-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  if (!current) return;
  const v = formValues(form);
  const outcome = OUTCOMES[v.outcome];
  const reply = {
    outcome: v.outcome,
    repliedOn: v.repliedOn,
    remedy: v.remedy,
    deliveredBy: v.deliveredBy,
    deliveredOn: v.deliveredOn,
  };
  for (const field of [...outcome.needs, ...(outcome.may || [])]) reply[field] = v[field];
  if (outcome.reasons.length) reply.reportReason = v.reportReason;
  if (v.feeScheme) reply.feeScheme = v.feeScheme;
  if (v.feeScheme === "PER_PAGE") reply.feePages = Number(v.feePages || 0);

  setMessage("reply-error", "");
  setMessage("reply-result", "");
  try {
    const view = await api("Reply", { requestId: current.requestId, reply: trimmed(reply) });
    markViolations(form, null);
    const explanation = await api("ExplainDeadline", { requestId: view.requestId });
    renderRequest(view, explanation);
    setMessage(
      "reply-result",
      `已答复（${outcome.name}，${view.reply.repliedOn}）。信息处理费：${yuan(view.reply.feeFen)}。` +
        (view.standardisedReply ? "按期答复，计入规范答复。" : "已超过答复期限，不计入规范答复。"),
    );
    await Promise.all([refreshOpen(), loadReport(Number($("report-form").elements.year.value) || 0)]);
  } catch (error) {
    markViolations(form, error);
    setMessage("reply-error", explain(error));
  }
});

// ---------------------------------------------------------------- registration

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `desk-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function channelChanged() {
  const form = $("register-form");
  $("t0-rule").textContent =
    `${(CHANNELS[form.elements.channel.value] || ["", ""])[1]} ` +
    "请按此规则填写收到申请日期（T0）：T0 当日不计入，自次日起计算答复期限。";
}

function kindChanged() {
  const form = $("register-form");
  const kind = form.elements.kind.value;
  for (const group of form.querySelectorAll("[data-kind]")) group.hidden = group.dataset.kind !== kind;
}

// The due date a request received on that day would have, before any
// correction, consultation or extension: the platform's own rule.
let previewSeq = 0;
async function previewDue() {
  const receivedOn = $("register-form").elements.receivedOn.value;
  const box = $("due-preview");
  const seq = ++previewSeq;
  if (!receivedOn) {
    box.textContent = "";
    return;
  }
  try {
    const x = await call(`${SERVICE}/ExplainDeadline`, { rule: "request_reply", clockStart: receivedOn }, { get: true });
    if (seq !== previewSeq) return;
    box.dataset.dueDate = x.due || "";
    box.textContent = `按此收到日期，答复期限为 ${x.due}（${x.limit} 个工作日，未计补正、征求意见和延期）${x.provisional ? "，暂定" : ""}。`;
  } catch (error) {
    if (seq !== previewSeq) return;
    box.textContent = explain(error);
  }
}

function prepareForms() {
  const register = $("register-form");
  if (!register.dataset.ready) {
    options(register.elements.channel, Object.entries(CHANNELS).map(([k, [name]]) => [k, name]), "IN_PERSON");
    options(register.elements.delivery, Object.entries(DELIVERY), "DELIVERY_MAIL");
    options($("consultation-form").elements.channel, Object.entries(CHANNELS).map(([k, [name]]) => [k, name]), "ONLINE");
    fillOutcomes();
    register.dataset.ready = "true";
    register.dataset.requestKey = newKey();
    $("consultation-form").dataset.requestKey = newKey();
  }
  setDate(register, "receivedOn", today());
  setDate($("consultation-form"), "askedOn", today());
  channelChanged();
  kindChanged();
  previewDue();
}

$("register-form").elements.channel.addEventListener("change", channelChanged);
$("register-form").elements.kind.addEventListener("change", kindChanged);
$("register-form").elements.receivedOn.addEventListener("change", previewDue);
$("register-form").elements.receivedOn.addEventListener("input", previewDue);

$("register-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const v = formValues(form);
  const natural = v.kind === "NATURAL_PERSON";
  const applicant = trimmed({
    kind: v.kind,
    name: v.name,
    idNumber: natural ? v.idNumber : "",
    creditCode: natural ? "" : v.creditCode,
    category: natural ? "" : v.category,
    phone: v.phone,
    email: v.email,
    address: v.address,
  });
  const request = {
    channel: v.channel,
    receivedOn: v.receivedOn,
    applicant,
    informationRequested: v.informationRequested.trim(),
    delivery: v.delivery,
    requestKey: form.dataset.requestKey, // a double submit registers once
  };
  setMessage("register-error", "");
  setMessage("register-result", "");
  try {
    const view = await api("RegisterRequest", request);
    markViolations(form, null);
    form.reset();
    form.dataset.requestKey = newKey();
    prepareForms();
    const result = $("register-result");
    setMessage("register-result", `已登记：申请编号 ${view.requestId}，收到日期 ${view.receivedOn}，答复期限 ${view.due || "—"}。`);
    result.dataset.requestId = view.requestId;
    result.dataset.dueDate = view.due || "";
    await refreshOpen();
    await openRequest(view.requestId);
  } catch (error) {
    markViolations(form, error);
    setMessage("register-error", explain(error));
  }
});

// ---------------------------------------------------------------- consultations

async function loadConsultations(pageToken) {
  try {
    const answer = await api("ListOpenConsultations", { pageSize: PAGE_SIZE, pageToken });
    const rows = (answer.consultations || []).map((c) => {
      const [cls] = DESK_STATES[c.deskState] || [""];
      return el(
        "tr",
        { class: cls, "data-consultation-id": c.consultationId, "data-due-date": c.due || "", "data-desk-state": c.deskState || "" },
        el("td", {}, c.askedOn),
        el("td", {}, c.question),
        el("td", {}, c.due || "—"),
        el("td", {}, deskBadge(c.deskState), " ", TIMELINESS[c.status] || ""),
        el("td", {}, el("button", { type: "button", class: "secondary", onclick: () => startAnswer(c) }, "答复")),
      );
    });
    show($("consultations").tBodies[0], rows);
    $("consultations-empty").hidden = rows.length > 0 || pageToken !== "";
    setMessage("consultations-error", "");
    if (pageToken === "") consultationPages = [""];
    $("consultations-first").hidden = consultationPages.length <= 1;
    $("consultations-next").hidden = !answer.nextPageToken;
    $("consultations-next").dataset.token = answer.nextPageToken || "";
  } catch (error) {
    setMessage("consultations-error", explain(error));
  }
}

$("consultations-next").addEventListener("click", () => {
  const next = $("consultations-next").dataset.token;
  if (!next) return;
  consultationPages.push(next);
  loadConsultations(next);
});
$("consultations-first").addEventListener("click", () => {
  consultationPages = [""];
  loadConsultations("");
});

function startAnswer(c) {
  const form = $("answer-form");
  form.hidden = false;
  form.elements.consultationId.value = c.consultationId;
  form.elements.answeredOn.value = today();
  form.elements.answer.value = "";
  $("answer-for").textContent = `${c.askedOn} 提问：${c.question}（期限 ${c.due}）`;
  setMessage("answer-error", "");
  form.elements.answer.focus();
}

$("answer-cancel").addEventListener("click", () => {
  $("answer-form").hidden = true;
  setMessage("answer-error", "");
});

$("answer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const v = formValues(form);
  try {
    const c = await api("AnswerConsultation", {
      consultationId: v.consultationId,
      answeredOn: v.answeredOn,
      answer: v.answer.trim(),
    });
    markViolations(form, null);
    form.hidden = true;
    setMessage("answer-error", "");
    setMessage(
      "consultation-result",
      `咨询已答复（${c.answeredOn}，期限 ${c.due}，${TIMELINESS[c.status] || c.status}）。`,
    );
    await loadConsultations(consultationPages[consultationPages.length - 1]);
  } catch (error) {
    markViolations(form, error);
    setMessage("answer-error", explain(error));
  }
});

$("consultation-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const v = formValues(form);
  try {
    const c = await api(
      "RegisterConsultation",
      trimmed({
        askedOn: v.askedOn,
        channel: v.channel,
        question: v.question,
        contact: v.contact,
        requestKey: form.dataset.requestKey,
      }),
    );
    markViolations(form, null);
    form.reset();
    form.dataset.requestKey = newKey();
    prepareForms();
    setMessage("consultation-error", "");
    setMessage("consultation-result", `咨询已登记：${c.askedOn} 提问，应于 ${c.due} 前答复。`);
    $("consultation-result").dataset.consultationId = c.consultationId;
    $("consultation-result").dataset.dueDate = c.due || "";
    await loadConsultations("");
  } catch (error) {
    markViolations(form, error);
    setMessage("consultation-error", explain(error));
  }
});

// The two clocks' limits as the platform states them (they are configurable).
async function showRules() {
  try {
    const x = await call(`${SERVICE}/ExplainDeadline`, { rule: "consultation", clockStart: today() }, { get: true });
    $("consultation-rule").textContent =
      `公众咨询应自提问之次日起 ${x.limit} 个${x.dayCount === "CALENDAR_DAYS" ? "自然日" : "工作日"}内答复` +
      `（今日提问的，${x.due} 前答复）。剩余3个工作日以内为“即将到期”，超过期限两倍为“严重逾期”。`;
  } catch {
    // The page's own sentence stays.
  }
}

// ---------------------------------------------------------------- annual report

function csvField(value) {
  const s = String(value ?? "");
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// The tables as CSV in the template's order (RFC 4180, CRLF): each table's
// title, its header row, its rows; a blank line between tables.
function reportCsv(report) {
  const lines = [];
  (report.tables || []).forEach((table, i) => {
    if (i > 0) lines.push("");
    const columns = table.columns || [];
    lines.push(csvField(table.title));
    lines.push(["", ...columns].map(csvField).join(","));
    for (const row of table.rows || []) {
      const cells = columns.map((_, j) => (row.cells && j < row.cells.length ? row.cells[j] : ""));
      lines.push([row.label || "", ...cells].map(csvField).join(","));
    }
  });
  return lines.map((line) => `${line}\r\n`).join("");
}

async function loadReport(year) {
  setMessage("report-error", "");
  try {
    const report = await api("GetAnnualReport", year ? { year } : {});
    const codes = report.agencyCreditCodes || [];
    if (codes.length && codes[0] !== agencyCode) {
      agencyCode = codes[0];
      showAgency(agencyCode);
    }
    const tables = (report.tables || []).map((table, i) =>
      el(
        "table",
        { "data-table": String(i) },
        el("caption", {}, table.title),
        el("thead", {}, el("tr", {}, el("th", {}, ""), (table.columns || []).map((c) => el("th", {}, c)))),
        el(
          "tbody",
          {},
          (table.rows || []).map((row) =>
            el("tr", {}, el("th", {}, row.label || ""), (row.cells || []).map((n) => el("td", {}, String(n)))),
          ),
        ),
      ),
    );
    const unbalanced = report.unbalancedColumns || [];
    show(
      $("report"),
      el("p", { class: "note" }, `${report.year} 年度，机关 ${codes.join("、") || "—"}。`),
      unbalanced.length
        ? el("p", { class: "error" }, `以下列不平衡（新收＋上年结转≠办理结果总计＋结转下年）：${unbalanced.join("、")}`)
        : null,
      tables,
    );
    // The download: a Blob URL (same origin), with a byte-order mark so
    // that spreadsheet programs read the Chinese as UTF-8.
    if (reportUrl) URL.revokeObjectURL(reportUrl);
    const csv = reportCsv(report);
    reportUrl = URL.createObjectURL(new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" }));
    const link = $("report-csv");
    link.href = reportUrl;
    link.download = `政府信息公开年度报告-${report.year}-${agencyCode || "desk"}.csv`;
    link.dataset.year = String(report.year);
    link.hidden = false;
    $("report-form").elements.year.value = String(report.year);
  } catch (error) {
    show($("report"));
    $("report-csv").hidden = true;
    setMessage("report-error", explain(error));
  }
}

async function showAgency(code) {
  $("agency-name").textContent = code;
  try {
    const agency = await call("gongkai.registry.v1.RegistryService/GetAgency", { creditCode: code }, { get: true });
    $("agency-name").textContent = `${agency.name}（${code}）`;
  } catch {
    // The code alone says which agency.
  }
}

$("report-form").addEventListener("submit", (event) => {
  event.preventDefault();
  loadReport(Number(formValues(event.target).year));
});

// ---------------------------------------------------------------- start

if (token) signIn(token);
else signedIn(false);
