// Drives the GraphiQL page of a running hasone server in headless Chromium.
//
//   node tests/browser/graphiql.mjs <app url> <screenshot dir>
//
// Opens <app url>/graphql, checks that GraphiQL loads from the server alone
// (any request to another origin fails the run), that the docs explorer
// shows the schema, that a has-one query and a set mutation run from the
// editor and show their results, that a subscription runs over a WebSocket
// to the same origin and shows each change as it comes, and that every
// GraphQL POST carries `content-type: application/json` and
// `graphql-require-preflight: 1`.
// Saves screenshots in <screenshot dir>. Exits non-zero on any failure.
// CHROMIUM_PATH overrides /usr/bin/chromium.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [appUrl, screenshotDir] = process.argv.slice(2);
if (!appUrl || !screenshotDir) {
  console.error('usage: node graphiql.mjs <app url> <screenshot dir>');
  process.exit(2);
}
const origin = new URL(appUrl).origin;
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT_MS = 30_000;

// A hung browser must not hang the test run.
const watchdog = setTimeout(() => {
  console.error('FAIL: the browser run took longer than 150 s');
  process.exit(1);
}, 150_000);

mkdirSync(screenshotDir, { recursive: true });
const profileDir = mkdtempSync(join(tmpdir(), 'hasone-chromium-'));

const problems = [];
const graphqlRequests = [];
// GraphQL responses carrying errors, for the failure report.
const graphqlErrors = [];
let context;

function log(message) {
  console.log(`graphiql.mjs: ${message}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function screenshot(page, name) {
  const path = join(screenshotDir, name);
  await page.screenshot({ path });
  log(`screenshot ${path}`);
}

/** The text of the CodeMirror editor inside `selector`. */
async function editorValue(page, selector) {
  return page.$eval(`${selector} .CodeMirror`, (el) => el.CodeMirror.getValue());
}

/**
 * Waits until GraphiQL has parsed the query editor's text (it does so
 * 100 ms after a change) and selected the operation `name` (null: an
 * anonymous one); running earlier would send the previous operation name.
 */
async function waitForOperation(page, name) {
  await page.waitForFunction(
    (expected) => {
      const cm = document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror;
      const names = (cm?.operations ?? []).map((op) => op.name?.value ?? null);
      return names.includes(expected) && (cm.operationName ?? null) === expected;
    },
    name,
  );
}

/** Replaces the query editor's text as a user pasting it would. */
async function setQuery(page, query, operationName) {
  await page.click('.graphiql-query-editor .CodeMirror-lines');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(query);
  const text = await editorValue(page, '.graphiql-query-editor');
  check(text === query, `the editor shows ${JSON.stringify(text)}`);
  await waitForOperation(page, operationName);
}

/** Clicks run; returns the response once the result pane shows it. */
async function run(page) {
  const before = graphqlRequests.length;
  const response = page.waitForResponse(
    (r) => r.url() === `${origin}/graphql` && r.request().method() === 'POST',
  );
  await page.click('.graphiql-execute-button');
  const body = await (await response).json();
  check(graphqlRequests.length > before, 'running the query sent no request');
  await page.waitForFunction(
    (expected) => {
      const cm = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror;
      try {
        return JSON.stringify(JSON.parse(cm.getValue())) === expected;
      } catch {
        return false;
      }
    },
    JSON.stringify(body),
  );
  return body;
}

try {
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1600, height: 1000 },
    deviceScaleFactor: 1,
  });
  // Everything must come from the app: fail any other request.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    problems.push(`request to another origin: ${url}`);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => {
    if (req.url().startsWith(`${origin}/`)) {
      problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
    }
  });
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('request', (req) => {
    if (req.url() === `${origin}/graphql` && req.method() === 'POST') {
      graphqlRequests.push(req.headers());
    }
  });
  page.on('response', async (res) => {
    if (res.url() !== `${origin}/graphql` || res.request().method() !== 'POST') return;
    const body = await res.json().catch(() => null);
    if (!body || body.errors) {
      graphqlErrors.push(`HTTP ${res.status()}: ${JSON.stringify(body?.errors ?? body).slice(0, 400)}`);
    }
  });

  // 1. The page and the pre-filled tabs.
  const response = await page.goto(`${origin}/graphql`);
  check(response.ok(), `GET /graphql answered ${response.status()}`);
  check(
    response.headers()['content-type'].startsWith('text/html'),
    `GET /graphql is ${response.headers()['content-type']}, not HTML`,
  );
  await page.waitForSelector('.graphiql-container');
  await page.waitForSelector('.graphiql-query-editor .CodeMirror');
  const defaultQuery = await editorValue(page, '.graphiql-query-editor');
  check(defaultQuery.includes('users(first: 5)'), `unexpected default query:\n${defaultQuery}`);
  const tabs = await page.locator('.graphiql-tab').allInnerTexts();
  check(tabs.length === 3, `expected 3 tabs, found ${JSON.stringify(tabs)}`);
  log(`GraphiQL loaded, tabs ${JSON.stringify(tabs)}`);

  // 2. The docs explorer shows the schema (fetched by introspection).
  await page.click('button[aria-label="Show Documentation Explorer"]');
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.locator('.graphiql-doc-explorer-root-type, .graphiql-doc-explorer-error').first().waitFor();
  const docsError = docs.locator('.graphiql-doc-explorer-error');
  if (await docsError.count()) {
    throw new Error(`the docs explorer shows "${await docsError.first().innerText()}" (introspection failed)`);
  }
  await docs.getByText('Root Types').waitFor();
  await docs.locator('a', { hasText: 'QueryRoot' }).first().click();
  await docs.locator('.graphiql-doc-explorer-field-name', { hasText: /^users$/ }).waitFor();
  const fields = await docs.locator('.graphiql-doc-explorer-field-name').allInnerTexts();
  for (const name of ['user', 'users', 'node']) {
    check(fields.includes(name), `docs explorer lacks Query.${name}: ${fields}`);
  }
  log(`docs explorer: QueryRoot fields ${fields.join(', ')}`);

  // 3. The pre-filled users query.
  await waitForOperation(page, 'Users');
  const users = await run(page);
  check(!users.errors, `users query failed: ${JSON.stringify(users.errors)}`);
  const nodes = users.data.users.edges.map((e) => e.node);
  check(nodes.length === 5, `expected 5 users, got ${nodes.length}`);
  check(nodes[0].profile?.bio === 'Bio of user 1', `user 1 profile: ${JSON.stringify(nodes[0])}`);
  await screenshot(page, 'graphiql-users.png');

  // 4. A has-one query typed into a new tab.
  await page.click('button[aria-label="Hide Documentation Explorer"]');
  await page.click('button[aria-label="New tab"]');
  await page.locator('.graphiql-tab').nth(2).waitFor();
  await setQuery(page, '{\n  user(id: "User:1") {\n    profile {\n      bio\n    }\n  }\n}\n', null);
  const one = await run(page);
  check(
    one.data?.user?.profile?.bio === 'Bio of user 1',
    `has-one query result: ${JSON.stringify(one)}`,
  );
  log('has-one query shows "Bio of user 1"');
  await screenshot(page, 'graphiql-has-one.png');

  // 5. The set mutation in the second tab.
  await page.locator('.graphiql-tab').nth(1).locator('.graphiql-tab-button').click();
  await waitForOperation(page, 'SetProfile');
  const set = await run(page);
  check(!set.errors, `mutation failed: ${JSON.stringify(set.errors)}`);
  const payload = set.data.setUserProfile;
  check(payload.user.id === 'User:5', `payload user: ${JSON.stringify(payload)}`);
  check(payload.profile.id === 'Profile:1', `payload profile: ${JSON.stringify(payload)}`);
  check(payload.profile.userId === 'User:5', `profile not moved: ${JSON.stringify(payload)}`);
  log(`setUserProfile: ${JSON.stringify(payload)}`);
  await screenshot(page, 'graphiql-mutation.png');

  // 6. The subscription tab: the current link first, then a change made
  // by another client shows up in the result pane.
  await page.locator('.graphiql-tab').nth(2).locator('.graphiql-tab-button').click();
  await waitForOperation(page, 'ProfileChanges');
  await page.click('.graphiql-execute-button');
  const shows = (expected) =>
    page.waitForFunction((want) => {
      const cm = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror;
      try {
        return JSON.stringify(JSON.parse(cm.getValue())) === want;
      } catch {
        return false;
      }
    }, JSON.stringify(expected));
  await shows({
    data: {
      userProfileChanged: {
        user: { id: 'User:5' },
        profile: { id: 'Profile:1', bio: 'Bio of user 1' },
        previous: null,
      },
    },
  });
  log('subscription shows the current link');
  // Another client (a plain POST from Node, not the page) unlinks it.
  const unlink = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation { setUserProfile(userId: "User:5", profileId: null) { previous { id } } }',
    }),
  }).then((r) => r.json());
  check(!unlink.errors, `unlink failed: ${JSON.stringify(unlink)}`);
  await shows({
    data: {
      userProfileChanged: { user: { id: 'User:5' }, profile: null, previous: { id: 'Profile:1' } },
    },
  });
  const socketUrl = `${origin.replace(/^http/, 'ws')}/graphql`;
  check(
    sockets.length === 1 && sockets[0] === socketUrl,
    `WebSockets opened: ${JSON.stringify(sockets)}, expected one to ${socketUrl}`,
  );
  log(`subscription over ${sockets[0]} shows the change`);
  await screenshot(page, 'graphiql-subscription.png');

  // 7. Every GraphQL request: JSON and the CSRF header.
  check(graphqlRequests.length >= 4, `only ${graphqlRequests.length} GraphQL requests`);
  for (const headers of graphqlRequests) {
    check(
      headers['content-type'] === 'application/json',
      `a request had content-type ${headers['content-type']}`,
    );
    check(
      headers['graphql-require-preflight'] === '1',
      'a request lacked graphql-require-preflight: 1',
    );
  }
  log(`${graphqlRequests.length} GraphQL requests, all JSON with graphql-require-preflight: 1`);

  check(problems.length === 0, `problems:\n  ${problems.join('\n  ')}`);
  log('PASS');
} catch (err) {
  console.error(`FAIL: ${err.message}`);
  if (problems.length) console.error(`also:\n  ${problems.join('\n  ')}`);
  if (graphqlErrors.length) {
    console.error(`GraphQL errors returned:\n  ${graphqlErrors.join('\n  ')}`);
  }
  const page = context?.pages()[0];
  if (page) {
    await page
      .screenshot({ path: join(screenshotDir, 'graphiql-failure.png') })
      .then(() => console.error(`screenshot ${join(screenshotDir, 'graphiql-failure.png')}`))
      .catch(() => {});
  }
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  rmSync(profileDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
