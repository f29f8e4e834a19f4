import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDataDirVersion, compareVersions, CORRAL_VERSION, markDataDirVersion, recordedVersion, VERSION_FILE } from '../../src/up/dataDirVersion.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-version-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('versions compare numerically, part by part', (t) => {
  t.is(compareVersions('0.10.0', '0.9.9'), 1);
  t.is(compareVersions('1.0', '1.0.0'), 0);
  t.is(compareVersions('v0.1.0', '0.2.0-rc.1'), -1);
});

test('a fresh dir has no marker; marking records this version', (t) => {
  const dir = tempDir(t);
  t.is(recordedVersion(dir), undefined);
  t.notThrows(() => checkDataDirVersion(dir));
  markDataDirVersion(dir);
  t.is(recordedVersion(dir), CORRAL_VERSION);
});

test('a newer marker is refused with both versions and the dir; an older one is upgraded', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, VERSION_FILE), JSON.stringify({ version: '99.0.0' }));
  t.throws(() => checkDataDirVersion(dir, '1.2.3'), { message: `the data dir ${dir} was written by Corral 99.0.0, newer than this Corral 1.2.3: run Corral 99.0.0 or newer on it, or give another --data-dir` });
  writeFileSync(join(dir, VERSION_FILE), JSON.stringify({ version: '0.0.1' }));
  t.notThrows(() => checkDataDirVersion(dir, '1.2.3'));
  markDataDirVersion(dir, '1.2.3');
  t.is(JSON.parse(readFileSync(join(dir, VERSION_FILE), 'utf8')).version, '1.2.3');
});

test('a marker that is not one says which file', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, VERSION_FILE), 'hello');
  t.throws(() => checkDataDirVersion(dir), { message: new RegExp(`${VERSION_FILE} is not a Corral version marker`) });
});
