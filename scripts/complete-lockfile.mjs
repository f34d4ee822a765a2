#!/usr/bin/env node
// Adds the platform-specific optional packages (other operating systems and CPUs) that npm
// leaves out of package-lock.json when its registry does not serve them, as npm itself records
// them on a full registry: version, os, cpu (and libc), optional. `npm ci` checks that every
// optional dependency has an entry; it never downloads entries for another platform.
// Run after `npm install` on a machine whose registry mirror lacks those packages.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const platform = /(android|darwin|linux|win32|freebsd)-(arm64|x64|ia32|arm)(?:-(gnu|musl|msvc))?$/;
const added = [];
for (const entry of Object.values(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const m = platform.exec(name);
    if (!m) continue;
    const [, os, cpu, libc] = m;
    packages[key] = {
      cpu: [cpu],
      ...(entry.engines ? { engines: entry.engines } : {}),
      ...(libc === 'gnu' || libc === 'musl' ? { libc: [libc === 'gnu' ? 'glibc' : 'musl'] } : {}),
      license: entry.license ?? 'MIT',
      optional: true,
      os: [os],
      version: range.replace(/^[\^~=]/, ''),
    };
    added.push(key);
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length}: ${added.join(', ')}` : 'nothing to add');
