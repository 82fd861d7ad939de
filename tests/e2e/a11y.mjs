// Accessibility of every portal page and the link page, checked by axe-core in Debian's
// Chromium: light and dark colour schemes, desktop and phone width. Any serious or critical
// violation (colour contrast at WCAG AA among them) fails, with each one listed.
//
// Run by tests/api/portal.rs, which starts the server with requests in every tab and passes:
//   BASE, ADMIN_EMAIL, ADMIN_PASSWORD, REQUEST_ID, LINK, SHOTS (failure screenshots)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BASE, env, expect, hydrated, log, run } from './lib.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const PORTAL = [
  '/',
  '/?view=upcoming',
  '/?view=past',
  '/?view=active&create=1',
  `/requests/${env('REQUEST_ID')}`,
  '/admin/agents',
  '/admin/clients',
  '/admin/settings',
  '/admin/mail',
  '/admin/audit',
  '/account',
];
const SCREENS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

/// The serious and critical violations of WCAG 2.x A and AA on the page as it stands.
async function violations(page) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes.slice(0, 6).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1).join(' ').trim()}`).join('\n'));
  });
  return found;
}

await run('a11y', async (newPage) => {
  const problems = [];
  for (const scheme of ['light', 'dark']) {
    for (const screen of SCREENS) {
      const who = `${scheme}-${screen.name}`;
      // bypassCSP: axe is put into the page from here, not served by it.
      const page = await newPage(who, {
        colorScheme: scheme, viewport: screen.viewport, isMobile: !!screen.isMobile,
        hasTouch: !!screen.hasTouch, bypassCSP: true,
      });
      log(`${who}: sign-in page`);
      await page.goto(`${BASE}/signin`);
      for (const v of await violations(page)) problems.push(`[${who}] /signin: ${v}`);
      await page.fill('#email', env('ADMIN_EMAIL'));
      await page.fill('#password', env('ADMIN_PASSWORD'));
      await page.click('form.card button[type=submit]');
      await page.waitForSelector('#tab-active');
      for (const path of PORTAL) {
        log(`${who}: ${path}`);
        await page.goto(`${BASE}${path}`);
        await hydrated(page);
        for (const v of await violations(page)) problems.push(`[${who}] ${path}: ${v}`);
      }
      // The end user's side: a browser of its own (the agent's sign-in is not theirs).
      const user = await newPage(`${who}-user`, {
        colorScheme: scheme, viewport: screen.viewport, isMobile: !!screen.isMobile,
        hasTouch: !!screen.hasTouch, bypassCSP: true,
      });
      log(`${who}: link page`);
      await user.goto(env('LINK'));
      await user.waitForSelector('main');
      for (const v of await violations(user)) problems.push(`[${who}] link page: ${v}`);
      log(`${who}: unknown link notice`);
      await user.goto(`${BASE}/s/not-a-real-link-token-at-all`);
      for (const v of await violations(user)) problems.push(`[${who}] unknown link: ${v}`);
      await user.context().close();
      await page.context().close();
    }
  }
  log('no serious or critical accessibility violations');
  expect(problems.length === 0, `none, found ${problems.length}:\n${problems.join('\n')}`);
});
