// 省级监测看板: the plan's four KPIs per city against their 100% targets,
// overdue records by kind, the case-review coverage against its target, the
// live-inspection pilot against its targets and the open supervision leads.
// Every figure comes from the province's API (the same counts Prometheus
// exports: the overdue records are GetKpis' overdue, the services'
// gongkai_disclosures_overdue) and opens the records behind it (#drill).
// The pilot's targets are the inspections service's (ListPilotUnits).
//
// Each figure shown carries data-figure (kpi, overdue, review,
// review-rounds, pilot-units, pilot-sectors, leads), its keys (data-city:
// "province" or a city code; data-kpi, data-kind, data-quarter, data-rule)
// and data-value, the number the API gave.
import { ApiError, call, el, explain, formValues, show } from "/api.js";
import { CITY_NAMES, DOMAINS } from "/names.js";

const TOKEN_KEY = "gongkai.dashboard.token";
const SUPERVISION = "gongkai.supervision.v1.SupervisionService/";
const INSPECTIONS = "gongkai.inspections.v1.InspectionsService/";

const KPIS = [
  ["coverage", "公开覆盖率"],
  ["key_domain_timeliness", "重点领域信息更新及时率"],
  ["consultation_response_rate", "公众咨询回应率"],
  ["standardised_reply_rate", "依申请公开规范答复率"],
];
const KPI_NAMES = Object.fromEntries(KPIS);

// Deadline rules (record kinds) and coverage items.
const RULE_NAMES = {
  qualification_list: "执法主体资格清单",
  powers_item: "权责清单事项",
  flowchart: "执法流程图",
  discretion_benchmark: "裁量基准",
  officer: "执法人员信息",
  inspection_plan: "年度行政检查计划",
  spot_check_result: "双随机抽查结果",
  penalty_decision: "行政处罚决定",
  penalty_withdrawal: "撤回公示",
  coercive_measure: "行政强制措施",
  case_review: "案卷评查结果",
  request: "依申请公开申请",
  special_supervision: "专项监督结果",
  assessment: "执法考核",
  consultation: "公众咨询",
  request_reply: "依申请公开答复",
  powers_listed: "权责清单",
  benchmarks_for_domains: "各领域裁量基准",
  flowcharts_for_domains: "各领域执法流程图",
  officers_listed: "执法人员名单",
  staffing_provisions: "“三定”规定",
  rectification: "整改逾期",
};
const LEAD_RULES = {
  decision_published_late: "处罚、强制决定公示迟延",
  fine_outside_tier: "罚款超出裁量档次",
  agency_list_not_current: "执法主体资格清单未更新",
  outside_powers_list: "超出权责清单",
  officer_without_certificate: "执法人员无有效执法证",
  spot_check_results_late: "抽查结果公示迟延",
  review_results_late: "评查结果公示迟延",
  rectification_overdue: "整改逾期",
  request_overdue: "依申请公开逾期",
  request_very_overdue: "依申请公开严重逾期",
  consultation_overdue: "咨询逾期未答复",
};
const LEAD_STATES = { LEAD_NEW: "新线索", LEAD_IN_HANDLING: "办理中", LEAD_CLOSED: "已办结" };
const SECTORS = {
  FOOD_SERVICE_SAFETY: "餐饮食品安全",
  SPECIAL_EQUIPMENT: "特种设备安全",
  DRUG_SAFETY: "药品安全",
  HAZARDOUS_CHEMICALS: "危险化学品安全",
  GAS_SAFETY: "燃气安全",
  FIRE_SAFETY: "消防安全",
  SCHOOL_FOOD_SAFETY: "校园食品安全",
  CONSTRUCTION_SAFETY: "建筑施工安全",
  ROAD_TRANSPORT_SAFETY: "道路运输安全",
  MEDICAL_INSTITUTIONS: "医疗机构",
};
const CHANNELS = { SHORT_VIDEO: "短视频平台", GOV_NEW_MEDIA: "政务新媒体" };
const SERVICES = {
  registry: "执法主体库",
  penalties: "处罚与强制",
  requests: "依申请公开",
  inspections: "行政检查",
  supervision: "执法监督",
};
// An overdue kind's deadline rule, whose figure's misses are its records
// (the other kinds are their rule's own name).
const OVERDUE_RULES = { request: "request_reply" };
const ruleOfKind = (kind) => OVERDUE_RULES[kind] || kind;

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem(TOKEN_KEY) || "";

// int64 fields arrive as strings, and zero values not at all.
const num = (value) => Number(value || 0);
const pct = (ratio) => `${(ratio * 100).toFixed(1)}%`;
const ruleName = (rule) => RULE_NAMES[rule] || rule;
const leadRuleName = (rule) => LEAD_RULES[rule] || rule;
function cityName(code) {
  if (code === "province") return "全省";
  if (CITY_NAMES[code]) return CITY_NAMES[code];
  if (/^\d{2}0000$/.test(code)) return "省直单位";
  return code || "—";
}
const isCity = (code) => /^\d{4}00$/.test(code) && !/0000$/.test(code);
const api = (method, request) => call(method, request, { token });

// Every page of a list, in order.
async function allPages(method, request, field) {
  const items = [];
  let pageToken = "";
  for (let page = 0; page < 200; page++) {
    const answer = await api(method, { ...request, pageToken });
    items.push(...(answer[field] || []));
    pageToken = answer.nextPageToken || "";
    if (!pageToken) break;
  }
  return items;
}

function shanghaiYear() {
  return Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
}

// The year's KPIs: the year asked (?year=), else the platform's own year
// (its as_of), which a test platform may pin away from the browser's clock.
async function kpisOfYear() {
  const asked = Number(new URLSearchParams(location.search).get("year"));
  let year = asked || shanghaiYear();
  for (let attempt = 0; ; attempt++) {
    try {
      const kpis = await api(`${SUPERVISION}GetKpis`, { year, maxMisses: 100 });
      const served = Number((kpis.asOf || "").slice(0, 4));
      if (!asked && served && served !== year && attempt < 3) {
        year = served;
        continue;
      }
      return { year, kpis };
    } catch (error) {
      if (!asked && error instanceof ApiError && error.code === "invalid_argument" && attempt < 3) {
        year -= 1;
        continue;
      }
      throw error;
    }
  }
}

// A figure's total, by KPI, in a scope's figures.
const kpiTotal = (scope, kpi) => (scope.kpis || []).find((f) => f.kpi === kpi && !f.rule) || { kpi };
// The misses that still stand: records past their deadline and still not done.
const stillOpen = (misses) => (misses || []).filter((m) => m.open);

async function load() {
  const { year, kpis } = await kpisOfYear();
  const parts = (kpis.parts || []).map((p) => p.scope);
  const pilotCities = parts.filter(isCity);
  const [coverage, pilotProvince, pilotByCity, leadsNew, leadsInHandling, rectifications] = await Promise.all([
    api(`${SUPERVISION}GetReviewCoverage`, { year, pageSize: 1 }),
    api(`${INSPECTIONS}ListPilotUnits`, { year, pageSize: 1 }),
    Promise.all(pilotCities.map((cityCode) => api(`${INSPECTIONS}ListPilotUnits`, { year, cityCode, pageSize: 1 }))),
    allPages(`${SUPERVISION}ListLeads`, { state: "LEAD_NEW", pageSize: 200, year }, "leads"),
    allPages(`${SUPERVISION}ListLeads`, { state: "LEAD_IN_HANDLING", pageSize: 200, year }, "leads"),
    allPages(`${SUPERVISION}ListRectifications`, { state: "OVERDUE", pageSize: 200, year }, "rectifications"),
  ]);
  const pilot = new Map([["province", pilotProvince]]);
  pilotCities.forEach((code, i) => pilot.set(code, pilotByCity[i]));
  const cities = [
    ...new Set([
      ...parts,
      ...(coverage.cities || []).map((c) => c.scope),
      ...pilotCities,
      ...(kpis.overdue || []).map((c) => c.cityCode),
      ...[...leadsNew, ...leadsInHandling].map((l) => l.cityCode),
      ...rectifications.map((r) => r.unitCityCode),
    ]),
  ]
    .filter(Boolean)
    .sort();
  const targets = pilotProvince.targets || {};
  const pilotTargets = { units: targets.units ?? 0, sectors: targets.sectors ?? 0, date: targets.date || "" };
  const leads = [...leadsNew, ...leadsInHandling];
  return { year, kpis, cities, coverage, pilot, pilotTargets, leads, rectifications };
}

// ---- drawing ----

const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const onDrill = (drill) => (event) => {
  event.preventDefault();
  openDrill(drill);
};

// A figure in a table or tile: a link to the records behind it.
function figureLink(attrs, text, drill) {
  return el("a", { href: "#drill", class: "figure", ...attrs, onclick: onDrill(drill) }, text);
}

// A horizontal bar chart, one bar per row, with a dashed target line.
// rows: {label, value (bar length on the scale 0..max), text, short, attrs, drill}.
function barChart({ title, rows, max, target, targetText }) {
  const labelWidth = 12 + 13 * Math.max(4, ...rows.map((row) => row.label.length));
  const barWidth = 300;
  const valueWidth = 120;
  const rowHeight = 22;
  const top = 28;
  const bottom = target === undefined ? 6 : 20;
  const width = labelWidth + barWidth + valueWidth;
  const height = top + rows.length * rowHeight + bottom;
  const scale = (value) => (max > 0 ? Math.max(0, Math.min(1, value / max)) * barWidth : 0);
  const chart = svg(
    "svg",
    { class: "chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "group", "aria-label": title },
    svg("text", { x: 0, y: 16, class: "chart-title" }, title),
  );
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    chart.append(
      svg(
        "a",
        { href: "#drill", class: "figure", ...row.attrs, onclick: onDrill(row.drill) },
        svg("title", {}, `${row.label}：${row.text}`),
        svg("text", { x: labelWidth - 6, y: y + 15, "text-anchor": "end" }, row.label),
        svg("rect", { x: labelWidth, y: y + 4, width: barWidth, height: rowHeight - 8, class: "track" }),
        svg("rect", {
          x: labelWidth,
          y: y + 4,
          width: scale(row.value).toFixed(1),
          height: rowHeight - 8,
          class: row.short ? "bar short" : "bar",
        }),
        svg("text", { x: labelWidth + barWidth + 6, y: y + 15, class: "value" }, row.text),
      ),
    );
  });
  if (target !== undefined) {
    const x = (labelWidth + scale(target)).toFixed(1);
    chart.append(
      svg("line", { x1: x, x2: x, y1: top - 2, y2: height - bottom + 2, class: "target" }),
      svg("text", { x, y: height - 5, "text-anchor": "middle", class: "target-label" }, targetText),
    );
  }
  return chart;
}

function table(head, rows) {
  return [el("thead", {}, el("tr", {}, head.flat(Infinity))), el("tbody", {}, rows.flat(Infinity))];
}
const th = (text, attrs = {}) => el("th", attrs, text);
const numCell = (figure, { short = false, zero = false, extra } = {}) =>
  el("td", { class: `num${short ? " short" : ""}${zero ? " zero" : ""}` }, figure, extra);

// ---- sections ----

function kpiAttrs(kpi, city, figure) {
  const ratio = figure.ratio ?? 0;
  return {
    "data-figure": "kpi",
    "data-kpi": kpi,
    "data-city": city,
    "data-value": String(ratio),
    "data-due": String(num(figure.due)),
    "data-met": String(num(figure.met)),
  };
}

function renderKpis(data) {
  const scopes = [data.kpis.total, ...(data.kpis.parts || [])];
  const cityOf = (scope) => (scope === data.kpis.total ? "province" : scope.scope);
  const drillOf = (kpi, city) => ({ kind: "kpi", kpi, city, year: data.year, province: data.kpis });

  // The province's four figures at a glance.
  show(
    $("kpi-tiles"),
    KPIS.map(([kpi, name]) => {
      const f = kpiTotal(data.kpis.total, kpi);
      const ratio = f.ratio ?? 0;
      return el(
        "div",
        { class: `tile ${ratio < 1 ? "short" : "met"}` },
        el("span", { class: "name" }, `全省${name}`),
        figureLink(kpiAttrs(kpi, "province", f), pct(ratio), drillOf(kpi, "province")),
        el("span", { class: "count" }, `${num(f.met)} / ${num(f.due)}`),
      );
    }),
  );

  show(
    $("kpi-charts"),
    KPIS.map(([kpi, name]) =>
      barChart({
        title: `${name}（目标 100%）`,
        max: 1,
        target: 1,
        targetText: "目标 100%",
        rows: scopes.map((scope) => {
          const f = kpiTotal(scope, kpi);
          const ratio = f.ratio ?? 0;
          const city = cityOf(scope);
          return {
            label: cityName(city),
            value: ratio,
            text: `${pct(ratio)}（${num(f.met)}/${num(f.due)}）`,
            short: ratio < 1,
            attrs: kpiAttrs(kpi, city, f),
            drill: drillOf(kpi, city),
          };
        }),
      }),
    ),
  );

  show(
    $("kpi-table"),
    table(
      [th("城市"), KPIS.map(([, name]) => th(name, { class: "num" }))],
      scopes.map((scope) => {
        const city = cityOf(scope);
        return el(
          "tr",
          { class: city === "province" ? "total" : undefined },
          th(cityName(city), { scope: "row" }),
          KPIS.map(([kpi]) => {
            const f = kpiTotal(scope, kpi);
            const ratio = f.ratio ?? 0;
            return numCell(figureLink(kpiAttrs(kpi, city, f), pct(ratio), drillOf(kpi, city)), {
              short: ratio < 1,
              extra: el("span", { class: "count" }, `${num(f.met)}/${num(f.due)}`),
            });
          }),
        );
      }),
    ),
  );
}

// Overdue records by kind and city: the records past their deadline and
// still not done on the day the API answered, of every year, as each service
// counts them for its gongkai_disclosures_overdue gauge (GetKpis' overdue);
// and the rectifications of the year past their deadline
// (ListRectifications).
function overdueCounts(data) {
  const counts = new Map(); // kind -> Map(city -> n)
  for (const c of data.kpis.overdue || []) {
    if (!counts.has(c.kind)) counts.set(c.kind, new Map());
    const byCity = counts.get(c.kind);
    byCity.set(c.cityCode, (byCity.get(c.cityCode) || 0) + num(c.count));
  }
  const byCity = new Map();
  for (const r of data.rectifications) byCity.set(r.unitCityCode, (byCity.get(r.unitCityCode) || 0) + 1);
  counts.set("rectification", byCity);
  return counts;
}

function overdueAttrs(kind, city, value) {
  return {
    "data-figure": "overdue",
    "data-kind": kind,
    "data-city": city,
    "data-value": String(value),
  };
}

function renderOverdue(data) {
  const counts = overdueCounts(data);
  const total = (byCity) => [...byCity.values()].reduce((a, b) => a + b, 0);
  const kinds = [...counts.keys()];
  const drillOf = (kind, city, count) => ({
    kind: "overdue",
    rule: kind,
    city,
    count,
    year: data.year,
    asOf: data.kpis.asOf || "",
    province: data.kpis,
  });
  const max = Math.max(1, ...kinds.map((k) => total(counts.get(k))));
  show(
    $("overdue-chart"),
    barChart({
      title: "全省逾期记录（按类别）",
      max,
      rows: kinds.map((kind) => {
        const value = total(counts.get(kind));
        return {
          label: ruleName(kind),
          value,
          text: `${value} 条`,
          short: value > 0,
          attrs: overdueAttrs(kind, "province", value),
          drill: drillOf(kind, "province", value),
        };
      }),
    }),
  );
  show(
    $("overdue-table"),
    table(
      [th("类别"), th("全省", { class: "num" }), data.cities.map((c) => th(cityName(c), { class: "num" }))],
      kinds.map((kind) => {
        const byCity = counts.get(kind);
        const cell = (city, value) =>
          numCell(figureLink(overdueAttrs(kind, city, value), String(value), drillOf(kind, city, value)), {
            short: value > 0,
            zero: value === 0,
          });
        return el(
          "tr",
          {},
          th(ruleName(kind), { scope: "row", title: kind }),
          cell("province", total(byCity)),
          data.cities.map((city) => cell(city, byCity.get(city) || 0)),
        );
      }),
    ),
  );
}

function renderReview(data) {
  const coverage = data.coverage;
  const target = coverage.target ?? 0;
  const figures = [{ scope: "province", ...coverage.total }, ...(coverage.cities || [])];
  const attrs = (f) => ({
    "data-figure": "review",
    "data-city": f.scope || "province",
    "data-value": String(f.ratio ?? 0),
    "data-units": String(f.enforcementUnits ?? 0),
    "data-reviewed": String(f.reviewedUnits ?? 0),
  });
  const drillOf = (f) => ({ kind: "review", city: f.scope || "province", year: data.year, figure: f });
  show(
    $("review-chart"),
    barChart({
      title: `已评查执法单位占比（目标 ${pct(target)}）`,
      max: 1,
      target,
      targetText: `目标 ${pct(target)}`,
      rows: figures.map((f) => ({
        label: cityName(f.scope || "province"),
        value: f.ratio ?? 0,
        text: `${pct(f.ratio ?? 0)}（${f.reviewedUnits ?? 0}/${f.enforcementUnits ?? 0}）`,
        short: !f.meetsTarget,
        attrs: attrs(f),
        drill: drillOf(f),
      })),
    }),
  );
  show(
    $("review-table"),
    table(
      [th("城市"), th("覆盖率", { class: "num" }), th("已评查 / 执法单位", { class: "num" })],
      figures.map((f) =>
        el(
          "tr",
          { class: (f.scope || "province") === "province" ? "total" : undefined },
          th(cityName(f.scope || "province"), { scope: "row" }),
          numCell(figureLink(attrs(f), pct(f.ratio ?? 0), drillOf(f)), { short: !f.meetsTarget }),
          el("td", { class: "num" }, `${f.reviewedUnits ?? 0} / ${f.enforcementUnits ?? 0}`),
        ),
      ),
    ),
  );
  show(
    $("quarter-table"),
    table(
      [th("季度"), th("已完成评查轮次", { class: "num" })],
      (coverage.quarters || []).map((q) => {
        const rounds = q.completedRounds ?? 0;
        return el(
          "tr",
          {},
          th(`${data.year}年第${q.quarter}季度${q.ended ? "" : "（未结束）"}`, { scope: "row" }),
          numCell(
            figureLink(
              {
                "data-figure": "review-rounds",
                "data-quarter": String(q.quarter),
                "data-city": "province",
                "data-value": String(rounds),
              },
              String(rounds),
              { kind: "rounds", quarter: q.quarter, year: data.year, count: rounds },
            ),
            { short: q.ended && rounds === 0, zero: rounds === 0 },
          ),
        );
      }),
    ),
  );
}

function renderPilot(data) {
  const targets = data.pilotTargets;
  const province = data.pilot.get("province") || {};
  const units = province.unitCount ?? 0;
  const sectors = province.sectorCount ?? 0;
  // A count against its target (a target of 0 is met).
  const share = (value, target) => (target > 0 ? value / target : 1);
  const max = Math.max(1, share(units, targets.units), share(sectors, targets.sectors));
  const attrs = (measure, city, value) => ({ "data-figure": `pilot-${measure}`, "data-city": city, "data-value": String(value) });
  const drillOf = (measure, city, count) => ({ kind: "pilot", measure, city, year: data.year, count });
  show(
    $("pilot-chart"),
    barChart({
      title: `全省试点进度（目标：${targets.date} 前）`,
      max,
      target: 1,
      targetText: "目标",
      rows: [
        {
          label: "试点单位",
          value: share(units, targets.units),
          text: `${units} 个 / 目标 ${targets.units}`,
          short: units < targets.units,
          attrs: attrs("units", "province", units),
          drill: drillOf("units", "province", units),
        },
        {
          label: "重点领域",
          value: share(sectors, targets.sectors),
          text: `${sectors} 个 / 目标 ${targets.sectors}`,
          short: sectors < targets.sectors,
          attrs: attrs("sectors", "province", sectors),
          drill: drillOf("sectors", "province", sectors),
        },
      ],
    }),
  );
  const scopes = ["province", ...[...data.pilot.keys()].filter((c) => c !== "province")];
  show(
    $("pilot-table"),
    table(
      [th("城市"), th("试点单位", { class: "num" }), th("覆盖重点领域", { class: "num" })],
      scopes.map((city) => {
        const answer = data.pilot.get(city) || {};
        const u = answer.unitCount ?? 0;
        const s = answer.sectorCount ?? 0;
        return el(
          "tr",
          { class: city === "province" ? "total" : undefined },
          th(cityName(city), { scope: "row" }),
          numCell(figureLink(attrs("units", city, u), String(u), drillOf("units", city, u)), {
            short: city === "province" && u < targets.units,
            zero: u === 0,
          }),
          numCell(figureLink(attrs("sectors", city, s), String(s), drillOf("sectors", city, s)), {
            short: city === "province" && s < targets.sectors,
            zero: s === 0,
          }),
        );
      }),
    ),
  );
  // The targets as the inspections service states them (ListPilotUnits).
  const note = $("pilot-target-note");
  note.dataset.units = String(targets.units);
  note.dataset.sectors = String(targets.sectors);
  note.dataset.date = targets.date;
  note.textContent =
    `${data.year}年试点单位与覆盖的重点领域（检查过程直播）。工作计划目标：${targets.date} 前试点单位不少于 ` +
    `${targets.units} 个、覆盖重点领域不少于 ${targets.sectors} 个（全省，按目标日期所在年度的试点单位计）。`;
}

function renderLeads(data) {
  const byRule = new Map(); // rule -> Map(city -> n)
  for (const lead of data.leads) {
    if (!byRule.has(lead.rule)) byRule.set(lead.rule, new Map());
    const m = byRule.get(lead.rule);
    m.set(lead.cityCode, (m.get(lead.cityCode) || 0) + 1);
  }
  const rules = [...byRule.keys()].sort();
  const count = (rule, city) => {
    if (rule) {
      const m = byRule.get(rule) || new Map();
      return city === "province" ? [...m.values()].reduce((a, b) => a + b, 0) : m.get(city) || 0;
    }
    return data.leads.filter((l) => city === "province" || l.cityCode === city).length;
  };
  const attrs = (rule, city, value) => ({
    "data-figure": "leads",
    "data-rule": rule,
    "data-city": city,
    "data-value": String(value),
  });
  const drillOf = (rule, city, value) => ({ kind: "leads", rule, city, count: value, year: data.year });
  const scopes = ["province", ...data.cities];
  const max = Math.max(1, ...data.cities.map((c) => count("", c)));
  show(
    $("leads-chart"),
    barChart({
      title: "未办结监督线索（按城市）",
      max,
      rows: data.cities.map((city) => {
        const value = count("", city);
        return {
          label: cityName(city),
          value,
          text: `${value} 条`,
          short: value > 0,
          attrs: attrs("", city, value),
          drill: drillOf("", city, value),
        };
      }),
    }),
  );
  const cell = (rule, city) => {
    const value = count(rule, city);
    return numCell(figureLink(attrs(rule, city, value), String(value), drillOf(rule, city, value)), {
      zero: value === 0,
    });
  };
  show(
    $("leads-table"),
    table(
      [th("线索规则"), scopes.map((c) => th(cityName(c), { class: "num" }))],
      [
        ...rules.map((rule) =>
          el("tr", {}, th(leadRuleName(rule), { scope: "row", title: rule }), scopes.map((c) => cell(rule, c))),
        ),
        el("tr", { class: "total" }, th("合计", { scope: "row" }), scopes.map((c) => cell("", c))),
      ],
    ),
  );
}

// ---- drill-down ----

const DATE = "(\\d{4}-\\d{2}-\\d{2})";
// The services' one-line reasons (RecordLink.detail) in Chinese; one not
// known here is shown as the service wrote it.
const DETAILS = [
  [
    `^not published \\((?:rejected, awaiting an accepted resend|a rejected version awaiting an accepted resend)\\), due ${DATE}$`,
    (d) => `未公开：报送被退回，待重新报送（期限 ${d}）`,
  ],
  [`^not published, due ${DATE}$`, (d) => `逾期未公开（期限 ${d}）`],
  [`^withdrawal notice published ${DATE}, due ${DATE}$`, (p, d) => `撤回公告 ${p} 公开（期限 ${d}）`],
  [`^published ${DATE}, due ${DATE}$`, (p, d) => `${p} 公开（期限 ${d}）`],
  [`^not answered, due ${DATE}$`, (d) => `逾期未答复（期限 ${d}）`],
  [`^answered ${DATE}, due ${DATE}$`, (p, d) => `${p} 答复（期限 ${d}）`],
  [
    `^not replied, due ${DATE}; (\\d+) working days used of a limit of (\\d+)$`,
    (d, u, l) => `逾期未答复（期限 ${d}；已用 ${u} 个工作日，时限 ${l} 个）`,
  ],
  [`^not replied, due ${DATE}$`, (d) => `逾期未答复（期限 ${d}）`],
  [`^replied ${DATE}, due ${DATE}$`, (p, d) => `${p} 答复（期限 ${d}）`],
  [`^reply not standardised: (.*)$`, (why) => `答复不规范：${why}`],
  [`^not confirmed, due ${DATE}$`, (d) => `逾期未确认（期限 ${d}）`],
  [`^confirmed ${DATE}, due ${DATE}$`, (p, d) => `${p} 确认（期限 ${d}）`],
  [`^not reported done, deadline ${DATE}$`, (d) => `整改逾期未报告完成（期限 ${d}）`],
  [`^no powers item$`, () => "无权责清单事项"],
  [`^no officer with a certificate valid on ${DATE}$`, (d) => `${d} 无持有效执法证的执法人员`],
  [`^a domain of the agency without a benchmark of city (\\d+)$`, (c) => `所属执法领域缺少${cityName(c)}的裁量基准`],
  [`^no flowchart of (.*)$`, (list) => `缺少执法流程图：${list.split(", ").map((d) => DOMAINS[d] || d).join("、")}`],
  [`^no staffing provisions \\(三定\\) stored$`, () => "未报送“三定”规定"],
  [`^no inspection plan of (\\d{4}) recorded$`, (y) => `未公开${y}年度行政检查计划`],
  [`^check ended ${DATE}$`, (d) => `检查结束于 ${d}`],
].map(([pattern, say]) => [new RegExp(pattern), say]);
function detailText(detail = "") {
  for (const [pattern, say] of DETAILS) {
    const m = detail.match(pattern);
    if (m) return say(...m.slice(1));
  }
  return detail;
}


const linkHead = ["来源", "类别", "记录", "执法机关", "城市", "说明"].map((t) => th(t));
const linkRow = (m) =>
  el(
    "tr",
    { "data-key": m.key },
    el("td", {}, SERVICES[m.service] || m.service),
    el("td", { title: m.kind }, ruleName(m.kind)),
    el("td", {}, el("code", {}, m.key)),
    el("td", {}, el("code", {}, m.agencyCreditCode || "")),
    el("td", {}, cityName(m.cityCode)),
    el("td", { class: "detail", title: m.detail }, detailText(m.detail)),
  );

// The scope's figures with misses listed: the province's are loaded
// already; a city's are asked for (its misses are those of its scope).
async function scopeKpis(drill) {
  if (drill.city === "province") return drill.province.total;
  if (!isCity(drill.city)) {
    // A provincial agency's part: its misses are among the province's.
    const filtered = (f) => ({ ...f, misses: (f.misses || []).filter((m) => m.cityCode === drill.city) });
    const part = (drill.province.parts || []).find((p) => p.scope === drill.city) || {};
    const misses = new Map(
      [...(drill.province.total.kpis || []), ...(drill.province.total.rules || [])].map((f) => [
        `${f.kpi || ""}/${f.rule || ""}`,
        filtered(f).misses,
      ]),
    );
    const withMisses = (f) => ({ ...f, misses: misses.get(`${f.kpi || ""}/${f.rule || ""}`) || [] });
    return { kpis: (part.kpis || []).map(withMisses), rules: (part.rules || []).map(withMisses) };
  }
  const answer = await api(`${SUPERVISION}GetKpis`, { year: drill.year, cityCode: drill.city, maxMisses: 100 });
  return answer.total;
}

const LOADERS = {
  async kpi(drill) {
    const scope = await scopeKpis(drill);
    const total = kpiTotal(scope, drill.kpi);
    const misses = total.misses || [];
    const unlisted = num(total.missesUnlisted);
    const parts = (scope.kpis || []).filter((f) => f.kpi === drill.kpi && f.rule);
    return {
      title: `${cityName(drill.city)} · ${KPI_NAMES[drill.kpi]}：${pct(total.ratio ?? 0)}（${num(total.met)}/${num(total.due)}）`,
      count: num(total.due) - num(total.met),
      unlisted,
      before: parts.length
        ? el(
            "table",
            { class: "matrix parts", id: "drill-parts" },
            table(
              [th("分项"), th("应办", { class: "num" }), th("已达标", { class: "num" }), th("比率", { class: "num" })],
              parts.map((f) =>
                el(
                  "tr",
                  { "data-rule": f.rule },
                  th(ruleName(f.rule), { scope: "row", title: f.rule }),
                  el("td", { class: "num" }, String(num(f.due))),
                  el("td", { class: "num" }, String(num(f.met))),
                  el("td", { class: `num${(f.ratio ?? 0) < 1 ? " short" : ""}` }, pct(f.ratio ?? 0)),
                ),
              ),
            ),
          )
        : null,
      caption: "未达标的记录",
      head: linkHead,
      rows: misses.map(linkRow),
    };
  },

  async overdue(drill) {
    if (drill.rule === "rectification") {
      const list = await allPages(
        `${SUPERVISION}ListRectifications`,
        { state: "OVERDUE", pageSize: 200, cityCode: drill.city === "province" ? "" : drill.city, year: drill.year },
        "rectifications",
      );
      const mine = list.filter((r) => drill.city === "province" || r.unitCityCode === drill.city);
      return {
        title: `${cityName(drill.city)} · 整改逾期：${mine.length} 项`,
        count: mine.length,
        caption: `整改期限在${drill.year}年、超过期限仍未报告完成的整改`,
        head: ["来源", "组织单位 / 记录", "问题", "责任单位", "城市", "整改期限", "整改要求"].map((t) => th(t)),
        rows: mine.map((r) =>
          el(
            "tr",
            { "data-key": `${r.agencyCreditCode}/${r.sourceId}/${r.problemId || ""}` },
            el("td", {}, r.subject === "REVIEW" ? "案卷评查" : "专项监督"),
            el("td", {}, el("code", {}, `${r.agencyCreditCode}/${r.sourceId}`)),
            el("td", {}, r.problemId || "—"),
            el("td", {}, el("code", {}, r.unit)),
            el("td", {}, cityName(r.unitCityCode)),
            el("td", {}, r.deadline),
            el("td", { class: "detail" }, r.requirement),
          ),
        ),
      };
    }
    // The count is the service's; the records listed are those of the
    // year's figure of the kind's deadline rule still open (RecordLink.open).
    const rule = ruleOfKind(drill.rule);
    const scope = drill.city === "province" || !isCity(drill.city) ? drill.province.total : await scopeKpis(drill);
    const figure = (scope.rules || []).find((f) => f.rule === rule) || {};
    const records = stillOpen(figure.misses).filter((m) => drill.city === "province" || m.cityCode === drill.city);
    return {
      title: `${cityName(drill.city)} · ${ruleName(drill.rule)}逾期：${drill.count} 条（截至 ${drill.asOf}）`,
      count: drill.count,
      note:
        records.length < drill.count
          ? `此处列出${drill.year}年${ruleName(rule)}指标未达标记录中仍逾期的 ${records.length} 条` +
            `（每项指标最多列出 100 条未达标记录）；其余逾期记录的期限起算于其他年度，或未在指标中列出。`
          : null,
      caption: `${drill.year}年${ruleName(rule)}指标中已过期限仍未公开（答复）的记录`,
      head: linkHead,
      rows: records.map(linkRow),
    };
  },

  async review(drill) {
    const units = await allPages(
      `${SUPERVISION}GetReviewCoverage`,
      { year: drill.year, cityCode: drill.city === "province" ? "" : drill.city, pageSize: 500 },
      "unreviewed",
    );
    const f = drill.figure;
    return {
      title: `${cityName(drill.city)} · 案卷评查覆盖率：${pct(f.ratio ?? 0)}（${f.reviewedUnits ?? 0}/${f.enforcementUnits ?? 0}）`,
      count: (f.enforcementUnits ?? 0) - (f.reviewedUnits ?? 0),
      caption: `${drill.year}年尚未评查的执法单位`,
      head: ["执法单位", "统一社会信用代码", "城市"].map((t) => th(t)),
      rows: units.map((u) =>
        el(
          "tr",
          { "data-key": u.creditCode },
          el("td", {}, u.name || ""),
          el("td", {}, el("code", {}, u.creditCode)),
          el("td", {}, cityName(u.cityCode)),
        ),
      ),
    };
  },

  async rounds(drill) {
    const rounds = await allPages(
      `${SUPERVISION}ListRounds`,
      { year: drill.year, quarter: drill.quarter, pageSize: 20 },
      "rounds",
    );
    const completed = rounds.filter((r) => r.completed);
    return {
      title: `${drill.year}年第${drill.quarter}季度已完成的评查轮次：${drill.count} 轮`,
      count: drill.count,
      caption: "已结束的评查轮次",
      head: ["组织单位", "轮次", "标题", "城市", "起止日期", "被评查单位", "已公开结果"].map((t) => th(t)),
      rows: completed.map((r) =>
        el(
          "tr",
          { "data-key": `${r.agencyCreditCode}/${r.sourceId}` },
          el("td", {}, el("code", {}, r.agencyCreditCode)),
          el("td", {}, r.sourceId),
          el("td", { class: "detail" }, r.title),
          el("td", {}, cityName(r.cityCode)),
          el("td", {}, `${r.startedOn} 至 ${r.endedOn}`),
          el("td", { class: "num" }, String((r.reviewedUnits || []).length)),
          el("td", { class: "num" }, String(r.reviewsPublished ?? 0)),
        ),
      ),
    };
  },

  async pilot(drill) {
    const units = await allPages(
      `${INSPECTIONS}ListPilotUnits`,
      { year: drill.year, cityCode: drill.city === "province" ? "" : drill.city, pageSize: 50 },
      "units",
    );
    const sectors = new Set(units.map((u) => u.sector));
    const what = drill.measure === "units" ? "试点单位" : "覆盖重点领域";
    return {
      title: `${cityName(drill.city)} · ${drill.year}年直播试点${what}：${drill.count} 个`,
      count: drill.count,
      note:
        drill.measure === "sectors"
          ? `覆盖的重点领域：${[...sectors].map((s) => SECTORS[s] || s).join("、") || "无"}`
          : null,
      caption: "试点单位",
      head: ["执法机关", "试点编号", "重点领域", "渠道", "平台", "账号", "城市"].map((t) => th(t)),
      rows: units.map((u) =>
        el(
          "tr",
          { "data-key": `${u.agencyCreditCode}/${u.sourceId}`, "data-sector": u.sector },
          el("td", {}, el("code", {}, u.agencyCreditCode)),
          el("td", {}, u.sourceId),
          el("td", {}, SECTORS[u.sector] || u.sector || ""),
          el("td", {}, CHANNELS[u.channel] || u.channel || ""),
          el("td", {}, u.platform || ""),
          el("td", {}, u.account || ""),
          el("td", {}, cityName(u.cityCode)),
        ),
      ),
    };
  },

  async leads(drill) {
    const request = {
      pageSize: 200,
      cityCode: drill.city === "province" ? "" : drill.city,
      rule: drill.rule || "",
      year: drill.year,
    };
    const [fresh, handling] = await Promise.all([
      allPages(`${SUPERVISION}ListLeads`, { ...request, state: "LEAD_NEW" }, "leads"),
      allPages(`${SUPERVISION}ListLeads`, { ...request, state: "LEAD_IN_HANDLING" }, "leads"),
    ]);
    const leads = [...fresh, ...handling];
    return {
      title:
        `${cityName(drill.city)} · ${drill.year}年 · ${drill.rule ? leadRuleName(drill.rule) : "全部规则"}：` +
        `未办结线索 ${leads.length} 条`,
      count: leads.length,
      caption: "未办结的监督线索",
      head: ["编号", "规则", "状态", "记录", "城市", "说明", "发现 / 最近发现"].map((t) => th(t)),
      rows: leads.map((l) =>
        el(
          "tr",
          { "data-key": l.id },
          el("td", {}, l.id),
          el("td", { title: l.rule }, leadRuleName(l.rule)),
          el("td", {}, LEAD_STATES[l.state] || l.state),
          el("td", {}, el("code", {}, `${l.record?.kind || ""} ${l.record?.key || ""}`)),
          el("td", {}, cityName(l.cityCode)),
          el(
            "td",
            { class: "detail", title: l.record?.detail || "" },
            detailText(l.record?.detail),
            l.stillObserved ? "" : "（最近一次检查已不再出现）",
          ),
          el("td", {}, `${l.raisedOn || ""} / ${l.lastSeenOn || ""}`),
        ),
      ),
    };
  },
};

let drillSeq = 0;
async function openDrill(drill) {
  const seq = ++drillSeq;
  const section = $("drill");
  for (const name of section.getAttributeNames()) if (name.startsWith("data-")) section.removeAttribute(name);
  const keys = { figure: drill.kind, kpi: drill.kpi, city: drill.city, rule: drill.rule, quarter: drill.quarter, measure: drill.measure };
  for (const [key, value] of Object.entries(keys)) if (value !== undefined) section.dataset[key] = String(value);
  section.dataset.state = "loading";
  section.hidden = false;
  $("drill-title").textContent = "明细";
  show($("drill-body"), el("p", { class: "note" }, "加载中……"));
  section.scrollIntoView({ block: "start" });
  try {
    const result = await LOADERS[drill.kind](drill);
    if (seq !== drillSeq) return;
    const unlisted = result.unlisted || 0;
    $("drill-title").textContent = result.title;
    show(
      $("drill-body"),
      result.before,
      result.note && el("p", { class: "note" }, result.note),
      el("h3", {}, `${result.caption}：共 ${result.count} 条`),
      result.rows.length
        ? el("div", { class: "scroll" }, el("table", { id: "drill-records" }, table(result.head, result.rows)))
        : el("p", { class: "note", id: "drill-empty" }, "没有记录。"),
      unlisted > 0 && el("p", { class: "note" }, `另有 ${unlisted} 条未列出。`),
    );
    section.dataset.count = String(result.count);
    section.dataset.listed = String(result.rows.length);
    section.dataset.unlisted = String(unlisted);
    section.dataset.state = "loaded";
  } catch (error) {
    if (seq !== drillSeq) return;
    show($("drill-body"), el("p", { class: "error" }, explain(error)));
    section.dataset.state = "error";
  }
}

// ---- sign-in and start ----

function showSignIn(message, isError = true) {
  $("board").hidden = true;
  $("session").hidden = true;
  $("status").hidden = true;
  $("signin").hidden = false;
  $("signin-error").hidden = !message;
  $("signin-error").className = isError ? "error" : "note";
  $("signin-error").textContent = message || "";
  document.querySelector("#signin-form input").focus();
}

async function start() {
  $("signin").hidden = true;
  $("session").hidden = false;
  $("principal").textContent = `已登录：${token.split(".")[0]}`;
  $("status").hidden = false;
  $("status").className = "note";
  show($("status"), "加载中……");
  const board = $("board");
  board.dataset.state = "loading";
  try {
    const data = await load();
    board.dataset.year = String(data.year);
    board.dataset.asOf = data.kpis.asOf || "";
    $("overview-title").textContent = `${data.year}年行政执法监督信息公开 · 省级监测`;
    $("as-of").textContent = `统计年度：${data.year}年；数据日期：${data.kpis.asOf || "—"}。`;
    renderKpis(data);
    renderOverdue(data);
    renderReview(data);
    renderPilot(data);
    renderLeads(data);
    $("drill").hidden = true;
    $("status").hidden = true;
    board.hidden = false;
    board.dataset.state = "loaded";
  } catch (error) {
    board.dataset.state = "error";
    if (error instanceof ApiError && (error.code === "unauthenticated" || error.code === "permission_denied")) {
      sessionStorage.removeItem(TOKEN_KEY);
      token = "";
      showSignIn(
        error.code === "permission_denied" ? "此看板仅供省级监督使用：请用省级令牌登录。" : explain(error),
      );
      return;
    }
    $("status").className = "error";
    show($("status"), explain(error), " ", el("button", { type: "button", class: "secondary", onclick: start }, "重试"));
  }
}

$("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  token = (formValues(event.target).token || "").trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  event.target.reset();
  start();
});

$("signout").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  token = "";
  const board = $("board");
  for (const id of ["kpi-tiles", "kpi-charts", "kpi-table", "overdue-chart", "overdue-table", "review-chart",
    "review-table", "quarter-table", "pilot-chart", "pilot-table", "leads-chart", "leads-table", "drill-body"]) {
    show($(id));
  }
  delete board.dataset.state;
  showSignIn("已退出登录。", false);
});

if (token) start();
else showSignIn();
