// GraphQL over HTTP compliance audit of a running hasone server, with
// graphql-http's `serverAudits` (https://github.com/graphql/graphql-http).
//
//   node .ci/audit/run.mjs http://127.0.0.1:PORT/graphql [--markdown FILE]
//
// Every request carries `graphql-require-preflight: 1`: the server refuses a
// GET, or a POST whose content type a browser may send cross-site, without it
// (CSRF prevention as Apollo Server's `csrfPrevention`).
//
// Prints one line per audit (level, result, id, name, and the reason of a
// failure), then the counts per level. Exits 1 when a MUST audit fails or an
// audit throws; SHOULD and MAY failures are reported and do not fail the run.
// With --markdown, also writes the results as a Markdown table.

import { writeFileSync } from 'node:fs';
import { serverAudits } from 'graphql-http';

const args = process.argv.slice(2);
const url = args.find((a) => !a.startsWith('--'));
const mdIndex = args.indexOf('--markdown');
const markdownPath = mdIndex >= 0 ? args[mdIndex + 1] : undefined;
if (!url || (mdIndex >= 0 && !markdownPath)) {
  console.error('usage: node run.mjs URL [--markdown FILE]');
  process.exit(2);
}

const CSRF_HEADER = 'graphql-require-preflight';

/** fetch with the CSRF header added to whatever headers the audit sends. */
async function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers);
  headers.set(CSRF_HEADER, '1');
  return fetch(input, { ...init, headers });
}

const LEVELS = ['MUST', 'SHOULD', 'MAY'];
const results = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const level = audit.name.split(' ')[0];
  let result;
  try {
    result = await audit.fn();
  } catch (err) {
    // An audit throws only on a fatal problem (e.g. the server is gone).
    result = { status: 'fatal', reason: String(err && err.stack ? err.stack : err) };
  }
  const passed = result.status === 'ok';
  let reason = passed ? '' : String(result.reason ?? '');
  if (!passed && result.response) {
    try {
      const body = await result.response.text();
      reason += ` [HTTP ${result.response.status}, content-type: ${result.response.headers.get('content-type')}, body: ${body.slice(0, 300)}]`;
    } catch {
      // the audit already consumed the body
      reason += ` [HTTP ${result.response.status}]`;
    }
  }
  results.push({ id: audit.id, name: audit.name, level, passed, status: result.status, reason });
  const mark = passed ? 'ok  ' : level === 'MUST' ? 'FAIL' : 'warn';
  console.log(`${level.padEnd(6)} ${mark} ${audit.id}  ${audit.name}${reason ? `\n              reason: ${reason}` : ''}`);
}

console.log('');
const counts = {};
for (const level of LEVELS) {
  const of = results.filter((r) => r.level === level);
  counts[level] = { passed: of.filter((r) => r.passed).length, failed: of.filter((r) => !r.passed).length };
  const missed = of.filter((r) => !r.passed).map((r) => `${r.id} "${r.name}"`);
  console.log(`${level} audits: ${counts[level].passed} of ${of.length} passed${missed.length ? `; not passed: ${missed.join(', ')}` : ''}`);
}
const fatal = results.filter((r) => r.status === 'fatal').length;
// The gate: MUST audits (and audits that threw). SHOULD and MAY are advisory.
// The last line is the plain 'N passed, N failed' line .ci/run's reader knows.
console.log('MUST audits gate this step; SHOULD and MAY results are advisory.');
const gateFailed = results.filter((r) => (r.level === 'MUST' && !r.passed) || r.status === 'fatal').length;
if (gateFailed > 0) {
  console.log(`graphql-http audit FAILED: ${counts.MUST.failed} MUST audit(s) failed${fatal ? `, ${fatal} audit(s) threw` : ''}`);
}
console.log(`audit: ${counts.MUST.passed} passed, ${gateFailed} failed`);

if (markdownPath) {
  const esc = (s) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [];
  for (const level of LEVELS) {
    lines.push(`### ${level}: ${counts[level].passed} passed, ${counts[level].failed} failed`, '');
    lines.push('| id | audit | result |', '| --- | --- | --- |');
    for (const r of results.filter((r) => r.level === level)) {
      lines.push(`| \`${r.id}\` | ${esc(r.name.slice(level.length + 1))} | ${r.passed ? 'pass' : `**fail**: ${esc(r.reason)}`} |`);
    }
    lines.push('');
  }
  writeFileSync(markdownPath, lines.join('\n'));
}

process.exitCode = gateFailed > 0 ? 1 : 0;
