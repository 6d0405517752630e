// Adobe's Web SDK (npm @adobe/alloy, dist/alloy.js unchanged) in Node + jsdom against the emulator's plain-http URL.
// No browser: alloy only speaks https://{edgeDomain}/..., so the page's fetch rewrites
// https://edge.test/ to the emulator and records every exchange; any other host is refused and recorded, so a test
// sees an attempt to reach Adobe (e.g. adobedc.demdex.net) instead of it happening.
//
// Usage: node alloy_jsdom.mjs < input.json > output.json   (input/output formats: scenarios.mjs)
import { readFile } from "node:fs/promises";
import { JSDOM, VirtualConsole } from "jsdom";
import { readInput, runScenarios } from "./scenarios.mjs";

const EDGE_ORIGIN = "https://edge.test";
const PAGE_URL = "https://site.test/shop/index.html";
// Statuses whose Response must have a null body (Fetch standard, "null body status").
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
// The loader snippet Adobe documents for the standalone bundle: it queues commands in window.alloy.q.
const ALLOY_SNIPPET =
  '!function(n,o){o.forEach(function(o){n[o]||((n.__alloyNS=n.__alloyNS||[]).push(o),n[o]=function(){var u=arguments;' +
  'return new Promise(function(i,l){n[o].q.push([i,l,u])})},n[o].q=[])})}(window,["alloy"]);';

const alloySource = await readFile(new URL("./node_modules/@adobe/alloy/dist/alloy.js", import.meta.url), "utf8");

const headersObject = (headers) => Object.fromEntries([...headers.entries()].map(([k, v]) => [k.toLowerCase(), v]));

const makeFetch = (emulator, exchanges, inflight) => async (input, init = {}) => {
  const url = String(input);
  const requestHeaders = Object.fromEntries(
    Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  // A browser adds Origin to a cross-origin POST; jsdom's page has no network stack, so add it here so the
  // emulator's CORS answer is exercised too.
  requestHeaders.origin = new URL(PAGE_URL).origin;
  const body = init.body === undefined || init.body === null ? null : String(init.body);
  const record = {
    method: init.method ?? "GET",
    url,
    request_headers: requestHeaders,
    request_body: body,
    started_ms: Date.now(),
  };
  exchanges.push(record);
  if (!url.startsWith(`${EDGE_ORIGIN}/`)) {
    record.error = "refused: not the emulator";
    throw new TypeError(`edgeload harness refused a request to ${new URL(url).host}`);
  }
  inflight.count += 1;
  try {
    const response = await fetch(emulator + url.slice(EDGE_ORIGIN.length), {
      method: record.method,
      headers: requestHeaders,
      body,
    });
    const text = await response.text();
    Object.assign(record, {
      status: response.status,
      response_headers: headersObject(response.headers),
      response_body: text,
      finished_ms: Date.now(),
    });
    return new Response(NULL_BODY_STATUSES.has(response.status) ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  } catch (error) {
    record.error = String(error && error.cause ? error.cause : error);
    throw error;
  } finally {
    inflight.count -= 1;
  }
};

const openVisitor = (emulator) => async () => {
  const exchanges = [];
  const messages = [];
  const inflight = { count: 0 };
  const virtualConsole = new VirtualConsole();
  for (const level of ["log", "info", "warn", "error"]) {
    virtualConsole.on(level, (...args) => messages.push(`${level}: ${args.map(String).join(" ")}`));
  }
  virtualConsole.on("jsdomError", (error) => messages.push(`jsdomError: ${error.message}`));
  const dom = new JSDOM("<!doctype html><html><head><title>shop</title></head><body><h1>shop</h1></body></html>", {
    url: PAGE_URL,
    runScripts: "outside-only",
    pretendToBeVisual: true,
    virtualConsole,
  });
  const { window } = dom;
  window.fetch = makeFetch(emulator, exchanges, inflight);
  window.eval(ALLOY_SNIPPET);
  window.eval(alloySource);
  return {
    exchanges,
    console: messages,
    alloy: (command, options) => window.alloy(command, options),
    cookies: () => window.document.cookie,
    // Let fire-and-forget requests (collect, notifications) finish before the report is written.
    settle: async () => {
      for (let i = 0; i < 100 && inflight.count > 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: async () => window.close(),
  };
};

const input = await readInput();
const output = await runScenarios(input, openVisitor(input.emulator));
process.stdout.write(`${JSON.stringify(output)}\n`);
// jsdom timers (alloy's retries, cookie checks) would keep the event loop alive after the last scenario.
process.exit(0);
