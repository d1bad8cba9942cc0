// 执法证真伪查询: by certificate number or by the officer's code, which the
// badge's QR code carries in its link (/verify.html?officer_code=...).
import { call, el, explain, formValues, show } from "/api.js";

const VERDICTS = {
  VALID: ["valid", "有效", "该执法证有效，持证人可在其执法领域内执法。"],
  EXPIRED: ["expired", "已过期", "该执法证已超过有效期，持证人不得执法。"],
  SUSPENDED: ["suspended", "暂停执法", "该执法证已被暂停，持证人暂不得执法。"],
  REVOKED: ["revoked", "已注销", "该执法证已被注销或吊销，持证人不得执法。"],
  UNKNOWN: ["unknown", "查无此证", "未查到该执法证：可能证号有误、证件伪造或已换发新证。"],
  NOT_YET_VALID: ["not_yet_valid", "尚未生效", "该执法证尚未到生效日期。"],
};

const result = document.getElementById("result");

async function verify(subject) {
  result.hidden = false;
  show(result, el("p", { class: "note" }, "查询中……"));
  try {
    const answer = await call("gongkai.registry.v1.RegistryService/VerifyCertificate", subject, { get: true });
    const [cls, word, meaning] = VERDICTS[answer.verdict] || VERDICTS.UNKNOWN;
    const officer = answer.officer;
    show(
      result,
      el("div", { class: `verdict ${cls}`, id: "verdict", "data-verdict": answer.verdict || "UNKNOWN" }, word),
      el("p", {}, meaning),
      officer &&
        el(
          "dl",
          {},
          el("dt", {}, "姓名"),
          el("dd", {}, officer.name),
          el("dt", {}, "执法证号"),
          el("dd", {}, officer.certificateNumber),
          el("dt", {}, "执法机关"),
          el("dd", {}, officer.agencyName || officer.agencyCreditCode),
          el("dt", {}, "执法类别"),
          el("dd", {}, officer.category),
          el("dt", {}, "有效期"),
          el("dd", {}, `${officer.validFrom || ""} 至 ${officer.validUntil || ""}`),
        ),
    );
  } catch (error) {
    show(result, el("p", { class: "error", id: "verify-error" }, explain(error)));
  }
}

document.getElementById("by-certificate").addEventListener("submit", (event) => {
  event.preventDefault();
  verify({ certificateNumber: formValues(event.target).certificateNumber.trim() });
});
document.getElementById("by-code").addEventListener("submit", (event) => {
  event.preventDefault();
  verify({ officerCode: formValues(event.target).officerCode.trim() });
});

// Opened from a badge's QR code, or a shared link: the answer at once.
const params = new URLSearchParams(location.search);
if (params.get("officer_code")) {
  document.querySelector("#by-code input").value = params.get("officer_code");
  verify({ officerCode: params.get("officer_code") });
} else if (params.get("certificate_number")) {
  document.querySelector("#by-certificate input").value = params.get("certificate_number");
  verify({ certificateNumber: params.get("certificate_number") });
}
