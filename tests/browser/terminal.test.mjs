#!/usr/bin/env node
// Drives the dashboard's terminal (xterm.js) in Debian's Chromium against a real hub and node agent:
// opens a terminal on the node, types `echo hi` + Enter and reads `hi` on a row of its own from the
// terminal's rendered rows; makes the window narrower and checks that the program's terminal
// follows (`stty size` in the shell, and the session's size over the API); leaves and comes back
// (a new attach replays the screen, nothing doubled); drops the WebSocket mid-output (it attaches again
// with after, nothing doubled or lost); closes the session and reads the exit banner;
// runs a command from the session form and reads its exit code in the banner; an unknown session's
// refusal (the error frame) shows in the error banner with its error id.
// Any error in the page's console (a refused Content-Security-Policy, a failed request) fails it.
//
//   node terminal.test.mjs --url http://127.0.0.1:5000 --key chk.admin.… --node n1 --screenshots ../../artifacts/test-results
//
// The node must be online. Prints "session: <id>" for the session it opened. Exit code 0 on success;
// 1 with "FAIL: <step>: <reason>" on stderr otherwise; 2 for bad arguments.

import path from 'node:path';
import { byTestId, log, readArgs, runInChromium, screenshot, signIn, step } from './harness.mjs';

const args = readArgs(
  'usage: node terminal.test.mjs --url <hub> --key <api key> --node <node id> --screenshots <dir> [--timeout <ms>] [--chromium <path>]',
  {
    url: { type: 'string' },
    key: { type: 'string' },
    node: { type: 'string' },
    screenshots: { type: 'string' },
    timeout: { type: 'string', default: '60000' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
  ['url', 'key', 'node', 'screenshots']);
const timeout = Number(args.timeout);
const shot = (name) => path.join(args.screenshots, `terminal-${name}.png`);
const hub = args.url.replace(/\/+$/, '');

/** The terminal's rendered rows (xterm's DOM renderer: one div per row), as text. */
const screenRows = (page) => page.locator(`${byTestId('terminal')} .xterm-rows`).evaluate((rows) =>
  [...rows.children].map((row) => row.textContent.replace(/\u00a0/g, ' ').trimEnd()));

/** Waits until some rendered row satisfies `match`; the failure shows the screen. */
async function waitForRow(page, match, what) {
  const deadline = Date.now() + timeout;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await screenRows(page);
    if (rows.some(match)) return rows;
    await page.waitForTimeout(100);
  }
  throw new Error(`no row ${what}; the screen:\n${rows.join('\n')}`);
}

/** Waits until the terminal is attached; an error in the banner (a refused POST, an error frame) fails at once. */
async function waitForAttached(page) {
  const banner = page.locator(byTestId('error-banner'));
  const failed = banner.waitFor({ state: 'visible', timeout }).then(async () => {
    throw new Error(`the error banner shows: ${(await banner.innerText()).replace(/\s+/g, ' ')}`);
  });
  const attached = page.locator(`${byTestId('session-link')}[data-state="attached"]`).waitFor({ timeout });
  await Promise.race([attached, failed]);
  failed.catch(() => {}); // settled later (timeout or the page closing): nothing to report then
}

/** Types a command line into the terminal as keystrokes. */
async function typeLine(page, text) {
  await page.locator(byTestId('terminal')).click({ timeout });
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

await runInChromium({ executablePath: args.chromium, timeout, failureScreenshot: shot('failure'), consoleErrorsFail: true }, async ({ page, provokingErrors }) => {
  await step('sign in', async () => {
    await page.goto(`${hub}/dashboard/`, { timeout });
    await signIn(page, args.key, timeout);
  });

  await step('the sessions panel says how to open one; xterm.css is loaded', async () => {
    await page.locator(byTestId('sessions-empty')).waitFor({ state: 'visible', timeout });
    const rules = await page.evaluate(() => [...document.styleSheets].find((s) => s.href?.endsWith('/vendor/xterm/xterm.css'))?.cssRules.length ?? 0);
    if (rules === 0) throw new Error('vendor/xterm/xterm.css is not applied');
  });

  const sessionId = await step(`"Terminal" on node ${args.node} opens a session and attaches`, async () => {
    await page.locator(`${byTestId(`node-${args.node}`)}[data-status="online"]`).waitFor({ timeout });
    await page.locator(byTestId(`node-${args.node}-terminal`)).click({ timeout });
    await waitForAttached(page);
    await page.locator(`${byTestId('terminal')} .xterm-rows`).waitFor({ timeout });
    const id = decodeURIComponent((await page.evaluate(() => location.hash)).slice('#session='.length));
    await page.locator(byTestId(`session-${id}`)).waitFor({ timeout });
    return id;
  });
  log(`session: ${sessionId}`);

  await step('typing `echo hi` + Enter shows `hi` on a row of its own', async () => {
    // Typed before the shell's prompt, the line would be echoed twice (by the tty, then by readline).
    await waitForRow(page, (row) => row.length > 0, 'with the prompt');
    // A short prompt: with the default one (user, host, the checkout's path) `echo hi` can wrap at the
    // narrower width below and leave its `hi` alone on a row, depending on where the checkout is.
    await typeLine(page, "PS1='$ '");
    await waitForRow(page, (row) => row === '$', 'with the short prompt');
    await typeLine(page, 'echo hi');
    await waitForRow(page, (row) => row === 'hi', '"hi"');
    // The typed line is echoed by the terminal, and `hi` appears exactly once as output.
    const rows = await screenRows(page);
    if (!rows.some((row) => row.endsWith('echo hi'))) throw new Error(`the command line is not shown:\n${rows.join('\n')}`);
    if (rows.filter((row) => row === 'hi').length !== 1) throw new Error(`"hi" is not there exactly once:\n${rows.join('\n')}`);
    await screenshot(page, shot('hi'), timeout);
  });

  const sizeOf = async () => {
    const size = page.locator(byTestId('session-size'));
    return { columns: Number(await size.getAttribute('data-columns')), rows: Number(await size.getAttribute('data-rows')) };
  };
  const api = (route) => page.evaluate(async ({ route, key }) => {
    const response = await fetch(route, { headers: { Authorization: `Bearer ${key}` } });
    return { status: response.status, body: await response.json() };
  }, { route, key: args.key });

  await step('a narrower window fits the terminal, and the program sees the new size', async () => {
    const before = await sizeOf();
    await page.setViewportSize({ width: 1100, height: 760 });
    await page.waitForFunction(({ selector, columns, rows }) => {
      const size = document.querySelector(selector);
      return Number(size.dataset.columns) !== columns && Number(size.dataset.rows) !== rows;
    }, { selector: byTestId('session-size'), ...before }, { timeout });
    const after = await sizeOf();
    log(`fitted ${before.columns}×${before.rows} → ${after.columns}×${after.rows}`);
    // The hub has the new size before the shell is asked for it.
    const deadline = Date.now() + timeout;
    let view;
    while ((view = (await api(`/api/v1/sessions/${encodeURIComponent(sessionId)}`)).body).columns !== after.columns || view.rows !== after.rows) {
      if (Date.now() > deadline) throw new Error(`the session is ${view.columns}×${view.rows}, the terminal ${after.columns}×${after.rows}`);
      await page.waitForTimeout(200);
    }
    await typeLine(page, 'stty size');
    await waitForRow(page, (row) => row === `${after.rows} ${after.columns}`, `"${after.rows} ${after.columns}" (stty size)`);
    const screen = await api(`/api/v1/sessions/${encodeURIComponent(sessionId)}/screen`);
    if (screen.body.columns !== after.columns || !screen.body.lines.includes('hi')) {
      throw new Error(`the session's screen is ${screen.body.columns} columns wide:\n${screen.body.text}`);
    }
    await screenshot(page, shot('resized'), timeout);
  });

  // From here on the attach WebSockets pass through Playwright (unchanged), so the test can drop one.
  const routed = [];
  await page.routeWebSocket(/\/api\/v1\/sessions\/[^/]+\/attach(\?.*)?$/, (ws) => {
    ws.connectToServer();
    routed.push(ws);
  });

  await step('leaving and coming back attaches again: the screen is replayed, nothing doubled', async () => {
    await page.goBack({ timeout }); // to the dashboard before the session
    await page.locator(byTestId('session-detail')).waitFor({ state: 'hidden', timeout });
    await page.goForward({ timeout });
    await waitForAttached(page);
    const rows = await waitForRow(page, (row) => row === 'hi', '"hi" after attaching again');
    if (rows.filter((row) => row === 'hi').length !== 1) throw new Error(`"hi" is not there exactly once:\n${rows.join('\n')}`);
    await typeLine(page, 'echo again');
    await waitForRow(page, (row) => row === 'again', '"again"');
  });

  await step('a dropped connection attaches again after the last byte shown: output goes on, nothing doubled or lost', async () => {
    if (routed.length !== 1) throw new Error(`expected the one attach since coming back, saw ${routed.length}`);
    await typeLine(page, 'for i in 1 2 3 4 5 6 7 8; do echo "n$i"; sleep 0.3; done');
    await waitForRow(page, (row) => row === 'n2', '"n2"');
    routed[0].close({ code: 4000, reason: 'dropped by the test' });
    const deadline = Date.now() + timeout;
    while (routed.length < 2) {
      if (Date.now() > deadline) throw new Error('no new attach after the drop');
      await page.waitForTimeout(100);
    }
    const after = Number(new URL(routed[1].url()).searchParams.get('after'));
    log(`attached again: ${routed[1].url()}`);
    if (!(after > 0)) throw new Error(`the new attach has no after: ${routed[1].url()}`);
    await waitForAttached(page);
    const rows = await waitForRow(page, (row) => row === 'n8', '"n8"');
    for (let i = 1; i <= 8; i++) {
      const count = rows.filter((row) => row === `n${i}`).length;
      if (count !== 1) throw new Error(`"n${i}" is shown ${count} times:\n${rows.join('\n')}`);
    }
    await typeLine(page, 'echo still here');
    await waitForRow(page, (row) => row === 'still here', '"still here"');
  });

  await step('Close ends the session: the banner says it was cancelled', async () => {
    await page.locator(byTestId('session-close')).click({ timeout });
    const banner = page.locator(`${byTestId('session-exit')}[data-state="cancelled"]`);
    await banner.waitFor({ state: 'visible', timeout });
    await page.locator(`${byTestId(`session-${sessionId}`)}[data-state="cancelled"]`).waitFor({ timeout });
    log(`banner: ${await banner.innerText()}`);
    await screenshot(page, shot('closed'), timeout);
  });

  await step('a command from the session form runs in a terminal; its exit code is in the banner', async () => {
    await page.locator(byTestId('session-node')).selectOption(args.node, { timeout });
    await page.locator(byTestId('session-command')).fill(`sh -c 'read answer; echo "got:$answer"; exit 3'`, { timeout });
    await page.locator(byTestId('session-open')).click({ timeout });
    await waitForAttached(page);
    await typeLine(page, 'yes');
    await waitForRow(page, (row) => row === 'got:yes', '"got:yes"');
    const banner = page.locator(`${byTestId('session-exit')}[data-exit-code="3"]`);
    await banner.waitFor({ state: 'visible', timeout });
    log(`banner: ${await banner.innerText()}`);
  });

  await step('an address naming no session shows the refusal (title and error id) in the error banner', () => provokingErrors(async () => {
    await page.evaluate(() => { location.hash = '#session=s-nobody-has-this'; });
    const banner = page.locator(`${byTestId('error-banner')}[data-status="404"]`);
    await banner.waitFor({ state: 'visible', timeout });
    const title = await page.locator(byTestId('error-title')).innerText();
    const errorId = await page.locator(byTestId('error-id')).innerText();
    if (!title.includes('s-nobody-has-this') || !/^error id [0-9a-f]{12}$/.test(errorId)) throw new Error(`the banner shows "${title}" / "${errorId}"`);
    await page.locator(`${byTestId('session-link')}[data-state="failed"]`).waitFor({ timeout });
    log(`refused: ${title} (${errorId})`);
  }));
});
