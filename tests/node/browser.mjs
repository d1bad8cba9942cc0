// The web pages' tests share this: Debian's Chromium driven by
// puppeteer-core, against a real platform that the end-to-end test
// started (tests/e2e/pages_e2e_test.cc), and the JSON lines they report.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";

import puppeteer from "puppeteer-core";

export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

// One line per step, read by the C++ test.
export const print = (step, fields = {}) => console.log(JSON.stringify({ step, ...fields }));

export const baseUrl = () => env("GONGKAI_HTTP_URL");

// A browser with one page. The page fails the test on a script error, a
// console error, or a request to anything but the gateway: the pages work
// without external network (no CDN).
export async function openBrowser() {
  // Chromium's timers do not fire under libfaketime, which a run of the
  // suite with a faked clock preloads: the browser runs on the machine's
  // clock. The pages take their day from the platform, not from it.
  const { LD_PRELOAD, FAKETIME, ...browserEnv } = process.env;
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    env: browserEnv,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN"],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const problems = [];
  const origin = new URL(baseUrl()).origin;
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    // An answer the page shows as an error (429, 400) is also logged by Chromium as a failed resource.
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:")) problems.push(`request outside the gateway: ${url}`);
  });
  const close = async () => {
    await browser.close();
    assert.deepEqual(problems, [], "the pages ran without errors and without external requests");
  };
  return { browser, page, close };
}

// Saves a screenshot as <GONGKAI_SCREENSHOTS>/<name>.png; its path.
export async function screenshot(page, name) {
  const dir = env("GONGKAI_SCREENSHOTS");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Opens a page of the gateway and returns its first contentful paint in ms.
export async function open(page, pathAndQuery) {
  await page.goto(baseUrl() + pathAndQuery, { waitUntil: "networkidle0" });
  return page.evaluate(() => {
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    return paint ? Math.round(paint.startTime) : -1;
  });
}

// The text of the element `selector` once it appears.
export async function textOf(page, selector, timeout = 10000) {
  await page.waitForSelector(selector, { timeout });
  return page.$eval(selector, (node) => node.textContent.trim());
}
