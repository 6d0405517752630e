// Runs scripted Web SDK (alloy) scenarios against the emulator and reports what happened as JSON.
// Shared by the jsdom runner (alloy_jsdom.mjs) and the Chromium runner (alloy_browser.mjs): each runner supplies
// `openVisitor()`, a fresh page with alloy loaded whose Edge exchanges it records; this module drives the steps.
//
// Input (one JSON document): {"emulator": "http://127.0.0.1:PORT", "scenarios": [{"name", "steps": [...]}]}.
// A step is one of:
//   {"alloy": "sendEvent", "options": {...}, "timeout_ms": 8000}  a Web SDK command (configure, sendEvent, ...)
//   {"faults": ["server-error,status=503,count=1"]}               PUT /_emulator/faults before the next step
//   {"stats": true}                                               GET /_emulator/stats, kept in the output
// Output: {"scenarios": [{"name", "steps": [{"ok", "result"|"error"|"stats"}], "exchanges": [...]}]}.

export const DEFAULT_TIMEOUT_MS = 8000;

// Command results hold functions (e.g. applyPropositions' helpers); JSON keeps only data.
export const toPlainJson = (value) =>
  value === undefined ? null : JSON.parse(JSON.stringify(value, (key, v) => (typeof v === "function" ? undefined : v)));

const withTimeout = (promise, ms) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

const admin = async (emulator, method, path, body) => {
  const response = await fetch(`${emulator}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return text ? JSON.parse(text) : null;
};

const runStep = async (emulator, visitor, step) => {
  if (step.faults !== undefined) {
    await admin(emulator, "PUT", "/_emulator/faults", { faults: step.faults });
    return { ok: true, faults: step.faults };
  }
  if (step.stats) {
    return { ok: true, stats: await admin(emulator, "GET", "/_emulator/stats") };
  }
  try {
    const result = await withTimeout(visitor.alloy(step.alloy, step.options ?? {}), step.timeout_ms ?? DEFAULT_TIMEOUT_MS);
    return { ok: true, command: step.alloy, result: toPlainJson(result) };
  } catch (error) {
    return { ok: false, command: step.alloy, error: String(error && error.message ? error.message : error) };
  }
};

export const runScenarios = async ({ emulator, scenarios }, openVisitor) => {
  const results = [];
  // Sequential on purpose: faults and counters are global to the emulator, so scenarios must not overlap.
  for (const scenario of scenarios) {
    const visitor = await openVisitor(scenario);
    const steps = [];
    let cookies = "";
    try {
      for (const step of scenario.steps) {
        steps.push(await runStep(emulator, visitor, step));
      }
      await visitor.settle();
      cookies = await visitor.cookies();
    } finally {
      await visitor.close();
    }
    results.push({
      name: scenario.name,
      steps,
      // In request order: Chromium reports exchanges as they finish, not as they start.
      exchanges: [...visitor.exchanges].sort((a, b) => a.started_ms - b.started_ms),
      cookies,
      console: visitor.console,
    });
  }
  return { scenarios: results };
};

export const readInput = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
};
