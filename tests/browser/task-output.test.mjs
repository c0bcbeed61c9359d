#!/usr/bin/env node
// Drives the dashboard's task output view in Debian's Chromium against a real hub and node:
// the empty-state hints, a task of many numbered lines (all of them reachable, few rows in the
// DOM, line numbers and times), search, line links, the raw log download, Back to the previous
// task, a pasted address, Re-run and Cancel. Screenshots go to --screenshots.
//
//   node task-output.test.mjs --url http://127.0.0.1:5000 --key chk.admin.… --node n1 \
//        --big-task t-big --lines 200000 --small-task t-small --screenshots ../../artifacts/test-results
//
// The hub must be empty when it starts: it prints "empty state shown" once it checked the hints,
// then waits (up to --load-timeout) for the node and both tasks to finish. Prints
// "cancelled task: <id>" for the task it dispatched and cancelled. Exit code 0 on success; 1 with
// "FAIL: <step>: <reason>" on stderr otherwise; 2 for bad arguments.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { byTestId, log, readArgs, runInChromium, screenshot, signIn, step } from './harness.mjs';

const args = readArgs(
  'usage: node task-output.test.mjs --url <hub> --key <api key> --node <node id> --big-task <id> --lines <n> --small-task <id> --screenshots <dir> [--timeout <ms>] [--load-timeout <ms>] [--chromium <path>]',
  {
    url: { type: 'string' },
    key: { type: 'string' },
    node: { type: 'string' },
    'big-task': { type: 'string' },
    lines: { type: 'string' },
    'small-task': { type: 'string' },
    screenshots: { type: 'string' },
    timeout: { type: 'string', default: '30000' },
    'load-timeout': { type: 'string', default: '300000' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
  ['url', 'key', 'node', 'big-task', 'lines', 'small-task', 'screenshots']);
const timeout = Number(args.timeout);
const loadTimeout = Number(args['load-timeout']);
const lines = Number(args.lines);
const big = args['big-task'];
const small = args['small-task'];
const shot = (name) => path.join(args.screenshots, `task-output-${name}.png`);
const hub = args.url.replace(/\/+$/, '');
/** A line in the middle that no other line contains. */
const middle = Math.floor(lines * 0.62);

await runInChromium({ executablePath: args.chromium, timeout, failureScreenshot: shot('failure') }, async ({ context, page }) => {
  const detailId = page.locator(byTestId('task-detail-id'));
  const output = page.locator(byTestId('task-output'));
  const row = (n, p = page) => p.locator(`${byTestId('task-output')} .log-row[data-line="${n}"]`);
  const expectHash = async (taskId) => {
    await page.waitForFunction((h) => location.hash === h || location.hash.startsWith(`${h}&`), `#task=${encodeURIComponent(taskId)}`, { timeout });
    await detailId.filter({ hasText: new RegExp(`^${taskId}$`) }).waitFor({ timeout });
  };

  await step('sign in', async () => {
    await page.goto(`${hub}/dashboard/`, { timeout });
    await signIn(page, args.key, timeout);
  });

  await step('an empty hub shows hints that name real commands', async () => {
    const nodesHint = page.locator(byTestId('nodes-empty'));
    await nodesHint.waitFor({ state: 'visible', timeout });
    const nodesText = (await nodesHint.innerText()).replace(/\s+/g, ' ');
    for (const wanted of ['cortex node provision', 'bash node.sh']) {
      if (!nodesText.includes(wanted)) throw new Error(`the nodes hint says "${nodesText}", without "${wanted}"`);
    }
    const tasksText = await page.locator(byTestId('tasks-empty')).innerText({ timeout });
    if (!tasksText.includes('provision one first')) throw new Error(`the tasks hint says "${tasksText}"`);
    await page.locator(byTestId('task-none')).waitFor({ state: 'visible', timeout });
    await screenshot(page, shot('empty'), timeout);
  });
  log('empty state shown');

  await step(`node ${args.node} online and tasks ${big} and ${small} finished`, async () => {
    await page.locator(`${byTestId(`node-${args.node}`)}[data-status="online"]`).waitFor({ timeout: loadTimeout });
    await page.locator(`${byTestId(`task-${big}`)}[data-state="succeeded"]`).waitFor({ timeout: loadTimeout });
    await page.locator(`${byTestId(`task-${small}`)}[data-state="failed"]`).waitFor({ timeout: loadTimeout });
  });

  const loaded = await step(`task ${big}: all ${lines} lines, following the end`, async () => {
    const clicked = Date.now();
    await page.locator(byTestId(`task-${big}`)).click({ timeout });
    await expectHash(big);
    await row(lines).waitFor({ timeout: loadTimeout });
    await page.locator(`${byTestId('task-follow')}[data-state="ended"]`).waitFor({ timeout: loadTimeout });
    await page.locator(`${byTestId('log-line-count')}[data-count="${lines + 1}"]`).waitFor({ timeout }); // + the result line
    return Date.now() - clicked;
  });
  log(`${lines} lines shown in ${loaded} ms`);

  await step('line numbers and times are shown; the DOM holds only the rows in view', async () => {
    const last = row(lines);
    await last.waitFor({ state: 'visible', timeout });
    const [number, time, text] = await Promise.all(['.ln', '.ts', '.tx'].map((part) => last.locator(part).innerText({ timeout })));
    if (number !== String(lines) || text !== `line ${lines}`) throw new Error(`the last row shows "${number}" "${text}"`);
    if (!/^\d\d:\d\d:\d\d$/.test(time)) throw new Error(`the last row's time is "${time}"`);
    await row(lines + 1).filter({ hasText: 'exit code 0]' }).waitFor({ timeout }); // the result line
    const dom = await output.evaluate((view) => ({
      rows: view.querySelectorAll('.log-row').length,
      elements: view.querySelectorAll('*').length,
      spacer: view.querySelector('.log-spacer').getBoundingClientRect().height,
    }));
    log(`DOM: ${dom.rows} rows, ${dom.elements} elements; spacer ${dom.spacer} px`);
    if (dom.rows > 200 || dom.elements > 2000) throw new Error(`${dom.rows} rows and ${dom.elements} elements in the DOM for ${lines} lines`);
    if (dom.spacer < lines * 10) throw new Error(`the spacer is only ${dom.spacer} px high`);
    await screenshot(page, shot('end'), timeout);
  });

  const search = page.locator(byTestId('log-search'));
  const count = page.locator(byTestId('log-search-count'));
  const found = await step(`search "line ${middle}" scrolls to it and highlights it`, async () => {
    const typed = Date.now();
    await search.fill(`line ${middle}`, { timeout });
    const mark = row(middle).locator('mark.match.current');
    await mark.waitFor({ state: 'visible', timeout });
    const ms = Date.now() - typed;
    if (await mark.innerText() !== `line ${middle}`) throw new Error(`the highlight holds "${await mark.innerText()}"`);
    await count.filter({ hasText: /^1 of 1$/ }).waitFor({ timeout });
    const [box, view] = await Promise.all([row(middle).boundingBox(), output.boundingBox()]);
    if (!(box.y >= view.y && box.y + box.height <= view.y + view.height)) throw new Error(`row ${middle} at y ${box.y}, the view spans ${view.y}–${view.y + view.height}`);
    const rows = await output.evaluate((v) => v.querySelectorAll('.log-row').length);
    if (rows > 200) throw new Error(`${rows} rows in the DOM after the search`);
    await screenshot(page, shot('search'), timeout);
    return ms;
  });
  log(`line ${middle} found and shown ${found} ms after typing`);

  await step(`clicking line number ${middle} puts the line in the address`, async () => {
    await row(middle).locator('.ln').click({ timeout });
    await page.waitForFunction((h) => location.hash === h, `#task=${encodeURIComponent(big)}&line=${middle}`, { timeout });
    await output.locator(`.log-row.selected[data-line="${middle}"]`).waitFor({ timeout });
  });

  await step('Enter and Shift+Enter step through several matches, from the one in view', async () => {
    const prefix = `line ${String(middle).slice(0, 4)}`; // e.g. "line 1240": itself, ten five-digit and a hundred six-digit lines
    await search.fill(prefix, { timeout });
    await count.filter({ hasText: /^\d+ of \d+$/ }).waitFor({ timeout });
    const [first, total] = (await count.innerText()).split(' of ').map(Number);
    if (total !== 111) throw new Error(`${total} matches for "${prefix}"`);
    // The view is at line `middle`: the search starts at its match (the 12th), not at the top.
    if (first !== 12) throw new Error(`the search started at match ${first}`);
    const at = (n) => count.filter({ hasText: new RegExp(`^${n} of ${total}$`) }).waitFor({ timeout });
    await search.press('Enter');
    await at(first + 1);
    for (let k = 0; k < first + 1; k++) await search.press('Shift+Enter');
    await at(total); // wrapped around
    await row(Number(`${String(middle).slice(0, 4)}99`)).locator('mark.match.current').waitFor({ state: 'visible', timeout });
  });

  await step('Raw log downloads the whole output as text', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout }), page.locator(byTestId('task-download')).click({ timeout })]);
    if (download.suggestedFilename() !== `${big}.log`) throw new Error(`the file is named ${download.suggestedFilename()}`);
    const text = await readFile(await download.path(), 'utf8');
    const got = text.split('\n');
    if (got.length !== lines + 1 || got[middle - 1] !== `line ${middle}` || got[lines - 1] !== `line ${lines}`) {
      throw new Error(`the download has ${got.length - 1} lines; line ${middle}: "${got[middle - 1]}"`);
    }
  });

  await step(`selecting ${small}, then Back, shows ${big} again at its line; Forward ${small}`, async () => {
    await page.locator(byTestId(`task-${small}`)).click({ timeout });
    await expectHash(small);
    await output.locator('.log-row', { hasText: 'small one' }).waitFor({ timeout });
    await output.locator('.log-row.stderr', { hasText: 'small two' }).waitFor({ timeout });
    await page.goBack({ timeout });
    await expectHash(big);
    await page.locator(`${byTestId(`task-${big}`)}[aria-selected="true"]`).waitFor({ timeout });
    await output.locator(`.log-row.selected[data-line="${middle}"]`).waitFor({ timeout: loadTimeout }); // the line it was at
    await page.goForward({ timeout });
    await expectHash(small);
  });

  await step(`a pasted address opens the task it names, at the line it names`, async () => {
    const pasted = await context.newPage(); // the same browser profile: the key is remembered
    await pasted.goto(`${hub}/dashboard/#task=${encodeURIComponent(big)}&line=${middle}`, { timeout });
    await pasted.locator(byTestId('task-detail-id')).filter({ hasText: new RegExp(`^${big}$`) }).waitFor({ timeout });
    const line = row(middle, pasted);
    await pasted.locator(`${byTestId('task-output')} .log-row.selected[data-line="${middle}"]`).waitFor({ timeout: loadTimeout });
    const [box, view] = await Promise.all([line.boundingBox(), pasted.locator(byTestId('task-output')).boundingBox()]);
    if (!(box.y >= view.y && box.y + box.height <= view.y + view.height)) throw new Error(`line ${middle} at y ${box.y}, the view spans ${view.y}–${view.y + view.height}`);
    await screenshot(pasted, shot('pasted'), timeout);
    // An address edited by hand (a hashchange, no new page load) opens the other task.
    await pasted.goto(`${hub}/dashboard/#task=${encodeURIComponent(small)}`, { timeout });
    await pasted.locator(byTestId('task-detail-id')).filter({ hasText: new RegExp(`^${small}$`) }).waitFor({ timeout });
    await pasted.locator(`${byTestId(`task-${small}`)}[aria-selected="true"]`).waitFor({ timeout });
    await pasted.locator(`${byTestId('task-output')} .log-row`, { hasText: 'small one' }).waitFor({ timeout });
    await pasted.close();
  });

  const rerun = await step(`Re-run dispatches ${small}'s command again as a new task and opens it`, async () => {
    const command = await page.locator(byTestId('task-detail-command')).innerText({ timeout });
    await page.locator(byTestId('task-rerun')).click({ timeout });
    await page.waitForFunction((h) => location.hash.startsWith('#task=') && location.hash !== h, `#task=${encodeURIComponent(small)}`, { timeout });
    const id = decodeURIComponent((await page.evaluate(() => location.hash)).slice('#task='.length));
    await expectHash(id);
    await page.locator(byTestId('task-detail-command')).filter({ hasText: command }).waitFor({ timeout });
    await page.locator(`${byTestId('task-follow')}[data-state="ended"]`).waitFor({ timeout });
    await output.locator('.log-row', { hasText: 'small one' }).waitFor({ timeout });
    await page.locator(`${byTestId(`task-${id}`)}[data-state="failed"]`).waitFor({ timeout });
    return id;
  });
  log(`re-ran as ${rerun}`);

  const cancelled = await step('a long task dispatched from the form is cancelled with Cancel', async () => {
    await page.locator(byTestId('dispatch-node')).selectOption(args.node, { timeout });
    await page.locator(byTestId('dispatch-command')).fill('echo sleeping; sleep 600', { timeout });
    await page.locator(byTestId('dispatch-submit')).click({ timeout });
    await page.waitForFunction((h) => location.hash.startsWith('#task=') && location.hash !== h, `#task=${encodeURIComponent(rerun)}`, { timeout });
    const id = decodeURIComponent((await page.evaluate(() => location.hash)).slice('#task='.length));
    await page.locator(`${byTestId('task-detail-state')}[data-state="running"]`).waitFor({ timeout });
    await output.locator('.log-row', { hasText: 'sleeping' }).waitFor({ timeout });
    await page.locator(byTestId('task-cancel')).click({ timeout });
    await page.locator(`${byTestId('task-detail-state')}[data-state="cancelled"]`).waitFor({ timeout });
    await page.locator(`${byTestId(`task-${id}`)}[data-state="cancelled"]`).waitFor({ timeout });
    if (!await page.locator(byTestId('task-cancel')).isDisabled()) throw new Error('Cancel is still enabled for a cancelled task');
    await screenshot(page, shot('cancelled'), timeout);
    return id;
  });
  log(`cancelled task: ${cancelled}`);
});
