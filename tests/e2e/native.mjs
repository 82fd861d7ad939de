// The native assist app shares a real X display with the agent's browser: the app (the real
// binary, driven through its terminal) checks in and is allowed in; the agent starts the
// session in the portal and the video element decodes the app's H.264 over WebRTC, showing
// the xterm that runs on that display.
//
// Run by tests/api/portal.rs, which starts Xvfb with an xterm, the server, creates the request
// and passes: BASE, ADMIN_EMAIL, ADMIN_PASSWORD, LINK, REQUEST_ID, BECKON_BIN, DISPLAY, SHOTS
import { execFileSync, spawn } from 'node:child_process';
import { BASE, env, expect, hydrated, log, run } from './lib.mjs';
const LINK = env('LINK');
const ID = env('REQUEST_ID');

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
const line = (re, ms = 15_000) => {
  const seen = lines.find((l) => re.test(l));
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
    const agent = await newPage('agent');
    await agent.goto(`${BASE}/signin`);
    await agent.fill('#email', env('ADMIN_EMAIL'));
    await agent.fill('#password', env('ADMIN_PASSWORD'));
    await agent.click('form.card button[type=submit]');
    await agent.waitForSelector('#tab-active');
    await agent.goto(`${BASE}/requests/${ID}`);
    await hydrated(agent);
    await agent.waitForSelector('#session-view[data-online="true"]');

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
      'type', '--delay', '40', 'echo the picture moves'], { env: { ...process.env, DISPLAY: env('DISPLAY') } });
    await agent.waitForFunction((before) => {
      const v = document.querySelector('#remote-screen');
      return v.getVideoPlaybackQuality().totalVideoFrames >= before + 5;
    }, frames, { timeout: 15_000 });
  }, { timeout: 15_000 });
} finally {
  app.kill();
}
