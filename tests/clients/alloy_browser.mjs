// Adobe's Web SDK in headless Debian Chromium against the emulator served over TLS (docs/clients.md):
// the most faithful run, with Chromium's own CORS enforcement and cookie jar. Chromium resolves edge.test to the
// emulator's port and nothing else (MAP * ~NOTFOUND); the page itself (https://site.test/...) is fulfilled by
// Playwright, so only the Edge exchanges cross the network and none of them is altered.
//
// Usage: node alloy_browser.mjs < input.json > output.json
// Input as in scenarios.mjs plus "chromium" (executable path); "emulator" is the https URL of the emulator.
import { readFile } from "node:fs/promises";
import { chromium } from "playwright-core";
import { readInput, runScenarios } from "./scenarios.mjs";

const PAGE_URL = "https://site.test/shop/index.html";
const ALLOY_SNIPPET =
  '!function(n,o){o.forEach(function(o){n[o]||((n.__alloyNS=n.__alloyNS||[]).push(o),n[o]=function(){var u=arguments;' +
  'return new Promise(function(i,l){n[o].q.push([i,l,u])})},n[o].q=[])})}(window,["alloy"]);';

const alloySource = await readFile(new URL("./node_modules/@adobe/alloy/dist/alloy.js", import.meta.url), "utf8");
const PAGE_HTML =
  "<!doctype html><html><head><title>shop</title>" +
  `<script>${ALLOY_SNIPPET}</script><script src="/alloy.js"></script>` +
  "</head><body><h1>shop</h1></body></html>";

const input = await readInput();
const emulatorPort = new URL(input.emulator).port;
// Without the background-networking flags (https://peter.sh/experiments/chromium-command-line-switches/) Chromium keeps
// trying hosts this machine cannot reach.
const browser = await chromium.launch({
  executablePath: input.chromium ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--ignore-certificate-errors",
    `--host-resolver-rules=MAP edge.test 127.0.0.1:${emulatorPort}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
  ],
});

const recordExchange = async (request, exchanges) => {
  const record = {
    method: request.method(),
    url: request.url(),
    request_headers: await request.allHeaders(),
    request_body: request.postData(),
    started_ms: Math.round(request.timing().startTime),
  };
  const response = await request.response();
  if (response === null) {
    record.error = request.failure()?.errorText ?? "no response";
  } else {
    record.status = response.status();
    record.response_headers = await response.allHeaders();
    record.response_body = (await response.body().catch(() => Buffer.alloc(0))).toString("utf8");
    record.finished_ms = Math.round(request.timing().startTime + request.timing().responseEnd);
  }
  exchanges.push(record);
};

const openVisitor = async () => {
  // The emulator is on loopback while the page is "public": Chromium's Local Network Access would block every
  // request (the real Edge Network is public). Granting the permission is what a visitor's click on the prompt does.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ["local-network-access"] });
  const page = await context.newPage();
  const exchanges = [];
  const messages = [];
  const pending = new Set();
  page.on("console", (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => messages.push(`pageerror: ${error.message}`));
  const track = (request) => {
    if (request.url().startsWith(PAGE_URL.slice(0, PAGE_URL.indexOf("/", 8)))) {
      return; // the page and alloy.js themselves, served below
    }
    const done = recordExchange(request, exchanges).catch((error) => messages.push(`harness: ${error.message}`));
    pending.add(done);
    done.finally(() => pending.delete(done));
  };
  page.on("requestfinished", track);
  page.on("requestfailed", track);
  await page.route("https://site.test/**", (route) => {
    const { pathname } = new URL(route.request().url());
    return pathname === "/alloy.js"
      ? route.fulfill({ status: 200, contentType: "text/javascript", body: alloySource })
      : route.fulfill({ status: 200, contentType: "text/html", body: PAGE_HTML });
  });
  await page.goto(PAGE_URL);
  return {
    exchanges,
    console: messages,
    alloy: (command, options) =>
      page.evaluate(
        ([name, opts]) =>
          window.alloy(name, opts).then((result) =>
            JSON.parse(JSON.stringify(result ?? null, (key, value) => (typeof value === "function" ? undefined : value))),
          ),
        [command, options],
      ),
    cookies: () => page.evaluate(() => document.cookie),
    settle: async () => {
      for (let i = 0; i < 100 && (pending.size > 0 || i < 2); i += 1) {
        await Promise.all([...pending]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => context.close(),
  };
};

try {
  const output = await runScenarios(input, openVisitor);
  output.chromium_version = browser.version();
  process.stdout.write(`${JSON.stringify(output)}\n`);
} finally {
  await browser.close();
}
