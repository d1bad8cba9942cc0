// 执法证真伪查询 in a real browser: the public scans an officer's badge (the
// QR code the gateway renders, decoded by zbarimg as a phone would), opens
// its link and sees the verdict; a forged number is "查无此证".
//
// GONGKAI_HTTP_URL, GONGKAI_SCREENSHOTS, GONGKAI_OFFICER_CODE (of a valid
// certificate), GONGKAI_CERTIFICATE (its number).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

import { env, open, openBrowser, print, screenshot, textOf } from "./browser.mjs";

const code = env("GONGKAI_OFFICER_CODE");
const { page, close } = await openBrowser();
try {
  // The badge: the QR code's image, photographed.
  await open(page, `/qr/${code}.svg`);
  const badge = await screenshot(page, "verify-1-badge-qr");
  const link = execFileSync("zbarimg", ["--raw", "-q", badge], { encoding: "utf8" }).trim();
  assert.equal(link, `${env("GONGKAI_HTTP_URL")}/verify.html?officer_code=${code}`);
  print("scanned", { link });

  // Opening the link shows the verdict at once.
  const paint = await open(page, new URL(link).pathname + new URL(link).search);
  const verdict = await textOf(page, "#verdict");
  assert.equal(verdict, "有效");
  assert.equal(await page.$eval("#verdict", (n) => n.dataset.verdict), "VALID");
  const shown = await page.$eval("#result", (n) => n.textContent);
  assert.ok(shown.includes(env("GONGKAI_CERTIFICATE")), "the certificate number is shown");
  await screenshot(page, "verify-2-scanned-valid");
  print("verdict", { verdict, firstPaintMs: paint });

  // A number typed by hand that was never issued.
  await page.type("#by-certificate input", "FORGED-0001");
  await page.click("#by-certificate button");
  await page.waitForSelector('#verdict[data-verdict="UNKNOWN"]');
  const unknown = await textOf(page, "#verdict");
  assert.equal(unknown, "查无此证");
  await screenshot(page, "verify-3-forged-unknown");
  print("forged", { verdict: unknown });
} finally {
  await close();
}
