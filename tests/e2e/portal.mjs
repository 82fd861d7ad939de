// The portal end to end, in Debian's Chromium: an agent signs in, creates a request with every
// field, copies the link; the end user opens it in a second browser context and checks in; the
// agent's row turns Waiting live; Connect → Allow → Start → Close → Past. A view-only agent sees
// no create button and is refused (403) when posting anyway.
//
// Run by tests/api/portal.rs, which starts the server and passes:
//   BASE, ADMIN_EMAIL, ADMIN_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD, SHOTS (failure screenshots)
import { createHmac } from 'node:crypto';
import { BASE, env, expect, hydrated, log, run } from './lib.mjs';

/// The code an authenticator app shows for a base32 `key` at 30-second `step` (RFC 6238).
function totp(key, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const bytes = [];
  for (const c of key.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { bytes.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 30000);

async function signIn(page, email, password) {
  await page.goto(`${BASE}/`);
  await page.waitForURL(/\/signin/);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('form.card button[type=submit]');
}

await run('portal', async (newPage) => {
  // --- Sign in: wrong password first, then right.
  log('sign in');
  const agent = await newPage('agent', { permissions: ['clipboard-read', 'clipboard-write'] });
  await signIn(agent, env('ADMIN_EMAIL'), 'not the password');
  await agent.waitForSelector('#signin-error');
  expect((await agent.textContent('#signin-error')).includes('Wrong email or password'), 'a wrong-password message');
  await agent.fill('#email', env('ADMIN_EMAIL'));
  await agent.fill('#password', env('ADMIN_PASSWORD'));
  await agent.click('form.card button[type=submit]');
  await agent.waitForSelector('#tab-active');
  await hydrated(agent);

  // --- Create with every field; first an expiry past the maximum, refused beside the field.
  log('create dialog');
  // The dialog is a page of its own (?create=1): Escape needs its island, awake.
  await agent.click('#new-request');
  await agent.waitForSelector('#create-form');
  await hydrated(agent);
  expect(await agent.evaluate(() => document.activeElement.id) === 'f-recipient_name', 'focus starts in the first field');
  await agent.keyboard.press('Escape');
  await agent.waitForSelector('#create-form', { state: 'detached' });
  await agent.click('#new-request');
  await agent.waitForSelector('#create-form');
  await hydrated(agent);
  await agent.fill('#f-recipient_name', 'Grace Hopper');
  await agent.selectOption('#f-assign', { label: 'Ada Admin' });
  await agent.fill('#f-recipient_email', 'grace@example.com');
  await agent.check('#f-send_email');
  await agent.selectOption('#f-email_language', 'ko');
  // The recipient's zone follows the mail's language until the agent picks one.
  expect(await agent.inputValue('#f-recipient_zone') === 'Asia/Seoul', 'a Korean recipient is guessed in Seoul');
  await agent.fill('#f-comment', 'Printer driver <b>not</b> installing');
  const inDays = (d) => { const t = new Date(Date.now() + d * 86400e3); t.setSeconds(0, 0);
    const p = (n) => String(n).padStart(2, '0');
    return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}`; };
  // Two mistakes at once (a time gone by, a link too long-lived): both are named together.
  await agent.fill('#f-scheduled_at', inDays(-1));
  await agent.fill('#f-expires_at', inDays(90));
  expect((await agent.textContent('#tz-note')).includes('Europe/Berlin'), 'the agent\'s time zone shown');
  await agent.click('#create-submit');
  await agent.waitForSelector('#err-expires_at');
  await agent.waitForSelector('#err-scheduled_at');
  log('create');
  await agent.fill('#f-scheduled_at', inDays(1));
  await agent.fill('#f-expires_at', inDays(3));
  await agent.click('#create-submit');
  await agent.waitForSelector('#created-link');
  const link = await agent.inputValue('#created-link');
  expect(link.startsWith(`${BASE}/s/`), `a link to the landing page, got ${link}`);
  await agent.click('#created .copy');
  expect(await agent.evaluate(() => navigator.clipboard.readText()) === link, 'the link on the clipboard');
  // The link page states the time in the recipient's zone (Seoul) and, in a browser
  // elsewhere (this one is in Berlin), also the time there.
  // (A browser of its own: one signed in to the portal may not act as the end user.)
  const preview = await newPage('preview');
  await preview.goto(link);
  expect((await preview.textContent('.schedule')).includes('Asia/Seoul'), 'the schedule in the recipient\'s zone');
  await preview.waitForSelector('#your-time');
  await preview.close();

  // --- Upcoming shows it, with its schedule and the copy button.
  log('upcoming');
  await agent.click('#created-done');
  await agent.click('#tab-upcoming');
  const row = agent.locator('tr', { hasText: 'Grace Hopper' });
  await row.waitFor();
  expect(await row.getAttribute('data-status') === 'open', 'the new request is open');
  expect(await row.locator('td').nth(2).textContent() === 'Ada Admin', 'assigned to the agent');

  // --- The detail page: edit a field; the timeline records it.
  log('detail and edit');
  await row.locator('a.recipient').click();
  await agent.waitForSelector('#edit-form');
  await hydrated(agent);
  expect(await agent.inputValue('#edit-form #f-recipient_zone') === 'Asia/Seoul', 'the recipient\'s zone is stored');
  // One zone on the agent's pages, the agent's, and said: the edit form shows the time as
  // typed in Berlin, not in the recipient's Seoul; the recipient's time stands beside it.
  await agent.waitForFunction(() => document.querySelector('#edit-form #tz-note').textContent.includes('Europe/Berlin'));
  expect(await agent.inputValue('#edit-form #f-scheduled_at') === inDays(1), 'the schedule in the agent\'s zone');
  expect(await agent.textContent('.zone-note [data-local-zone]') === 'Europe/Berlin', 'the page says its zone');
  expect((await agent.textContent('.recipient-time')).includes('Asia/Seoul'), 'the recipient\'s time, labelled');
  await agent.fill('#edit-form #f-comment', 'Printer driver <b>not</b> installing (model 42)');
  await agent.click('#edit-form button[type=submit]');
  await agent.waitForSelector('#timeline li[data-kind="edited"]');
  await agent.click('a.back');

  // --- The end user opens the link (another browser, another person) and checks in.
  log('end user opens the link');
  await agent.click('#tab-active');
  await agent.waitForSelector('#no-requests');
  const user = await newPage('user', { locale: 'en-US' });
  const res = await user.goto(link);
  expect(res.status() === 200, 'the link page answers 200');
  expect(res.headers()['referrer-policy'] === 'no-referrer', 'the link page sends no Referer');
  expect((await user.textContent('main')).includes('\u2068Grace Hopper\u2069님'), 'the page speaks the request\'s language (Korean)');
  expect((await user.textContent('main')).includes('Printer') === false, 'the comment stays private');
  await hydrated(user);
  const loaded = await user.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  expect(loaded.some((n) => n.endsWith('/pkg/link_bg.wasm')) && !loaded.some((n) => n.includes('beckon_bg')),
    `the end user's page loads only its own small bundle (${loaded})`);
  await user.click('#continue');
  await user.waitForSelector('#waiting');

  log('row turns waiting live');
  await agent.locator('tr[data-status="waiting"]', { hasText: 'Grace Hopper' }).waitFor();
  // How long she has waited, the tab's count and the browser tab's title follow live.
  await agent.locator('tr[data-status="waiting"] td.waiting-for time').waitFor();
  await agent.waitForFunction(() => document.querySelector('#tab-active .count')?.textContent === '1');
  await agent.waitForFunction(() => document.title.startsWith('(1) '));

  log('connect from the list: the agent lands on the session view; allow');
  await agent.click('tr[data-status="waiting"] button[data-action="connect"]');
  await agent.waitForURL(/\/requests\/[0-9A-Za-z]+$/);
  await agent.waitForSelector('#session-view');
  await user.waitForSelector('#prompt');
  expect((await user.textContent('#prompt-title')).includes('Ada Admin'), 'the prompt names the agent');
  expect(await user.evaluate(() => document.activeElement.id) === 'allow', 'the prompt takes the focus');
  await agent.waitForSelector('#asking');
  await user.click('#allow');

  log('the session starts on Allow (the portal\'s Connect asks for it); close');
  await user.waitForSelector('#in-session');
  await agent.waitForSelector('#end-session');
  // Close is in the More menu and asks first: it ends the link and mails the recipient.
  expect(!(await agent.isVisible('#detail-live button[data-action="close"]')), 'Close is not one click away');
  await agent.click('#detail-live details.more > summary');
  // A live update of the request (the session's start reaching the page) keeps the menu open.
  await agent.evaluate(() => window.dispatchEvent(new Event('beckon:refresh')));
  await agent.waitForTimeout(300);
  await agent.click('#detail-live details.confirm > summary');
  await agent.click('#detail-live button[data-action="close"]');
  await agent.goto(`${BASE}/`);
  await agent.waitForSelector('#no-requests');

  log('past tab and timeline');
  await agent.click('#tab-past');
  const past = agent.locator('tr[data-status="closed"]', { hasText: 'Grace Hopper' });
  await past.waitFor();
  expect(await past.locator('[data-outcome="after_session"]').count() === 1, 'the outcome: ended after a session');
  await agent.selectOption('#filter-outcome', 'declined');
  await agent.press('#filter-q', 'Enter');
  await agent.waitForSelector('#no-requests');
  await agent.selectOption('#filter-outcome', '');
  // Filters keep to the tab they were set on.
  await agent.fill('#filter-q', 'nobody by that name');
  await agent.press('#filter-q', 'Enter');
  await agent.waitForSelector('#no-requests');
  expect(agent.url().includes('view=past'), `the search stays on the Past tab (${agent.url()})`);
  await agent.fill('#filter-q', 'grace');
  await agent.selectOption('#filter-status', 'closed');
  await agent.press('#filter-q', 'Enter');
  await past.waitFor();
  await past.locator('a.recipient').click();
  await agent.waitForSelector('#timeline');
  for (const kind of ['created', 'checked_in', 'connect_requested', 'access_allowed', 'session_started', 'closed']) {
    expect(await agent.locator(`#timeline li[data-kind="${kind}"]`).count() === 1, `a ${kind} event on the timeline`);
  }
  expect((await agent.textContent('main')).includes('Printer driver <b>not</b> installing'), 'the comment, escaped');
  await user.waitForSelector('#ended');

  // --- Korean portal, from the browser's language.
  log('korean portal');
  const ko = await newPage('ko', { locale: 'ko-KR' });
  await ko.goto(`${BASE}/signin`);
  expect((await ko.textContent('h2')).includes('로그인'), 'the sign-in page in Korean');

  // --- A view-only agent: no create button; posting anyway is refused.
  log('view-only agent');
  const viewer = await newPage('viewer');
  await signIn(viewer, env('VIEWER_EMAIL'), env('VIEWER_PASSWORD'));
  await viewer.waitForSelector('#tab-active');
  await hydrated(viewer);
  expect(await viewer.locator('#new-request').count() === 0, 'no create button for a view-only agent');
  await viewer.click('#tab-past');
  await viewer.locator('tr', { hasText: 'Grace Hopper' }).waitFor();
  expect(await viewer.locator('button[data-action]').count() === 0, 'no action buttons for a view-only agent');
  const refused = await viewer.evaluate(async () => {
    const body = new URLSearchParams({ 'form[recipient_name]': 'Mallory', 'form[assign]': 'me' });
    const r = await fetch('/portal/api/requests/create', { method: 'POST', body });
    const api = await fetch('/api/v1/session-requests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"recipient_name":"Mallory"}' });
    return [r.status, api.status];
  });
  expect(refused[0] === 403 && refused[1] === 403, `403 for a view-only agent's create, got ${refused}`);
  expect(await viewer.locator('a[href="/admin/agents"]').count() === 0, 'no admin menu for an agent');
  await viewer.goto(`${BASE}/admin/agents`);
  expect((await viewer.textContent('main')).includes('You may not do that.'), 'admin pages refuse an agent');
  expect(await viewer.locator('#add-agent-form').count() === 0, 'no admin forms for an agent');

  // --- 375 px wide: nothing scrolls sideways.
  log('narrow screen');
  await agent.setViewportSize({ width: 375, height: 800 });
  await agent.goto(`${BASE}/?view=past`);
  await agent.waitForSelector('#requests');
  const overflow = await agent.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow <= 375, `no sideways scrolling at 375 px (page is ${overflow} px wide)`);
  // A phone (375 × 667): the header keeps to two short rows, far from a third of the screen.
  await agent.setViewportSize({ width: 375, height: 667 });
  const header = await agent.evaluate(() => document.querySelector('header.top').getBoundingClientRect().height);
  expect(header <= 667 / 5, `the header is ${header} px high on a 667 px phone screen`);
  // Status icons are drawn, not characters a font may lack.
  expect(await agent.locator('.badge svg.icon').count() > 0, 'status badges carry SVG icons');
  expect(await agent.locator('.badge span.icon').count() === 0, 'no character icons left');

  // --- The language menu: choosing one reloads the page in it (and back).
  log('language menu');
  await hydrated(agent);
  await agent.selectOption('#lang-select', 'ko');
  await agent.waitForSelector('html[lang="ko"]');
  expect((await agent.textContent('#tab-past')).trim() !== 'Past', 'the tabs in Korean');
  // The mails' eleven languages are offered, German among them.
  expect(await agent.locator('#lang-select option').count() === 11, 'eleven portal languages');
  await hydrated(agent);
  await agent.selectOption('#lang-select', 'de');
  await agent.waitForSelector('html[lang="de"]');
  expect((await agent.textContent('#new-request')).includes('Neue Anfrage'), 'the portal in German');
  // An island drawn in the browser speaks it too: its words come with the page, not the
  // bundle (the zone note is filled in once hydrated, with the browser's zone).
  await agent.click('#new-request');
  await agent.waitForSelector('#create-form');
  await hydrated(agent);
  await agent.waitForFunction(() => document.querySelector('#tz-note').textContent.includes('Europe/Berlin'));
  expect((await agent.textContent('#tz-note')).trim() === 'Zeitzone: Europe/Berlin.', 'the hydrated island in German');
  await agent.keyboard.press('Escape');
  await agent.waitForSelector('#create-form', { state: 'detached' });
  await hydrated(agent);
  await agent.selectOption('#lang-select', 'en');
  await agent.waitForSelector('html[lang="en"]');

  // --- Admin: add an agent; the settings in force.
  log('admin pages');
  await agent.setViewportSize({ width: 1280, height: 800 });
  await agent.goto(`${BASE}/admin/agents`);
  await agent.waitForSelector('#add-agent-form');
  await hydrated(agent);
  await agent.fill('#a-email', 'linus@example.com');
  await agent.fill('#a-name', 'Linus Agent');
  await agent.fill('#a-password', 'a long password');
  await agent.click('#add-agent-form button[type=submit]');
  await agent.locator('#agents tr', { hasText: 'Linus Agent' }).waitFor();
  await agent.goto(`${BASE}/admin/settings`);
  expect((await agent.textContent('#settings')).includes('.eml'), 'the mail status is shown');
  await hydrated(agent);
  await agent.fill('#s-max', 'soon');
  await agent.click('#settings-form button[type=submit]');
  await agent.waitForSelector('#err-max_expiry');
  await agent.fill('#s-max', '21d');
  await agent.fill('#s-organisation', 'Acme Support');
  await agent.click('#settings-form button[type=submit]');
  await agent.waitForSelector('#settings-saved');
  expect(await agent.inputValue('#s-organisation') === 'Acme Support', 'the new organisation is kept');

  // --- Mail: the invitation in the log (no relay here: written as a file, so sent), a test
  // mail, and a webhook endpoint whose secret is shown once.
  log('admin mail page');
  await agent.goto(`${BASE}/admin/mail`);
  await agent.waitForSelector('#outbox');
  await hydrated(agent);
  expect(await agent.locator('#outbox tr[data-kind="invitation"][data-state="sent"]').count() >= 1, 'the invitation in the mail log, sent');
  expect((await agent.textContent('#mail-status')).includes('.eml'), 'where mail goes');
  await agent.click('#send-test-mail');
  await agent.waitForSelector('#test-mail-queued');
  await agent.locator('#outbox tr[data-kind="test"]').waitFor();
  await agent.click('#mail-tab-failed');
  await agent.waitForSelector('#no-mail');
  await agent.fill('#w-url', 'http://example.com/hook');
  await agent.click('#add-webhook-form button[type=submit]');
  await agent.waitForSelector('#err-url');
  await agent.fill('#w-url', 'https://hooks.example.com/beckon');
  await agent.click('#add-webhook-form button[type=submit]');
  await agent.waitForSelector('#webhook-secret');
  expect((await agent.textContent('#webhook-secret')).includes('whsec_'), 'the new secret, shown once');
  // The list below the form is fetched again after the change.
  await agent.locator('#webhooks li', { hasText: 'https://hooks.example.com/beckon' }).waitFor();

  // --- Own account: a wrong current password is refused beside its field; the right one
  // changes it and ends the other sign-in (a second browser context).
  log('account: change password');
  const other = await newPage('other-device');
  await signIn(other, env('ADMIN_EMAIL'), env('ADMIN_PASSWORD'));
  await other.waitForSelector('#tab-active');
  await agent.click('#account-link');
  await agent.waitForSelector('#password-form');
  await hydrated(agent);
  await agent.fill('#current-password', 'not my password');
  await agent.fill('#new-password', 'a brand new password');
  await agent.click('#password-form button[type=submit]');
  await agent.waitForSelector('#err-current_password');
  // The form came back from the server with the error: password fields come back empty.
  await agent.fill('#current-password', env('ADMIN_PASSWORD'));
  await agent.fill('#new-password', 'a brand new password');
  await agent.click('#password-form button[type=submit]');
  await agent.waitForSelector('#password-changed');
  await other.goto(`${BASE}/`);
  await other.waitForURL(/\/signin/);

  // --- Audit log: the failed sign-in from the start and the password change, newest first;
  // the CSV export answers with every entry.
  log('audit log');
  await agent.click('a[href="/admin/audit"]');
  await agent.waitForSelector('#audit');
  const kinds = await agent.locator('#audit tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.kind));
  expect(kinds[0] === 'sign_in_succeeded' || kinds[0] === 'password_changed', `newest first, got ${kinds.slice(0, 3)}`);
  expect(kinds.includes('password_changed') && kinds.includes('sign_in_failed') && kinds.includes('webhook_added'), `audited: ${kinds}`);
  expect((await agent.textContent('#audit')).includes('Sign-in failed'), 'events in words');
  const csv = await agent.request.get(`${BASE}/api/v1/audit.csv`);
  expect(csv.status() === 200, `CSV export: ${csv.status()}`);
  expect((await csv.text()).trim().split('\n').length === kinds.length + 1, 'one CSV row per entry, plus the header');

  // --- Two-factor sign-in: set up on the account page with a code computed from the key the
  // page shows (a wrong first code is refused beside the field).
  log('two-factor set-up');
  await agent.click('#account-link');
  await agent.waitForSelector('#totp-setup');
  await hydrated(agent);
  await agent.click('#totp-setup');
  await agent.waitForSelector('#totp-key');
  const key = (await agent.textContent('#totp-key')).trim();
  expect((await agent.getAttribute('#totp-link', 'href')).startsWith('otpauth://totp/'), 'a link for the app');
  await agent.fill('#totp-first-code', '000000');
  await agent.click('#totp-confirm-form button[type=submit]');
  await agent.waitForSelector('#err-code');
  const firstStep = stepNow();
  await agent.fill('#totp-first-code', totp(key, firstStep));
  await agent.click('#totp-confirm-form button[type=submit]');
  await agent.waitForSelector('#totp-on');

  // --- Sign out everywhere: this browser too is back at sign-in.
  log('sign out everywhere');
  await agent.click('#account-link');
  await agent.waitForSelector('#sign-out-everywhere');
  await hydrated(agent);
  await agent.click('#sign-out-everywhere');
  await agent.waitForURL(/\/signin/);
  await agent.goto(`${BASE}/`);
  await agent.waitForURL(/\/signin/);

  // --- Signing in now needs the code: asked for after the right password, then accepted
  // (the next step's code: the first one was used).
  log('sign in with a one-time code');
  await signIn(agent, env('ADMIN_EMAIL'), 'a brand new password');
  await agent.waitForSelector('#signin-error');
  expect((await agent.textContent('#signin-error')).includes('one-time code'), 'asked for the code');
  await hydrated(agent);
  await agent.fill('#email', env('ADMIN_EMAIL'));
  await agent.fill('#password', 'a brand new password');
  await agent.fill('#totp', totp(key, Math.max(stepNow(), firstStep + 1)));
  await agent.click('form.card button[type=submit]');
  await agent.waitForSelector('#tab-active');

  // --- Sign out: the portal sends us back to sign in.
  log('sign out');
  await hydrated(agent);
  await agent.click('#sign-out');
  await agent.waitForURL(/\/signin/);
  await agent.goto(`${BASE}/`);
  await agent.waitForURL(/\/signin/);
});
