#!/usr/bin/env node
// Drives the CortexHub dashboard in Debian's Chromium: signs in with an API key, waits until a
// node shows as online (live, from the event stream), opens a task and waits until its live
// output shows the expected text in red (ANSI 31), then saves a full-page screenshot.
//
//   node dashboard.test.mjs --url http://127.0.0.1:5000 --key chk.admin.… --node n1 --task t1 \
//        --screenshot ../../artifacts/test-results/dashboard.png [--text "red alert"] [--timeout 20000]
//
// Exit code 0 on success; 1 with "FAIL: <step>: <reason>" on stderr otherwise (and a screenshot of
// the failure next to the requested one); 2 for bad arguments.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { byTestId, log, readArgs, runInChromium, signIn, step } from './harness.mjs';

const args = readArgs(
  'usage: node dashboard.test.mjs --url <hub http url> --key <api key> --node <node id> --task <task id> --screenshot <png path> [--text <red text>] [--timeout <ms per step>] [--chromium <path>]',
  {
    url: { type: 'string' },
    key: { type: 'string' },
    node: { type: 'string' },
    task: { type: 'string' },
    screenshot: { type: 'string' },
    text: { type: 'string', default: 'red alert' },
    timeout: { type: 'string', default: '20000' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
  ['url', 'key', 'node', 'task', 'screenshot']);
const timeout = Number(args.timeout);
const failureScreenshot = args.screenshot.replace(/(\.png)?$/i, '.failure.png');

await runInChromium({ executablePath: args.chromium, timeout, failureScreenshot }, async ({ page }) => {
  const hub = args.url.replace(/\/+$/, '');
  await step(`open ${hub}/ (redirects to the dashboard)`, async () => {
    await page.goto(`${hub}/`, { timeout });
    if (!new URL(page.url()).pathname.startsWith('/dashboard/')) throw new Error(`landed on ${page.url()}`);
  });

  await step('a wrong key shows the 401 problem in the error banner with its error id', async () => {
    await page.locator(byTestId('api-key')).fill('chk.nobody.key.wrong-secret', { timeout });
    await page.locator(byTestId('sign-in-submit')).click({ timeout });
    await page.locator(`${byTestId('error-banner')}[data-status="401"]`).waitFor({ state: 'visible', timeout });
    const errorId = await page.locator(byTestId('error-id')).innerText({ timeout });
    if (!/^error id [0-9a-f]{12}$/.test(errorId)) throw new Error(`the banner shows "${errorId}", not an error id`);
    await page.locator(byTestId('sign-in')).waitFor({ state: 'visible', timeout });
  });

  await step('sign in with the API key', () => signIn(page, args.key, timeout));

  const nodeRow = page.locator(byTestId(`node-${args.node}`));
  const firstStatus = await step(`node ${args.node} is listed`, async () => {
    await nodeRow.waitFor({ timeout });
    return nodeRow.getAttribute('data-status');
  });
  log(`node ${args.node} first shown as ${firstStatus}`);
  await step(`node ${args.node} shows status online`, () =>
    page.locator(`${byTestId(`node-${args.node}`)}[data-status="online"]`).waitFor({ timeout }));

  await step(`task ${args.task} appears and opens`, async () => {
    await page.locator(byTestId(`task-${args.task}`)).click({ timeout });
    await page.locator(byTestId('task-detail-id'), { hasText: args.task }).waitFor({ timeout });
  });

  const red = page.locator(`${byTestId('task-output')} span.ansi-fg-1`, { hasText: args.text });
  await step(`the live output shows "${args.text}" in a red span (ANSI 31)`, async () => {
    await red.first().waitFor({ timeout });
    const colour = await red.first().evaluate((span) => getComputedStyle(span).color);
    const [r, g, b] = colour.match(/\d+/g).map(Number);
    if (!(r > 150 && r > g + 60 && r > b + 60)) throw new Error(`the span is ${colour}, not red`);
  });

  // Not required, but makes the screenshot show the whole story: the outcome line.
  try {
    await page.locator(`${byTestId('task-follow')}[data-state="ended"]`).waitFor({ timeout: Math.min(timeout, 5000) });
    log('task finished');
  } catch {
    log('note: the task had not finished before the screenshot');
  }

  await step(`screenshot ${args.screenshot}`, async () => {
    await mkdir(path.dirname(path.resolve(args.screenshot)), { recursive: true });
    await page.screenshot({ path: args.screenshot, fullPage: true, timeout });
  });

  await step('sign out forgets the key', async () => {
    await page.locator(byTestId('sign-out')).click({ timeout });
    await page.locator(byTestId('sign-in')).waitFor({ state: 'visible', timeout });
    if (await page.evaluate(() => localStorage.length) !== 0) throw new Error('the key is still in localStorage');
  });
});
