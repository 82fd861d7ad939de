// The support session end to end, in Debian's Chromium with fake media: the end user opens
// the link (German), starts in the browser and waits; the agent's request page shows them
// online; Connect → Allow → Start → the end user shares their screen → the agent's video
// element receives frames (WebRTC stats count bytes) → chat both ways → the end user stops
// (the session ends, back to waiting). A second device is refused; "This wasn't me" closes.
//
// Run by tests/api/portal.rs, which starts the server, creates the request and passes:
//   BASE, ADMIN_EMAIL, ADMIN_PASSWORD, LINK, REQUEST_ID, SHOTS (failure screenshots)
import { agentOnRequest, env, expect, hydrated, log, run } from './lib.mjs';
const LINK = env('LINK');
const ID = env('REQUEST_ID');

await run('assist', async (newPage) => {
  log('landing page');
  const user = await newPage('user', { locale: 'de-DE' });
  const res = await user.goto(LINK);
  expect(res.status() === 200, `the link page answers 200, got ${res.status()}`);
  const main = await user.textContent('main');
  expect(main.includes('\u2068Ada Admin\u2069 von \u2068Acme Support\u2069'), `the agent and organisation, in German: ${main}`);
  expect(main.includes('niemals nach Zahlungen oder Passwörtern') || main.includes('Zahlung'), 'the anti-scam note');
  expect(main.includes('Drucker'), 'the shared reason');
  expect(main.includes('geplant'), 'the schedule');
  // Headless Chromium on Linux: the Linux app, its checksum and the code it joins with.
  expect(/\/app\/linux-x86_64$/.test(await user.locator('.download-app').getAttribute('href')), 'the Linux app download');
  expect(/^[0-9a-f]{64}$/.test(await user.textContent('.checksum')), 'the download checksum');
  expect(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(await user.textContent('#join-code')), 'the join code');
  expect(await user.locator('#steps li').count() === 3, 'what will happen, in three steps');

  log('a phone, whose browser cannot share a screen, is sent to a computer without an error');
  const phone = await newPage('phone', {
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  });
  const phoneErrors = [];
  phone.on('pageerror', (e) => phoneErrors.push(e.message));
  await phone.addInitScript(() => { if (navigator.mediaDevices) delete Object.getPrototypeOf(navigator.mediaDevices).getDisplayMedia; });
  await phone.goto(LINK);
  await hydrated(phone);
  await phone.waitForSelector('#use-computer');
  expect((await phone.locator('#send-link').getAttribute('href')).startsWith('mailto:?subject='), 'send the link to oneself');
  expect(await phone.locator('#continue').count() === 0 && await phone.locator('.download-app').count() === 0, 'no way in that needs a computer');
  expect(phoneErrors.length === 0, `no page error on the phone: ${phoneErrors}`);
  await phone.context().close();
  await hydrated(user);
  await user.click('#continue');
  await user.waitForSelector('#waiting');

  log('the agent sees the end user online');
  const agent = await agentOnRequest(newPage, ID);

  log('a second device is refused');
  const other = await newPage('other');
  const second = await other.goto(LINK);
  expect(second.status() === 409, `a second device gets 409, got ${second.status()}`);
  await other.waitForSelector('#in-use');

  log('connect, allow: the session starts and the screen picker opens without another click');
  await agent.click('button[data-action="connect"]');
  await user.waitForSelector('#prompt');
  expect((await user.textContent('#prompt-title')).includes('Ada Admin'), 'the prompt names the agent');
  await user.click('#allow');
  await user.waitForSelector('#in-session');
  // (Chromium picks the screen itself here: --auto-select-desktop-capture-source.)
  await user.waitForSelector('#sharing-bar');
  expect((await user.textContent('#sharing-bar')).includes('Sie teilen Ihren Bildschirm'), 'the sharing bar');

  log('the agent receives frames');
  await agent.waitForFunction(() => {
    const v = document.querySelector('#remote-screen');
    return v && Number(v.dataset.bytes) > 0 && v.videoWidth > 0;
  }, null, { timeout: 30_000 });
  const bytes = await agent.evaluate(() => Number(document.querySelector('#remote-screen').dataset.bytes));
  console.log(`agent received ${bytes} bytes of screen`);
  await agent.waitForFunction(() => document.querySelector('#screen-rate').textContent.includes('kbit/s'));

  log('chat both ways');
  await agent.fill('#chat-input', 'Hallo, ich sehe Ihren Bildschirm');
  await agent.click('#chat-send');
  await user.locator('#chat-log li', { hasText: 'Hallo, ich sehe Ihren Bildschirm' }).waitFor();
  await user.fill('#chat-input', 'Super, danke <3');
  await user.press('#chat-input', 'Enter');
  await agent.locator('#chat-log li', { hasText: 'Super, danke <3' }).waitFor();

  log('the agent reloads and sees the screen again');
  // The view's new socket says hello; the sharing end user offers afresh.
  await agent.reload();
  await hydrated(agent);
  await agent.waitForFunction(() => {
    const v = document.querySelector('#remote-screen');
    return v && Number(v.dataset.bytes) > 0 && v.videoWidth > 0;
  }, null, { timeout: 30_000 });

  log('the end user stops');
  await user.click('#stop');
  await user.waitForSelector('#sharing-bar', { state: 'detached' });
  // Told plainly that it is over; the chat stays readable on both sides.
  await user.waitForSelector('#session-over');
  expect(await user.locator('#chat-log li').count() > 0, 'the end user still reads the chat');
  await agent.waitForSelector('#session-ended');
  // (The agent reloaded since the chat: chat is never stored, so theirs starts empty.)
  expect(await agent.locator('#session-view section.chat').isVisible(), 'the agent still has the chat');
  await agent.waitForSelector('#timeline li[data-kind="session_ended"]');
  const ended = await agent.textContent('#timeline li[data-kind="session_ended"]');
  expect(/\(\d+:\d\d:\d\d, /.test(ended), `the session's duration and reason on the timeline: ${ended}`);
  expect(await agent.locator('#timeline li[data-kind="session_started"]').count() === 1, 'the session start on the timeline');

  log('this was not me');
  await user.click('#decline');
  // Asked first: nothing happens until they confirm.
  await user.waitForSelector('#decline-yes');
  await user.click('#decline-yes');
  await user.waitForSelector('#ended');
  await agent.waitForSelector('#timeline li[data-kind="declined"]');
}, { extraArgs: [
  // Fake media: the screen picker answers itself with a generated picture.
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen', '--auto-accept-this-tab-capture',
], timeout: 15_000 });
