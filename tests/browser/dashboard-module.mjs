// Imports one of the dashboard's modules (src/CortexHub.Api/Dashboard/*.js) under node. They are
// ES modules importing each other ('./ansi.js'), but their folder has no package.json saying so:
// the test runs a copy of them, beside one that does.
import { rmSync } from 'node:fs';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const source = new URL('../../src/CortexHub.Api/Dashboard/', import.meta.url);
let copy = null;

async function copied() {
  copy ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cortexhub-dashboard-'));
    await cp(source, dir, { recursive: true, filter: (file) => !file.endsWith('.md') });
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    return dir;
  })();
  return copy;
}

/** @param {string} name e.g. "ansi.js" */
export async function importDashboardModule(name) {
  return import(pathToFileURL(path.join(await copied(), name)).href);
}
