// What the browser scripts share: Debian's Chromium, one context per person, step logging,
// and screenshots of every open page when a step fails.
import { chromium } from 'playwright-core';

export const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} is not set`); return v; };
export const BASE = env('BASE');

const SHOTS = env('SHOTS');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const pages = {};
// Anything the Content-Security-Policy blocked: the pages must work without it.
const blocked = [];
let step = 'start';

export const log = (s) => { step = s; console.log(`step: ${s}`); };
export function expect(cond, what) { if (!cond) throw new Error(`expected: ${what}`); }

/// Runs `steps(newPage)` in a fresh headless Chromium started with `extraArgs`; prints
/// `<name> e2e: all steps passed` (what the Rust test looks for) or fails with screenshots.
export async function run(name, steps, { extraArgs = [], timeout = 10_000 } = {}) {
  // Whatever hangs (a browser, a child process), the script ends: a stuck test must not
  // hold CI until its own time limit.
  setTimeout(() => {
    console.error(`FAILED at step "${step}": the script ran for over 4 minutes`);
    process.exit(1);
  }, 240_000).unref();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  async function newPage(who, opts = {}) {
    const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Berlin', ...opts });
    const page = await ctx.newPage();
    page.setDefaultTimeout(timeout);
    page.on('pageerror', (e) => console.log(`[${who}] page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.log(`[${who}] console: ${m.text()}`);
      if (/Content Security Policy/i.test(m.text())) blocked.push(`[${who}] ${m.text()}`);
    });
    pages[who] = page;
    return page;
  }
  try {
    await steps(newPage);
    log('nothing was blocked by the Content-Security-Policy');
    expect(blocked.length === 0, `no CSP violation, got:\n${blocked.join('\n')}`);
    console.log(`${name} e2e: all steps passed`);
    await browser.close();
  } catch (e) {
    console.error(`FAILED at step "${step}": ${e.message}`);
    for (const [who, page] of Object.entries(pages)) {
      const path = `${SHOTS}/${name}-failure-${who}.png`;
      try { await page.screenshot({ path, fullPage: true }); console.error(`screenshot: ${path}`); } catch {}
    }
    await browser.close();
    process.exit(1);
  }
}

/// Resolves once the WASM bundle has hydrated the page (it sets a marker when it starts).
export async function hydrated(page) {
  await page.waitForFunction(() => window.__beckon_hydrated === true);
}

/// A new page for the agent: signed in (ADMIN_EMAIL / ADMIN_PASSWORD), on request `id`'s page,
/// hydrated, with the end user shown online.
export async function agentOnRequest(newPage, id) {
  const agent = await newPage('agent');
  await agent.goto(`${BASE}/signin`);
  await agent.fill('#email', env('ADMIN_EMAIL'));
  await agent.fill('#password', env('ADMIN_PASSWORD'));
  await agent.click('form.card button[type=submit]');
  await agent.waitForSelector('#tab-active');
  await agent.goto(`${BASE}/requests/${id}`);
  await hydrated(agent);
  await agent.waitForSelector('#session-view[data-online="true"]');
  return agent;
}
