// The native assist app shares a real X display with the agent's browser: the app (the real
// binary, driven through its terminal) checks in and is allowed in; the agent starts the
// session in the portal and the video element decodes the app's H.264 over WebRTC, showing
// the xterm that runs on that display.
//
// Then control: the agent asks, the end user allows in the app, the agent's click puts the
// pointer where it clicked, and a command typed by the agent (with shifted characters) runs
// in the xterm and writes a file. Taken back with the app's hotkey, the next command never
// arrives.
//
// Run by tests/api/portal.rs, which starts Xvfb with an xterm, the server, creates the request
// and passes: BASE, ADMIN_EMAIL, ADMIN_PASSWORD, LINK, REQUEST_ID, BECKON_BIN, DISPLAY, SHOTS
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { agentOnRequest, env, expect, log, run } from './lib.mjs';
const LINK = env('LINK');
const ID = env('REQUEST_ID');

// Tools run on the test's display, never for long (a stuck tool fails the step, not CI).
const X = { env: { ...process.env, DISPLAY: env('DISPLAY') }, timeout: 10_000 };

// The app's terminal: every line kept, and waits for a line matching a pattern.
const app = spawn(env('BECKON_BIN'), ['assist', LINK], {
  env: { ...process.env, DISPLAY: env('DISPLAY'), RUST_LOG: 'warn' },
  stdio: ['pipe', 'pipe', 'pipe'],
});
const lines = [];
let waiting = [];
const onLine = (l) => {
  lines.push(l);
  waiting = waiting.filter(({ re, resolve }) => !(re.test(l) && (resolve(l), true)));
};
let buf = '';
app.stdout.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); } });
app.stderr.on('data', (d) => process.stdout.write(`[app stderr] ${d}`));
// `from`: only lines printed after that many (for a second session's same words).
const line = (re, ms = 15_000, from = 0) => {
  const seen = lines.slice(from).find((l) => re.test(l));
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    waiting.push({ re, resolve });
    setTimeout(() => reject(new Error(`the app never printed ${re}; it printed:\n${lines.join("\n")}`)), ms).unref();
  });
};

try {
  await run('native', async (newPage) => {
    log('the app checks in');
    await line(/^Checked in with/);

    log('the agent sees the end user online');
    const agent = await agentOnRequest(newPage, ID);

    log('connect, allowed in the app, start');
    await agent.click('button[data-action="connect"]');
    await line(/asks to see your screen/);
    app.stdin.write('y\n');
    await line(/^Access allowed/);
    await agent.click('button[data-action="start"]');
    await line(/^Sharing your screen/);

    log('the agent decodes the screen');
    await agent.waitForFunction(() => {
      const v = document.querySelector('#remote-screen');
      return v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 0;
    }, null, { timeout: 30_000 });
    await line(/^Your agent sees your screen/);
    const seen = await agent.evaluate(() => {
      const v = document.querySelector('#remote-screen');
      const c = document.createElement('canvas');
      c.width = v.videoWidth; c.height = v.videoHeight;
      const g = c.getContext('2d');
      g.drawImage(v, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      let bright = 0, dark = 0;
      for (let i = 0; i < px.length; i += 4 * 97) {
        const y = (px[i] + px[i + 1] + px[i + 2]) / 3;
        if (y > 200) bright++; else if (y < 50) dark++;
      }
      return { width: v.videoWidth, height: v.videoHeight, bright, dark, frames: v.getVideoPlaybackQuality().totalVideoFrames };
    });
    console.log(`agent decoded ${seen.frames} frames of ${seen.width}x${seen.height}`);
    expect(seen.width === 1280 && seen.height === 720, `the whole 1280x720 display: ${JSON.stringify(seen)}`);
    // Xvfb's root is black; the xterm is a white window with black text.
    expect(seen.bright > 100 && seen.dark > 100, `the xterm and the desktop both show: ${JSON.stringify(seen)}`);

    log('what changes on the display reaches the agent');
    const frames = seen.frames;
    // Typed on the display itself (xdotool), not through Beckon: the picture must follow.
    execFileSync('xdotool', ['search', '--onlyvisible', '--class', 'xterm', 'windowfocus', '--sync',
      'type', '--delay', '40', 'echo the picture moves\n'], X);
    await agent.waitForFunction((before) => {
      const v = document.querySelector('#remote-screen');
      return v.getVideoPlaybackQuality().totalVideoFrames >= before + 5;
    }, frames, { timeout: 15_000 });

    log('the agent asks for control; the end user allows it in the app');
    await agent.click('#ask-control');
    await agent.waitForSelector('#control-state[data-state="asking"]');
    await line(/asks to control your mouse and keyboard/);
    app.stdin.write('y\n');
    await line(/is controlling your computer/);
    await agent.waitForSelector('#control-state[data-state="granted"]');

    log("the agent's click puts the pointer where it clicked");
    // The xterm (white, top left) at 10 % / 10 % of the picture; the page point is worked
    // out from the video's box and the picture's proportions, as the portal maps it back.
    const at = async (fx, fy) => agent.evaluate(([fx, fy]) => {
      const v = document.querySelector('#remote-screen');
      const r = v.getBoundingClientRect();
      const s = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
      const w = v.videoWidth * s, h = v.videoHeight * s;
      return { x: r.left + (r.width - w) / 2 + fx * w, y: r.top + (r.height - h) / 2 + fy * h };
    }, [fx, fy]);
    await agent.locator('#remote-screen').scrollIntoViewIfNeeded();
    const p = await at(0.1, 0.1);
    await agent.mouse.click(p.x, p.y);
    const where = () => execFileSync('xdotool', ['getmouselocation', '--shell'], X).toString();
    let loc = '';
    for (let i = 0; i < 50; i++) {
      loc = where();
      const x = Number(/X=(\d+)/.exec(loc)[1]), y = Number(/Y=(\d+)/.exec(loc)[1]);
      if (Math.abs(x - 128) <= 3 && Math.abs(y - 72) <= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(/X=(12[5-9]|130|131)\b/.test(loc) && /Y=(69|7[0-5])\b/.test(loc), `the pointer at 128,72 (10 % of 1280x720): ${loc}`);

    log("the agent's typing reaches the xterm");
    // By physical key (KeyboardEvent.code), Shift held for the shifted characters.
    const codes = { ' ': ['Space'], '!': ['Digit1', true], '>': ['Period', true], '/': ['Slash'], '-': ['Minus'], '.': ['Period'] };
    const typeCodes = async (text) => {
      for (const ch of text) {
        let [code, shift] = codes[ch] || [];
        if (!code && /[a-z]/.test(ch)) code = `Key${ch.toUpperCase()}`;
        if (!code && /[A-Z]/.test(ch)) { code = `Key${ch}`; shift = true; }
        if (!code && /[0-9]/.test(ch)) code = `Digit${ch}`;
        if (shift) await agent.keyboard.down('Shift');
        await agent.keyboard.press(code);
        if (shift) await agent.keyboard.up('Shift');
      }
      await agent.keyboard.press('Enter');
    };
    const typed = `/tmp/beckon-e2e-${process.pid}-typed`;
    const late = `/tmp/beckon-e2e-${process.pid}-late`;
    rmSync(typed, { force: true }); rmSync(late, { force: true });
    await typeCodes(`echo Hi! > ${typed}`);
    for (let i = 0; i < 100 && !existsSync(typed); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(typed), `the command typed by the agent ran in the xterm and wrote ${typed}`);
    const content = readFileSync(typed, 'utf8');
    expect(content === 'Hi!\n', `the file holds what the agent typed, shifted characters included: ${JSON.stringify(content)}`);

    log('the clipboard goes both ways while the agent has control');
    await agent.fill('#clip-out', 'Ticket 4711 ✓');
    await agent.click('#clip-send');
    await line(/put text on your clipboard/);
    const clip = () => execFileSync('xclip', ['-selection', 'clipboard', '-o'], X).toString();
    expect(clip() === 'Ticket 4711 ✓', `the agent's text on the end user's X clipboard: ${JSON.stringify(clip())}`);
    // The end user copies something (xclip owns the selection, as an application would).
    execFileSync('sh', ['-c', 'printf %s "from Felix" | xclip -selection clipboard -i >/dev/null 2>&1'], X);
    await agent.waitForFunction(() => document.querySelector('#clip-in')?.textContent === 'from Felix', null, { timeout: 10_000 });

    log('the end user takes control back with the hotkey; the next keystrokes do not arrive');
    expect(lines.some((l) => l.includes('press Ctrl+Alt+Shift+S')), 'the app names its take-back hotkey');
    // Pressed on the display itself, whatever window has the keyboard.
    execFileSync('xdotool', ['key', 'ctrl+alt+shift+s'], X);
    await line(/no longer controls your computer/);
    await agent.waitForSelector('#ask-control');
    // The page stops sending once it hears; a keystroke sent anyway is refused by the server.
    await agent.evaluate(() => document.querySelector('#remote-screen').focus());
    await typeCodes(`echo late > ${late}`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(!existsSync(late), 'no keystroke reached the xterm after control was taken back');
    // Nor does the clipboard travel any more.
    expect(await agent.locator('#clipboard').isHidden(), 'the clipboard controls are gone with control');
    execFileSync('sh', ['-c', 'printf %s "after stop" | xclip -selection clipboard -i >/dev/null 2>&1'], X);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await agent.textContent('#clip-in') === 'from Felix', 'a copy made after control ended is not sent');
    rmSync(typed, { force: true });

    log('the agent ends the session, keeping the request open; the app says it is over');
    await agent.click('#end-session');
    await agent.waitForSelector('#end-choice');
    expect(await agent.evaluate(() => document.activeElement?.dataset.action) === 'end_keep',
      'the setting\'s choice (keep) is offered first, focused');
    await agent.click('#end-choice button[data-action="end_keep"]');
    await line(/The support session is over/);
    await agent.waitForSelector('#session-ended');
    await agent.locator('#timeline li[data-kind="session_ended"]', { hasText: 'by the agent' }).waitFor();

    log('a second session');
    const mark = lines.length;
    await agent.click('button[data-action="connect"]');
    await line(/asks to see your screen/, 15_000, mark);
    app.stdin.write('y\n');
    await line(/^Access allowed/, 15_000, mark);
    await agent.click('button[data-action="start"]');
    await line(/^Sharing your screen/, 15_000, mark);
    await agent.waitForSelector('#end-session');

    log('the app quits: the agent sees Disconnected, and the session ends after the grace period');
    app.kill();
    await agent.waitForSelector('#disconnected');
    await agent.waitForSelector('#session-ended', { timeout: 10_000 });
    expect(await agent.locator('#disconnected').count() === 0, 'no longer shown once the session ended');
    await agent.locator('#timeline li[data-kind="session_ended"]', { hasText: "the end user's connection dropped" }).waitFor({ timeout: 10_000 });
    expect(await agent.locator('#timeline li[data-kind="session_ended"]').count() === 2, 'both sessions on the timeline');
  }, { timeout: 15_000 });
} finally {
  app.kill();
}
