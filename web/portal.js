// 公示查询: the public's search over what the platform publishes. Every kind
// is one public method of the API, read with GET and no token; the page shows
// what the answer holds and nothing else (personal data arrives masked).
//
//   decisions, measures  PenaltiesService/ListPublished (kind DECISION / MEASURE), detail GetPublished
//   withdrawals          PenaltiesService/ListPublished (withdrawn), the withdrawal notices, detail GetPublished
//   inspections          InspectionsService/SearchResults, detail: the result as listed (no public Get)
//   reviews              SupervisionService/ListReviews, detail GetReview
//   supervisions         SupervisionService/ListSupervisions, detail GetSupervision
//
// Agency names come from RegistryService/ListAgencies, which is rate-limited
// per caller: read once per city and kept, never per keystroke.
import { call, el, explain, formValues, show } from "/api.js";
import { CITIES, CITY_NAMES, DOMAINS } from "/names.js";

const PENALTIES = "gongkai.penalties.v1.PenaltiesService/";
const INSPECTIONS = "gongkai.inspections.v1.InspectionsService/";
const SUPERVISION = "gongkai.supervision.v1.SupervisionService/";
const REGISTRY = "gongkai.registry.v1.RegistryService/";

const OUTCOMES = {
  NO_PROBLEM: "未发现问题",
  CORRECTION_ORDERED: "发现问题已责令改正",
  FOLLOW_UP_PENDING: "发现问题待后续处理",
  NO_RELEVANT_ACTIVITY: "未发现开展本次抽查涉及的经营活动",
  UNREACHABLE_AT_ADDRESS: "通过登记的住所（经营场所）无法联系",
  SERIOUS_NONCOOPERATION: "不配合检查情节严重",
  CASE_OPENED: "发现问题已立案查处",
  CLOSED_OR_DEREGISTERED: "已关闭停业或正在组织清算",
};
const PROBLEM_OUTCOMES = new Set(["CORRECTION_ORDERED", "FOLLOW_UP_PENDING", "CASE_OPENED", "SERIOUS_NONCOOPERATION"]);

const PARTY_KINDS = { ORGANIZATION: "法人或其他组织", NATURAL_PERSON: "自然人", INDIVIDUAL_BUSINESS: "个体工商户" };
const MEASURE_TYPES = {
  SEAL: "查封",
  SEIZE: "扣押",
  FREEZE: "冻结",
  RESTRICT_LIBERTY: "限制人身自由",
  OTHER_MEASURE: "其他行政强制措施",
};
const WITHDRAWAL_REASONS = { CHANGED: "变更", REVOKED: "撤销", FOUND_ILLEGAL: "确认违法" };
const SEVERITIES = { MINOR: "轻微", GENERAL: "一般", SERIOUS: "严重" };
const TIERS = { 1: "轻微免罚", 2: "一般从轻", 3: "一般", 4: "从重", 5: "严重顶格" };
const TIMELINESS = {
  ON_TIME: "按时",
  LATE: "逾期",
  PENDING: "待公示",
  OVERDUE: "逾期未公示",
  VERY_OVERDUE: "严重逾期",
};
const PROBLEM_TYPES = {
  PROCEDURAL_DEFECT: "程序瑕疵",
  WRONG_LAW_APPLIED: "法律适用错误",
  NONSTANDARD_DOCUMENTS: "文书不规范",
  INSUFFICIENT_EVIDENCE: "证据不足",
  OVERDUE_HANDLING: "超期办理",
  IMPROPER_DISCRETION: "裁量不当",
  INCOMPLETE_FILE: "案卷归档不完整",
  OTHER_PROBLEM: "其他",
};
const CASE_TYPES = {
  PENALTY_CASES: "行政处罚",
  LICENSING_CASES: "行政许可",
  COERCION_CASES: "行政强制",
  INSPECTION_CASES: "行政检查",
  OTHER_CASES: "其他",
};
const RECTIFICATION_STATES = { OPEN: "整改中", OVERDUE: "逾期未整改", DONE: "已按期整改", DONE_LATE: "逾期完成整改" };
const DEPLOYMENTS = { HIGHER_LEVEL: "上级部署", LOCAL: "本级确定" };
const HANDLINGS = {
  CIRCULATED_CRITICISM: "通报批评",
  ACCOUNTABILITY: "责任追究",
  SYSTEM_IMPROVEMENT: "制度完善",
  ORDERED_RECTIFICATION: "责令整改",
  OTHER_HANDLING: "其他",
};

// ---------------------------------------------------------------- formatting

const nonEmpty = (value) =>
  value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
const domainName = (code) => (code ? DOMAINS[code] || code : "");
const cityName = (code) => (code ? CITY_NAMES[code] || code : "");
const yuan = (fen) =>
  `${(Number(fen) / 100).toLocaleString("zh-CN", { minimumFractionDigits: 0, maximumFractionDigits: 2 })} 元`;
const period = (from, to) => (from || to ? `${from || "—"} 至 ${to || "—"}` : "");

function provision(p) {
  let text = `《${p.law}》`;
  if (p.article) text += `第${p.article}条`;
  if (p.paragraph) text += `第${p.paragraph}款`;
  if (p.item) text += `第${p.item}项`;
  return text;
}

function penaltyResult(result = {}) {
  const parts = [];
  if (result.warning) parts.push("警告");
  if (nonEmpty(result.fineFen) && Number(result.fineFen) > 0) parts.push(`罚款 ${yuan(result.fineFen)}`);
  if (nonEmpty(result.confiscationFen) && Number(result.confiscationFen) > 0)
    parts.push(`没收违法所得 ${yuan(result.confiscationFen)}`);
  if (result.suspensionDays) parts.push(`责令停产停业（暂扣许可证件）${result.suspensionDays} 日`);
  if (result.licenceRevoked) parts.push("吊销许可证件");
  if (result.other) parts.push(result.other);
  return parts.join("；");
}

function remedyText(r) {
  if (!r || (!r.reviewBody && !r.litigationCourt)) return "";
  const parts = [];
  if (r.reviewBody) parts.push(`可在 ${r.reviewDays || "—"} 日内向${r.reviewBody}申请行政复议`);
  if (r.litigationCourt) parts.push(`可在 ${r.litigationMonths || "—"} 个月内向${r.litigationCourt}提起行政诉讼`);
  return `如不服，${parts.join("，或")}。`;
}

function timelinessText(t, verb = "公示") {
  if (!t || !t.due) return "";
  const done = t.done ? `${t.done} ${verb}` : `尚未${verb}`;
  const lag = t.lagWorkingDays ? `，超期 ${t.lagWorkingDays} 个工作日` : "";
  return `应于 ${t.due} 前${verb}；${done}（${TIMELINESS[t.status] || t.status || ""}${lag}）`;
}

function partyNumber(party = {}) {
  return party.creditCode || party.idNumber || "";
}

// ------------------------------------------------------------------ agencies

const agencyNames = new Map(); // credit code -> name, as ListAgencies gives it
const cityAgencies = new Map(); // city code -> Promise<Agency[] | null>

// The city an agency belongs to, read from its credit code's region
// (characters 3-8), as the registry reads it.
const cityOfAgency = (code) => (code && code.length === 18 ? `${code.slice(2, 6)}00` : "");

// Kept for the session too (10 minutes), so that reloading the page or
// coming back to it spends none of the caller's rate-limited calls.
const AGENCIES_KEPT_MS = 10 * 60 * 1000;

function keptAgencies(city) {
  try {
    const kept = JSON.parse(sessionStorage.getItem(`gongkai.agencies.${city}`) || "null");
    if (!kept || Date.now() - kept.at > AGENCIES_KEPT_MS || !Array.isArray(kept.list)) return null;
    return kept.list;
  } catch {
    return null;
  }
}

function keepAgencies(city, list) {
  try {
    sessionStorage.setItem(`gongkai.agencies.${city}`, JSON.stringify({ at: Date.now(), list }));
  } catch {
    // storage full or disabled: read again next time
  }
}

function agenciesOf(city) {
  if (!city) return Promise.resolve(null);
  if (!cityAgencies.has(city)) {
    const kept = keptAgencies(city);
    if (kept) {
      for (const agency of kept) agencyNames.set(agency.creditCode, agency.name);
      cityAgencies.set(city, Promise.resolve(kept));
      return cityAgencies.get(city);
    }
    const loading = (async () => {
      const list = [];
      let pageToken = "";
      for (let i = 0; i < 10; i++) {
        const answer = await call(REGISTRY + "ListAgencies", compact({ cityCode: city, pageSize: 500, pageToken }), {
          get: true,
        });
        for (const agency of answer.agencies || []) {
          list.push({ creditCode: agency.creditCode, name: agency.name });
          agencyNames.set(agency.creditCode, agency.name);
        }
        pageToken = answer.nextPageToken;
        if (!pageToken) break;
      }
      keepAgencies(city, list);
      return list;
    })().catch(() => {
      cityAgencies.delete(city); // asked again on a later search
      return null;
    });
    cityAgencies.set(city, loading);
  }
  return cityAgencies.get(city);
}

// An agency's cell or text: its name when known (its code on hover), else its code.
function agencyNode(tag, code, attrs = {}) {
  return el(
    tag,
    { ...attrs, "data-agency": code || "", title: code || undefined },
    agencyNames.get(code) || code || "",
  );
}

// Names the agencies of `root` once their cities' lists are read.
async function nameAgencies(root) {
  const nodes = [...root.querySelectorAll("[data-agency]")].filter(
    (n) => n.dataset.agency && !agencyNames.has(n.dataset.agency),
  );
  const cities = [...new Set(nodes.map((n) => cityOfAgency(n.dataset.agency)).filter(Boolean))];
  await Promise.all(cities.map(agenciesOf));
  for (const node of nodes) {
    const name = agencyNames.get(node.dataset.agency);
    if (name) node.textContent = name;
  }
}

// ---------------------------------------------------------------- the kinds

function compact(request) {
  return Object.fromEntries(Object.entries(request).filter(([, v]) => nonEmpty(v)));
}

const dateRange = (v) => ({ dateFrom: v.dateFrom, dateTo: v.dateTo });
const yearOf = (v) => (v.year ? Number(v.year) : undefined);

function partyCells(party = {}) {
  return [
    el("td", { "data-field": "party" }, party.name || ""),
    el("td", { "data-field": "partyNumber" }, partyNumber(party)),
  ];
}


// ListPublished of one kind (DECISION or MEASURE), with the form's filters.
function listPublished(kind) {
  return async (v, pageToken) => {
    const request = {
      kind,
      cityCode: v.cityCode,
      agencyCreditCode: v.agency,
      domain: v.domain,
      ...dateRange(v),
      partyName: v.partyName?.trim(),
      partyCreditCode: v.creditCode?.trim().toUpperCase(),
      pageSize: Number(v.pageSize),
      pageToken,
    };
    const answer = await call(PENALTIES + "ListPublished", compact(request), { get: true });
    return { records: answer.records || [], next: answer.nextPageToken || "" };
  };
}
const KINDS = {
  decisions: {
    title: "行政处罚决定",
    note: "可按当事人名称、统一社会信用代码、地市、执法机关、执法领域和决定日期查询。自然人当事人按公示的脱敏姓名查询（如“张某某”）；统一社会信用代码仅适用于法人、其他组织和个体工商户，自然人的身份证件号码不予公开，不能作为查询条件。已撤回的决定不在此列，见“撤回公告”。",
    filters: ["partyName", "creditCode", "cityCode", "agency", "domain", "dateFrom", "dateTo", "pageSize"],
    labels: { dateFrom: "决定日期自", dateTo: "决定日期至" },
    columns: ["决定书文号", "当事人", "统一社会信用代码 / 证件号码", "处罚内容", "执法机关", "执法领域", "决定日期"],
    list: listPublished("DECISION"),
    key: (r) => [r.agencyCreditCode, r.sourceId],
    cells(r) {
      const d = r.decision || {};
      return [
        el("td", { "data-field": "number" }, d.decisionNumber || r.sourceId),
        ...partyCells(d.party),
        el("td", { "data-field": "result" }, penaltyResult(d.result)),
        agencyNode("td", r.agencyCreditCode, { "data-field": "agency" }),
        el("td", { "data-field": "domain" }, domainName(r.domain)),
        el("td", { "data-field": "date" }, d.decisionDate || ""),
      ];
    },
    detail: (r) => publishedDetail("DECISION", r),
  },

  measures: {
    title: "行政强制措施",
    note: "可按当事人名称、统一社会信用代码、地市、执法机关、执法领域和措施日期（实施之日）查询。自然人当事人按公示的脱敏姓名查询；统一社会信用代码仅适用于法人、其他组织和个体工商户，自然人的身份证件号码不予公开，不能作为查询条件。已解除的措施仍公示，并注明解除日期。",
    filters: ["partyName", "creditCode", "cityCode", "agency", "domain", "dateFrom", "dateTo", "pageSize"],
    labels: { dateFrom: "措施日期自", dateTo: "措施日期至" },
    columns: ["文书号", "当事人", "统一社会信用代码 / 证件号码", "措施类型", "对象", "期限", "执法机关", "状态"],
    list: listPublished("MEASURE"),
    key: (r) => [r.agencyCreditCode, r.sourceId],
    cells(r) {
      const m = r.measure || {};
      return [
        el("td", { "data-field": "number" }, m.documentNumber || r.sourceId),
        ...partyCells(m.party),
        el("td", { "data-field": "type" }, MEASURE_TYPES[m.type] || m.type || ""),
        el("td", { "data-field": "object" }, [m.objectName, m.objectQuantity].filter(Boolean).join("，")),
        el("td", { "data-field": "date" }, period(m.periodStart, m.periodEnd)),
        agencyNode("td", r.agencyCreditCode, { "data-field": "agency" }),
        el("td", { "data-field": "state" }, r.releasedOn ? `已解除（${r.releasedOn}）` : "实施中"),
      ];
    },
    detail: (r) => publishedDetail("MEASURE", r),
  },

  withdrawals: {
    title: "行政处罚决定撤回公告",
    note: "已公示的行政处罚决定被变更、撤销或确认违法的，原决定不再公示，改为公示撤回公告（原因、说明、日期）。可按地市、执法机关、执法领域和撤回日期筛选，按撤回日期由近及远排列；公告不含当事人信息，不能按当事人名称或统一社会信用代码查询。",
    filters: ["cityCode", "agency", "domain", "dateFrom", "dateTo", "pageSize"],
    labels: { dateFrom: "撤回日期自", dateTo: "撤回日期至" },
    columns: ["原决定编号", "撤回原因", "撤回说明", "执法机关", "执法领域", "撤回日期"],
    // The withdrawal notices, newest withdrawal first; the date range is of
    // the withdrawal.
    async list(v, pageToken) {
      const request = {
        withdrawn: true,
        kind: "DECISION",
        cityCode: v.cityCode,
        agencyCreditCode: v.agency,
        domain: v.domain,
        ...dateRange(v),
        pageSize: Number(v.pageSize),
        pageToken,
      };
      const answer = await call(PENALTIES + "ListPublished", compact(request), { get: true });
      return { records: answer.records || [], next: answer.nextPageToken || "" };
    },
    key: (r) => [r.agencyCreditCode, r.sourceId],
    cells(r) {
      return [
        el("td", { "data-field": "number" }, r.sourceId),
        el("td", { "data-field": "reason" }, WITHDRAWAL_REASONS[r.withdrawalReason] || r.withdrawalReason || ""),
        el("td", { "data-field": "explanation", class: "para" }, r.withdrawalExplanation || ""),
        agencyNode("td", r.agencyCreditCode, { "data-field": "agency" }),
        el("td", { "data-field": "domain" }, domainName(r.domain)),
        el("td", { "data-field": "date" }, r.withdrawnOn || ""),
      ];
    },
    detail: (r) => publishedDetail("DECISION", r),
  },

  inspections: {
    title: "“双随机、一公开”抽查结果",
    note: "可按检查对象名称（至少两个字，包含即可）、统一社会信用代码、地市、检查机关、执法领域、抽查结果和检查日期查询。自然人检查对象按公示的脱敏姓名查询。",
    filters: ["objectName", "creditCode", "cityCode", "agency", "domain", "outcome", "dateFrom", "dateTo", "pageSize"],
    labels: { agency: "检查机关", dateFrom: "检查日期自", dateTo: "检查日期至" },
    columns: ["检查对象", "统一社会信用代码 / 证件号码", "抽查结果", "检查日期", "检查机关", "执法领域", "抽查任务"],
    async list(v, pageToken) {
      const request = {
        objectName: v.objectName?.trim(),
        creditCode: v.creditCode?.trim().toUpperCase(),
        cityCode: v.cityCode,
        agencyCreditCode: v.agency,
        domain: v.domain,
        ...dateRange(v),
        outcome: v.outcome,
        pageSize: Number(v.pageSize),
        pageToken,
      };
      const answer = await call(INSPECTIONS + "SearchResults", compact(request), { get: true });
      return { records: answer.results || [], next: answer.nextPageToken || "" };
    },
    key: (r) => [r.agencyCreditCode, r.sourceId],
    cells(r) {
      const o = r.object || {};
      return [
        el("td", { "data-field": "party" }, o.name || ""),
        el("td", { "data-field": "partyNumber" }, o.creditCode || o.idNumber || o.objectCode || ""),
        el(
          "td",
          { "data-field": "outcome" },
          el(
            "span",
            { class: PROBLEM_OUTCOMES.has(r.outcome) ? "tag problem" : "tag" },
            OUTCOMES[r.outcome] || r.outcome || "",
          ),
        ),
        el("td", { "data-field": "date" }, r.checkedOn || ""),
        agencyNode("td", r.agencyCreditCode, { "data-field": "agency" }),
        el("td", { "data-field": "domain" }, domainName(r.domain)),
        el("td", { "data-field": "task" }, r.taskSourceId || ""),
      ];
    },
    detail: (r) => Promise.resolve(inspectionDetail(r)),
  },

  reviews: {
    title: "行政执法案卷评查结果",
    note: "可按年度、季度、被评查单位所在地市、被评查单位（选择或填写统一社会信用代码）和评查结束日期查询。",
    filters: ["year", "quarter", "cityCode", "agency", "creditCode", "dateFrom", "dateTo", "pageSize"],
    labels: {
      cityCode: "被评查单位所在地市",
      agency: "被评查单位",
      creditCode: "被评查单位统一社会信用代码",
      dateFrom: "评查结束日期自",
      dateTo: "评查结束日期至",
    },
    columns: ["被评查单位", "评查单位", "年度季度", "评查案卷数", "发现问题", "整改期限", "公示日期"],
    async list(v, pageToken) {
      const request = {
        year: yearOf(v),
        quarter: v.quarter ? Number(v.quarter) : undefined,
        cityCode: v.cityCode,
        reviewedUnit: v.agency || v.creditCode?.trim().toUpperCase(),
        ...dateRange(v),
        pageSize: Number(v.pageSize),
        pageToken,
      };
      const answer = await call(SUPERVISION + "ListReviews", compact(request), { get: true });
      return { records: answer.reviews || [], next: answer.nextPageToken || "" };
    },
    key: (r) => [r.agencyCreditCode, r.sourceId],
    cells(r) {
      const problems = r.problems || [];
      return [
        agencyNode("td", r.reviewedUnit, { "data-field": "party" }),
        agencyNode("td", r.reviewedBy, { "data-field": "reviewedBy" }),
        el("td", { "data-field": "quarter" }, r.year ? `${r.year} 年第 ${r.quarter} 季度` : ""),
        el("td", { "data-field": "files" }, String(r.filesReviewed ?? "")),
        el(
          "td",
          { "data-field": "problems" },
          problems.length
            ? problems.map((p) => `${PROBLEM_TYPES[p.type] || p.type}（${p.files} 件）`).join("；")
            : "未发现问题",
        ),
        el("td", { "data-field": "date" }, r.rectificationDeadline || ""),
        el("td", { "data-field": "publishedOn" }, r.publishedOn || ""),
      ];
    },
    async detail(r) {
      const review = await call(
        SUPERVISION + "GetReview",
        { agencyCreditCode: r.agencyCreditCode, sourceId: r.sourceId },
        { get: true },
      );
      return reviewDetail(review);
    },
  },

  supervisions: {
    title: "行政执法专项监督结果",
    note: "可按结束年度、结束日期、地市、组织单位，以及发现问题的执法领域和整改责任单位（统一社会信用代码）查询。列表为摘要，点击一行查看发现问题清单和点名道姓的典型案例。",
    filters: ["year", "cityCode", "agency", "domain", "creditCode", "dateFrom", "dateTo", "pageSize"],
    labels: {
      agency: "组织单位",
      domain: "问题所属执法领域",
      creditCode: "整改责任单位统一社会信用代码",
      dateFrom: "结束日期自",
      dateTo: "结束日期至",
    },
    columns: ["监督事项", "组织单位", "部署方式", "监督期间", "发现问题数", "公示日期"],
    async list(v, pageToken) {
      const request = {
        year: yearOf(v),
        cityCode: v.cityCode,
        agencyCreditCode: v.agency,
        domain: v.domain,
        unit: v.creditCode?.trim().toUpperCase(),
        ...dateRange(v),
        pageSize: Number(v.pageSize),
        pageToken,
      };
      const answer = await call(SUPERVISION + "ListSupervisions", compact(request), { get: true });
      return { records: answer.supervisions || [], next: answer.nextPageToken || "" };
    },
    key: (r) => [r.agencyCreditCode, r.sourceId],
    cells(r) {
      return [
        el("td", { "data-field": "party" }, r.topic || ""),
        agencyNode("td", r.agencyCreditCode, { "data-field": "agency" }),
        el("td", { "data-field": "deployment" }, DEPLOYMENTS[r.deployment] || r.deployment || ""),
        el("td", { "data-field": "date" }, period(r.startedOn, r.endedOn)),
        el("td", { "data-field": "problems" }, String(r.problemCount ?? 0)),
        el("td", { "data-field": "publishedOn" }, r.publishedOn || ""),
      ];
    },
    async detail(r) {
      const supervision = await call(
        SUPERVISION + "GetSupervision",
        { agencyCreditCode: r.agencyCreditCode, sourceId: r.sourceId },
        { get: true },
      );
      return supervisionDetail(supervision);
    },
  },
};

// ------------------------------------------------------------------ details

// A definition list of the pairs whose value is not empty.
function dl(pairs) {
  const children = [];
  for (const [term, value, field] of pairs) {
    if (!nonEmpty(value)) continue;
    children.push(
      el("dt", {}, term),
      el(
        "dd",
        { "data-field": field, class: typeof value === "string" && value.length > 40 ? "para" : undefined },
        value,
      ),
    );
  }
  return el("dl", {}, children);
}

const list = (items) =>
  items && items.length
    ? el(
        "ul",
        {},
        items.map((i) => el("li", { class: "para" }, i)),
      )
    : "";


// The rows of a published decision's or measure's party, agency and domain.
function partyRows(r, p) {
  return [
    ["当事人类型", PARTY_KINDS[p.kind] || p.kind, "partyKind"],
    ["当事人", p.name, "party"],
    [p.kind === "NATURAL_PERSON" ? "身份证件号码" : "统一社会信用代码", partyNumber(p), "partyNumber"],
    [p.kind === "INDIVIDUAL_BUSINESS" ? "经营者" : "法定代表人", p.legalRepresentative, "legalRepresentative"],
    ["执法机关", agencyNode("span", r.agencyCreditCode), "agency"],
    ["执法领域", domainName(r.domain), "domain"],
  ];
}
async function publishedDetail(kind, row) {
  const r = await call(
    PENALTIES + "GetPublished",
    { kind, agencyCreditCode: row.agencyCreditCode, sourceId: row.sourceId },
    { get: true },
  );
  const nodes = [];
  if (r.withdrawn) {
    nodes.push(
      el("h2", {}, "行政处罚决定撤回公告"),
      el(
        "p",
        { class: "notice" },
        `该行政处罚决定已于 ${r.withdrawnOn || ""} 撤回（${WITHDRAWAL_REASONS[r.withdrawalReason] || r.withdrawalReason || ""}），原决定不再公示。`,
      ),
      dl([
        ["原决定编号", r.sourceId, "sourceId"],
        ["执法机关", agencyNode("span", r.agencyCreditCode), "agency"],
        ["执法领域", domainName(r.domain), "domain"],
        ["原公示日期", r.publishedOn, "publishedOn"],
        ["撤回原因", WITHDRAWAL_REASONS[r.withdrawalReason] || r.withdrawalReason, "reason"],
        ["撤回说明", r.withdrawalExplanation, "explanation"],
        ["撤回日期", r.withdrawnOn, "withdrawnOn"],
        ["撤回公告时效", timelinessText(r.withdrawalTimeliness), "withdrawalTimeliness"],
      ]),
    );
  }
  if (r.decision) {
    const d = r.decision;
    const p = d.party || {};
    nodes.push(
      el("h2", {}, "行政处罚决定"),
      dl([
        ["决定书文号", d.decisionNumber, "number"],
        ...partyRows(r, p),
        ["违法事实", d.facts, "facts"],
        ["违反的规定", (d.violated || []).map(provision).join("；"), "violated"],
        ["处罚依据", (d.applied || []).map(provision).join("；"), "applied"],
        ["处罚内容", penaltyResult(d.result), "result"],
        ["法律适用说明", d.legalApplicationExplanation, "explanation"],
        [
          "适用裁量基准",
          d.benchmarkTier
            ? `${d.benchmarkViolationCode || ""} 第${d.benchmarkTier}档（${TIERS[d.benchmarkTier] || ""}）`
            : "",
          "benchmark",
        ],
        ["执法人员执法证号", (d.officers || []).join("、"), "officers"],
        ["救济途径", remedyText(d.remedy), "remedy"],
        ["决定日期", d.decisionDate, "date"],
        ["信用等级", SEVERITIES[d.severity] || "", "severity"],
        ["公示日期", r.publishedOn, "publishedOn"],
        ["公示截止", r.publicUntil, "publicUntil"],
        ["公示时效", timelinessText(r.timeliness), "timeliness"],
      ]),
    );
  }
  if (r.measure) {
    const m = r.measure;
    const p = m.party || {};
    nodes.push(
      el("h2", {}, "行政强制措施"),
      dl([
        ["文书号", m.documentNumber, "number"],
        ...partyRows(r, p),
        ["措施类型", MEASURE_TYPES[m.type] || m.type, "type"],
        ["法律依据", (m.legalBasis || []).map(provision).join("；"), "legalBasis"],
        ["对象名称", m.objectName, "object"],
        ["对象数量", m.objectQuantity, "quantity"],
        ["期限", period(m.periodStart, m.periodEnd), "date"],
        ["解除条件及程序", m.releaseConditions, "releaseConditions"],
        ["必要性说明", m.necessityStatement, "necessity"],
        ["救济途径", remedyText(m.remedy), "remedy"],
        ["解除日期", r.releasedOn, "releasedOn"],
        ["公示日期", r.publishedOn, "publishedOn"],
        ["公示时效", timelinessText(r.timeliness), "timeliness"],
      ]),
    );
  }
  return nodes;
}

function inspectionDetail(r) {
  const o = r.object || {};
  return [
    el("h2", {}, "“双随机、一公开”抽查结果"),
    dl([
      ["检查对象", o.name, "party"],
      [
        "对象类型",
        o.kind === "NATURAL_PERSON" ? "自然人" : o.kind === "ORGANIZATION" ? "法人或其他组织" : "",
        "partyKind",
      ],
      [o.kind === "NATURAL_PERSON" ? "身份证件号码" : "统一社会信用代码", o.creditCode || o.idNumber, "partyNumber"],
      ["对象编码", o.objectCode, "objectCode"],
      ["检查机关", agencyNode("span", r.agencyCreditCode), "agency"],
      ["执法领域", domainName(r.domain), "domain"],
      ["抽查任务", r.taskSourceId, "task"],
      ["检查事项", (r.items || []).join("、"), "items"],
      ["检查日期", r.checkedOn, "date"],
      ["抽查结果", OUTCOMES[r.outcome] || r.outcome, "outcome"],
      ["发现的问题", r.problems, "problems"],
      ["整改要求", r.rectificationRequirement, "rectification"],
      ["整改期限", r.rectificationDeadline, "deadline"],
      ["公示日期", r.publishedOn, "publishedOn"],
      ["公示时效", timelinessText(r.timeliness), "timeliness"],
    ]),
  ];
}

function reviewDetail(r) {
  const rect = r.rectification;
  const rectText = rect
    ? `${RECTIFICATION_STATES[rect.state] || rect.state || ""}${rect.report ? `：${rect.report.doneOn || ""} 完成整改。${rect.report.description || ""}` : ""}`
    : "";
  return [
    el("h2", {}, "行政执法案卷评查结果"),
    dl([
      ["被评查单位", agencyNode("span", r.reviewedUnit), "party"],
      ["评查单位", agencyNode("span", r.reviewedBy), "reviewedBy"],
      ["组织单位", agencyNode("span", r.agencyCreditCode), "agency"],
      ["评查轮次", r.roundSourceId, "round"],
      ["年度季度", r.year ? `${r.year} 年第 ${r.quarter} 季度` : "", "quarter"],
      ["评查案卷数", r.filesReviewed ? String(r.filesReviewed) : "", "files"],
      ["整改要求", r.rectificationRequirement, "rectification"],
      ["整改期限", r.rectificationDeadline, "deadline"],
      ["整改情况", rectText, "rectificationState"],
      ["公示日期", r.publishedOn, "publishedOn"],
      ["公示时效", timelinessText(r.timeliness), "timeliness"],
    ]),
    el("h3", {}, "发现的问题"),
    (r.problems || []).length
      ? list(r.problems.map((p) => `${PROBLEM_TYPES[p.type] || p.type}（${p.files} 件）：${p.description}`))
      : el("p", { class: "note" }, "未发现问题。"),
    (r.excellentCases || []).length > 0 && [
      el("h3", {}, "优秀案卷"),
      list(
        r.excellentCases.map(
          (c) =>
            `${c.caseNumber}（${CASE_TYPES[c.caseType] || c.caseType || ""}）${c.title}${c.party?.name ? `，当事人：${c.party.name}` : ""}\n${c.summary || ""}`,
        ),
      ),
    ],
  ];
}

function supervisionDetail(s) {
  const problemRows = (s.problems || []).map((p) =>
    el(
      "tr",
      {},
      el("td", {}, p.id),
      agencyNode("td", p.unit),
      el("td", {}, domainName(p.domain)),
      el("td", { class: "para" }, p.description),
      el("td", { class: "para" }, p.rectificationRequirement),
      el("td", {}, p.rectificationDeadline),
    ),
  );
  const counts = (items, label) => (items || []).map((c) => `${label(c)}：${c.problems} 个`).join("；");
  return [
    el("h2", {}, "行政执法专项监督结果"),
    dl([
      ["监督事项", s.topic, "party"],
      ["组织单位", agencyNode("span", s.agencyCreditCode), "agency"],
      ["部署方式", [DEPLOYMENTS[s.deployment] || s.deployment, s.deployedBy].filter(Boolean).join("："), "deployment"],
      ["监督范围", s.scope, "scope"],
      ["检查方式", (s.methods || []).join("、"), "methods"],
      ["监督期间", period(s.startedOn, s.endedOn), "date"],
      ["发现问题数", String(s.problemCount ?? (s.problems || []).length), "problemCount"],
      ["分单位统计", counts(s.problemsByUnit, (c) => c.name || c.key), "byUnit"],
      ["分领域统计", counts(s.problemsByDomain, (c) => domainName(c.key)), "byDomain"],
      ["公示日期", s.publishedOn, "publishedOn"],
      ["公示时效", timelinessText(s.timeliness), "timeliness"],
    ]),
    el("h3", {}, "发现问题清单"),
    problemRows.length
      ? el(
          "div",
          { class: "table-wrap" },
          el(
            "table",
            {},
            el(
              "thead",
              {},
              el(
                "tr",
                {},
                ["编号", "整改责任单位", "领域", "问题", "整改要求", "整改期限"].map((h) => el("th", {}, h)),
              ),
            ),
            el("tbody", {}, problemRows),
          ),
        )
      : el("p", { class: "note" }, "未发现问题。"),
    (s.namedCases || []).length > 0 && [
      el("h3", {}, "典型案例（点名道姓）"),
      list(
        s.namedCases.map(
          (c) =>
            `${agencyNames.get(c.unit) || c.unit}：${c.title}\n${c.description}\n处理措施：${(c.handling || []).map((h) => HANDLINGS[h] || h).join("、")}${c.handlingDetail ? `（${c.handlingDetail}）` : ""}`,
        ),
      ),
    ],
  ];
}

// ------------------------------------------------------------------- the page

const kindSelect = document.getElementById("kind");
const form = document.getElementById("search-form");
const citySelect = document.getElementById("city");
const agencySelect = document.getElementById("agency");
const results = document.getElementById("results");
const thead = results.querySelector("thead");
const tbody = results.querySelector("tbody");
const summary = document.getElementById("summary");
const searchError = document.getElementById("search-error");
const prevButton = document.getElementById("prev-page");
const nextButton = document.getElementById("next-page");
const pageNumber = document.getElementById("page-number");
const detail = document.getElementById("detail");

const DEFAULT_LABELS = {
  creditCode: "统一社会信用代码",
  cityCode: "地市",
  agency: "执法机关",
  domain: "执法领域",
  dateFrom: "日期自",
  dateTo: "日期至",
};

show(
  citySelect,
  el("option", { value: "" }, "全省"),
  CITIES.map(([code, name]) => el("option", { value: code }, name)),
);
show(
  document.getElementById("domain"),
  el("option", { value: "" }, "全部"),
  Object.entries(DOMAINS).map(([code, name]) => el("option", { value: code }, name)),
);
show(
  document.getElementById("outcome"),
  el("option", { value: "" }, "全部"),
  Object.entries(OUTCOMES).map(([code, name]) => el("option", { value: code }, name)),
);

// The search being shown: its kind, filters, the page tokens seen so far
// (tokens[i] opens page i), and which page.
const state = { kind: "decisions", values: {}, tokens: [""], page: 0, next: "", serial: 0, records: [] };

function currentKind() {
  return KINDS[kindSelect.value] ? kindSelect.value : "decisions";
}

// Shows the filters of the kind, and only those go into its requests
// (hidden ones are disabled, so the form leaves them out).
function applyKind(kind) {
  const spec = KINDS[kind];
  for (const label of form.querySelectorAll("[data-filter]")) {
    const on = spec.filters.includes(label.dataset.filter);
    label.hidden = !on;
    for (const input of label.querySelectorAll("input, select")) input.disabled = !on;
  }
  for (const span of form.querySelectorAll("[data-filter-label]")) {
    const name = span.dataset.filterLabel;
    span.textContent = spec.labels[name] || DEFAULT_LABELS[name];
  }
  if (agencySelect.options.length <= 1) agencySelect.disabled = true;
  document.getElementById("kind-note").textContent = spec.note;
  document.getElementById("results-title").textContent = `查询结果：${spec.title}`;
  show(
    thead,
    el(
      "tr",
      {},
      spec.columns.map((c) => el("th", {}, c)),
    ),
  );
}

// The agency list of the chosen city (read once per city).
async function fillAgencies(wanted = "") {
  const city = citySelect.value;
  const label = form.querySelector('[data-filter="agency"]');
  if (!city) {
    show(agencySelect, el("option", { value: "" }, "全部（先选择地市）"));
    agencySelect.disabled = true;
    return;
  }
  show(agencySelect, el("option", { value: "" }, "读取中……"));
  agencySelect.disabled = true;
  const agencies = await agenciesOf(city);
  if (citySelect.value !== city) return;
  if (!agencies) {
    show(agencySelect, el("option", { value: "" }, "全部（执法机关名单暂不可用）"));
    return;
  }
  show(
    agencySelect,
    el("option", { value: "" }, `全部（${agencies.length} 个）`),
    agencies.map((a) => el("option", { value: a.creditCode }, a.name)),
  );
  agencySelect.disabled = label.hidden;
  if (wanted) agencySelect.value = wanted;
}

function selectRow(row) {
  for (const tr of tbody.querySelectorAll("tr.selected")) tr.classList.remove("selected");
  row.classList.add("selected");
  row.setAttribute("aria-selected", "true");
}

async function openDetail(record, row) {
  const spec = KINDS[state.kind];
  const [agency, sourceId] = spec.key(record);
  selectRow(row);
  detail.hidden = false;
  detail.dataset.state = "loading";
  detail.dataset.key = `${agency}/${sourceId}`;
  detail.dataset.sourceId = sourceId;
  show(detail, el("p", { class: "note" }, "读取中……"));
  const serial = ++state.detailSerial;
  try {
    const nodes = await spec.detail(record);
    if (serial !== state.detailSerial) return;
    show(
      detail,
      [nodes].flat(Infinity),
      el(
        "p",
        {},
        el("button", { type: "button", class: "secondary", id: "close-detail", onclick: closeDetail }, "关闭"),
      ),
    );
    detail.dataset.state = "done";
    nameAgencies(detail);
  } catch (error) {
    if (serial !== state.detailSerial) return;
    show(detail, el("p", { class: "error", id: "detail-error" }, explain(error)));
    detail.dataset.state = "error";
  }
  detail.scrollIntoView({ block: "start" });
}
state.detailSerial = 0;

function closeDetail() {
  state.detailSerial++;
  detail.hidden = true;
  show(detail);
  delete detail.dataset.key;
  delete detail.dataset.state;
  for (const tr of tbody.querySelectorAll("tr.selected")) tr.classList.remove("selected");
}

function renderRows(spec, records) {
  if (records.length === 0) {
    show(tbody, el("tr", { class: "empty" }, el("td", { colspan: spec.columns.length }, "未查到符合条件的公示信息。")));
    return;
  }
  show(
    tbody,
    records.map((record) => {
      const [agency, sourceId] = spec.key(record);
      const row = el(
        "tr",
        { tabindex: "0", "data-key": `${agency}/${sourceId}`, "data-source-id": sourceId, "data-agency-code": agency },
        spec.cells(record),
      );
      row.addEventListener("click", () => openDetail(record, row));
      row.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          openDetail(record, row);
        }
      });
      return row;
    }),
  );
}

async function load() {
  const spec = KINDS[state.kind];
  const serial = ++state.serial;
  results.dataset.state = "loading";
  results.dataset.search = String(serial);
  summary.textContent = "查询中……";
  searchError.hidden = true;
  prevButton.disabled = true;
  nextButton.disabled = true;
  try {
    const answer = await spec.list(state.values, state.tokens[state.page]);
    if (serial !== state.serial) return;
    state.next = answer.next;
    state.records = answer.records;
    renderRows(spec, answer.records);
    const more = answer.next ? "，可查看下一页" : "，已是最后一页";
    summary.textContent = `${spec.title}：第 ${state.page + 1} 页，本页 ${answer.records.length} 条${more}。`;
    pageNumber.textContent = `第 ${state.page + 1} 页`;
    prevButton.disabled = state.page === 0;
    nextButton.disabled = !answer.next;
    results.dataset.state = "done";
    results.dataset.page = String(state.page + 1);
    nameAgencies(tbody);
  } catch (error) {
    if (serial !== state.serial) return;
    show(tbody);
    summary.textContent = "";
    searchError.textContent = explain(error);
    searchError.hidden = false;
    prevButton.disabled = state.page === 0;
    results.dataset.state = "error";
  }
}

// A new search: the form's filters for the chosen kind, from page 1.
function search() {
  state.kind = currentKind();
  const values = formValues(form);
  state.values = { pageSize: "10", ...values };
  state.tokens = [""];
  state.page = 0;
  closeDetail();
  rememberInUrl();
  return load();
}

// The search in the address, so that it can be shared or reloaded.
function rememberInUrl() {
  const params = new URLSearchParams({ kind: state.kind });
  for (const [name, value] of Object.entries(state.values)) {
    if (value && !(name === "pageSize" && value === "10")) params.set(name, value);
  }
  history.replaceState(null, "", `${location.pathname}?${params}`);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!form.reportValidity()) return;
  search();
});
form.addEventListener("reset", () => {
  setTimeout(() => {
    applyKind(currentKind());
    fillAgencies();
  });
});
kindSelect.addEventListener("change", () => {
  applyKind(currentKind());
  search();
});
citySelect.addEventListener("change", () => fillAgencies());
nextButton.addEventListener("click", () => {
  if (!state.next) return;
  state.tokens[state.page + 1] = state.next;
  state.tokens.length = state.page + 2;
  state.page += 1;
  closeDetail();
  load();
});
prevButton.addEventListener("click", () => {
  if (state.page === 0) return;
  state.page -= 1;
  closeDetail();
  load();
});

// Opening the page: the search in its address, or the latest decisions.
async function start() {
  const params = new URLSearchParams(location.search);
  if (KINDS[params.get("kind")]) kindSelect.value = params.get("kind");
  applyKind(currentKind());
  for (const [name, value] of params) {
    const input = form.elements.namedItem(name);
    if (input && name !== "agency" && !(input instanceof RadioNodeList)) input.value = value;
  }
  const agencyWanted = params.get("agency") || "";
  if (citySelect.value) await fillAgencies(agencyWanted);
  await search();
}

start();
