// The native assist app shares a real X display with the agent's browser: the app (the real
// app, driven through its terminal with --cli) checks in and is allowed in; the agent starts the
// session in the portal and the video element decodes the app's H.264 over WebRTC, showing
// the xterm that runs on that display.
//
// Then control: the agent asks, the end user allows in the app, the agent's click puts the
// pointer where it clicked, and a command typed by the agent (with shifted characters) runs
// in the xterm and writes a file; with the end user's layout switched to German, AltGr and the
// layout's own keys make a file named with @. Taken back with the app's hotkey, the next
// command never arrives. Then a second session with the agent's browser on the relay only,
// the measured figures (input-to-picture latency, the relay's cost), and the app quitting:
// Disconnected, then the session ends after the grace period.
//
// Run by tests/api/portal.rs, which starts Xvfb with an xterm, the server, creates the request
// and passes: BASE, ADMIN_EMAIL, ADMIN_PASSWORD, LINK, REQUEST_ID, ASSIST_APP (the Linux app as
// downloaded from the link page), DISPLAY, SHOTS
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { agentOnRequest, env, expect, hydrated, log, run } from './lib.mjs';
const LINK = env('LINK');
const ID = env('REQUEST_ID');

// Tools run on the test's display, never for long (a stuck tool fails the step, not CI).
const X = { env: { ...process.env, DISPLAY: env('DISPLAY') }, timeout: 10_000 };

// The app's terminal: every line kept, and waits for a line matching a pattern.
const app = spawn(env('ASSIST_APP'), ['--cli', LINK], {
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

// The server's CPU time (clock ticks, 100 a second) and resident memory, from /proc.
const serverUsage = () => {
  const f = readFileSync(`/proc/${env('SERVER_PID')}/stat`, 'utf8').split(') ')[1].split(' ');
  return { ticks: Number(f[11]) + Number(f[12]), rssMb: Number(f[21]) * 4096 / 1048576 };
};
// What the server spends while the screen streams with motion (the xterm window moved
// around the display twenty times a second) for `secs`, and the rate the agent receives.
const streaming = async (agent, secs) => {
  const xterm = execFileSync('xdotool', ['search', '--onlyvisible', '--class', 'xterm'], X).toString().split('\n')[0];
  const home = execFileSync('xdotool', ['getwindowgeometry', '--shell', xterm], X).toString();
  const [hx, hy] = [Number(/X=(\d+)/.exec(home)[1]), Number(/Y=(\d+)/.exec(home)[1])];
  const mover = spawn('sh', ['-c', `i=0; while [ $i -lt ${secs * 20 + 20} ]; do ` +
    `xdotool windowmove ${xterm} $((i * 37 % 600)) $((i * 23 % 300)); i=$((i + 1)); sleep 0.05; done`],
    { env: X.env, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
  const bytes = () => agent.evaluate(() => Number(document.querySelector('#remote-screen').dataset.bytes));
  const [u0, b0, t0] = [serverUsage(), await bytes(), Date.now()];
  await new Promise((r) => setTimeout(r, secs * 1000));
  const [u1, b1, t1] = [serverUsage(), await bytes(), Date.now()];
  mover.kill();
  await new Promise((r) => mover.once('exit', r));
  execFileSync('xdotool', ['windowmove', '--sync', xterm, String(hx), String(hy)], X);
  return {
    cpu: ((u1.ticks - u0.ticks) / 100) / ((t1 - t0) / 1000) * 100,
    rssMb: u1.rssMb,
    kbps: (b1 - b0) * 8 / (t1 - t0),
  };
};

try {
  await run('native', async (newPage) => {
    log('the app checks in');
    await line(/^Checked in with/);

    log('the agent sees the end user online');
    const agent = await agentOnRequest(newPage, ID);

    log('connect, allowed in the app: sharing starts at once');
    await agent.click('button[data-action="connect"]');
    await line(/asks to see your screen/);
    // The agent sees whom they are waiting for, and how long the answer may take.
    const asking = await agent.locator('#asking').textContent();
    expect(/Asking .+ to allow… \d+ s/.test(asking), `the pending prompt with its time left: ${asking}`);
    app.stdin.write('y\n');
    await line(/^Access allowed/);
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

    log('the server while a direct session streams motion (baseline)');
    const direct = await streaming(agent, 6);

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

    log('a German layout on the end user\'s side: the same physical keys, and AltGr');
    // Keys travel as physical positions; the end user's layout says what they mean. With a
    // German layout, AltGr+Q is @, Shift+7 is /, and the key US keyboards call Slash is -.
    // The command makes a file whose name holds them.
    execFileSync('setxkbmap', ['-model', 'pc105', '-layout', 'de'], X);
    const de = { '@': ['KeyQ', 'AltRight'], '/': ['Digit7', 'Shift'], '-': ['Slash'], ' ': ['Space'] };
    const typeDe = async (text) => {
      for (const ch of text) {
        let [code, mod] = de[ch] || [];
        if (!code && /[a-x]/.test(ch)) code = `Key${ch.toUpperCase()}`;
        if (!code && /[0-9]/.test(ch)) code = `Digit${ch}`;
        if (!code) throw new Error(`no German key for ${ch}`);
        if (mod) await agent.keyboard.down(mod);
        await agent.keyboard.press(code);
        if (mod) await agent.keyboard.up(mod);
      }
      await agent.keyboard.press('Enter');
    };
    const altgr = `/tmp/beckon-e2e-${process.pid}-de-a@b`;
    rmSync(altgr, { force: true });
    try {
      await typeDe(`touch ${altgr}`);
      for (let i = 0; i < 100 && !existsSync(altgr); i++) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(altgr), `AltGr and the German layout's keys reached the xterm: ${altgr} exists`);
    } finally {
      execFileSync('setxkbmap', ['-model', 'pc105', '-layout', 'us'], X);
      rmSync(altgr, { force: true });
    }

    log('the clipboard goes both ways while the agent has control');
    await agent.fill('#clip-out', 'Ticket 4711 ✓');
    await agent.click('#clip-send');
    await line(/put text on your clipboard/);
    const clip = () => execFileSync('xclip', ['-selection', 'clipboard', '-o'], X).toString();
    expect(clip() === 'Ticket 4711 ✓', `the agent's text on the end user's X clipboard: ${JSON.stringify(clip())}`);
    // The end user copies something (xclip owns the selection, as an application would).
    execFileSync('sh', ['-c', 'printf %s "from Felix" | xclip -selection clipboard -i >/dev/null 2>&1'], X);
    await agent.waitForFunction(() => document.querySelector('#clip-in')?.textContent === 'from Felix', null, { timeout: 10_000 });

    log('input-to-picture latency: a key at the agent until the picture changes');
    // Measured in the page: the key goes out as the agent's key would (the view's handler),
    // and the clock stops at the presentation of the first frame that differs. 'a' and
    // Backspace alternate, so the xterm's line is clean afterwards.
    const samples = await agent.evaluate(async () => {
      const v = document.querySelector('#remote-screen');
      const c = document.createElement('canvas');
      c.width = 320; c.height = 180;
      const g = c.getContext('2d', { willReadFrequently: true });
      const grab = () => { g.drawImage(v, 0, 0, 320, 180); return g.getImageData(0, 0, 320, 180).data; };
      const differs = (a, b) => {
        for (let i = 0; i < a.length; i += 4) {
          if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 90) return true;
        }
        return false;
      };
      const frame = (ms) => Promise.race([
        new Promise((r) => v.requestVideoFrameCallback((_, meta) => r(meta))),
        new Promise((r) => setTimeout(() => r(null), ms)),
      ]);
      const key = (code, key) => {
        for (const type of ['keydown', 'keyup']) v.dispatchEvent(new KeyboardEvent(type, { code, key, bubbles: true }));
      };
      const out = [];
      for (let i = 0; i < 24; i++) {
        await new Promise((r) => setTimeout(r, 300));
        await frame(100);
        const before = grab();
        const t0 = performance.now();
        if (i % 2 === 0) key('KeyA', 'a'); else key('Backspace', 'Backspace');
        let dt = null;
        for (;;) {
          const meta = await frame(1500);
          if (!meta) break;
          if (differs(before, grab())) { dt = meta.presentationTime - t0; break; }
        }
        out.push(dt);
      }
      return out;
    });
    const got = samples.filter((x) => x !== null).sort((a, b) => a - b);
    const pct = (p) => got[Math.min(got.length - 1, Math.floor(p * got.length))];
    console.log(['input-to-picture latency at the agent (key → server → app → XTest → xterm → capture → H.264 → browser):',
      '| samples | median | p95 | min | max |', '|---|---|---|---|---|',
      `| ${got.length} of ${samples.length} | ${pct(0.5).toFixed(0)} ms | ${pct(0.95).toFixed(0)} ms | ${got[0].toFixed(0)} ms | ${got[got.length - 1].toFixed(0)} ms |`].join('\n'));
    expect(got.length >= samples.length * 0.8, `most keys showed in the picture: ${JSON.stringify(samples)}`);

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

    log('a second session, the agent\'s browser on the relay only (direct paths refused)');
    // Every connection the page makes from now on may use relayed candidates only.
    await agent.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      window.__pcs = [];
      window.RTCPeerConnection = function (config, ...rest) {
        const pc = new Native({ ...(config || {}), iceTransportPolicy: 'relay' }, ...rest);
        window.__pcs.push(pc);
        return pc;
      };
      window.RTCPeerConnection.prototype = Native.prototype;
    });
    await agent.reload();
    await hydrated(agent);
    const mark = lines.length;
    await agent.click('button[data-action="connect"]');
    await line(/asks to see your screen/, 15_000, mark);
    app.stdin.write('y\n');
    await line(/^Access allowed/, 15_000, mark);
    await line(/^Sharing your screen/, 15_000, mark);
    await agent.waitForSelector('#end-session');
    await agent.waitForFunction(() => {
      const v = document.querySelector('#remote-screen');
      return v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 10;
    }, null, { timeout: 30_000 });
    const path = await agent.evaluate(async () => {
      const pc = window.__pcs[window.__pcs.length - 1];
      const stats = [...(await pc.getStats()).values()];
      const transport = stats.find((s) => s.type === 'transport');
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const local = stats.find((s) => s.id === pair?.localCandidateId);
      return { type: local?.candidateType, protocol: local?.relayProtocol, pcs: window.__pcs.length };
    });
    expect(path.type === 'relay', `the picture arrives through the relay: ${JSON.stringify(path)}`);

    log('control through the relayed session: the click still lands');
    await agent.click('#ask-control');
    await line(/asks to control your mouse and keyboard/, 15_000, mark);
    app.stdin.write('y\n');
    await agent.waitForSelector('#control-state[data-state="granted"]');
    await agent.locator('#remote-screen').scrollIntoViewIfNeeded();
    const q = await at(0.5, 0.5);
    await agent.mouse.move(q.x, q.y);
    let moved = '';
    for (let i = 0; i < 50; i++) {
      moved = where();
      if (/X=6[34]\d\b/.test(moved) && /Y=3[56]\d\b/.test(moved)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(/X=6[34]\d\b/.test(moved) && /Y=3[56]\d\b/.test(moved), `the pointer at the middle, 640,360: ${moved}`);

    log('the server while the relayed session streams motion');
    const relayed = await streaming(agent, 6);
    const row = (name, m) => `| ${name} | ${m.kbps.toFixed(0)} | ${m.cpu.toFixed(1)} % | ${m.rssMb.toFixed(0)} MB |`;
    console.log(['relay figures (the test process is the server; other tests running at the same time count too):',
      '| session | kbit/s to the agent | server CPU (one core) | server RSS |', '|---|---|---|---|',
      row('direct (baseline)', direct), row('relayed', relayed)].join('\n'));
    expect(relayed.kbps > 50, `the relayed picture keeps arriving while it changes: ${relayed.kbps.toFixed(0)} kbit/s`);

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
