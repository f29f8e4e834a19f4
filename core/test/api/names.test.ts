import test from 'ava';
import {
  configMapKeyProblems,
  dns1035LabelProblems,
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  ianaSvcNameProblems,
  labelValueProblems,
  nameIsDnsSubdomain,
  pathSegmentProblems,
  qualifiedNameProblems,
} from '../../src/api/index.js';

test('DNS-1123 subdomains: lowercase alphanumerics, - and ., at most 253', (t) => {
  for (const ok of ['a', 'web', 'web-1', 'web.example.com', '1abc', 'a'.repeat(253)]) {
    t.deepEqual(dns1123SubdomainProblems(ok), [], ok);
  }
  for (const bad of ['', 'Web', 'web_1', '-web', 'web-', 'web..x', '.web', 'web/x', 'a b']) {
    t.not(dns1123SubdomainProblems(bad).length, 0, bad);
  }
  t.deepEqual(dns1123SubdomainProblems('a'.repeat(254)), ['must be no more than 253 characters']);
});

test('DNS-1123 labels: no dots, at most 63; DNS-1035 labels also start with a letter', (t) => {
  t.deepEqual(dns1123LabelProblems('redis-master'), []);
  t.deepEqual(dns1123LabelProblems('1st'), []);
  t.not(dns1123LabelProblems('a.b').length, 0);
  t.deepEqual(dns1123LabelProblems('a'.repeat(64))[0], 'must be no more than 63 characters');
  t.deepEqual(dns1035LabelProblems('web'), []);
  t.not(dns1035LabelProblems('1st').length, 0);
});

test('label keys: optional DNS prefix, / and a 63-character name', (t) => {
  for (const ok of ['app', 'app.kubernetes.io/name', 'example.com/Tier_1', 'A-b.c', 'x/y']) {
    t.deepEqual(qualifiedNameProblems(ok), [], ok);
  }
  t.deepEqual(qualifiedNameProblems('a/b/c'), ["must be a name with at most one '/' (e.g. 'app' or 'example.com/app')"]);
  t.deepEqual(qualifiedNameProblems('/app'), ['prefix part must be non-empty']);
  t.deepEqual(qualifiedNameProblems('example.com/'), ['name part must be non-empty']);
  t.regex(qualifiedNameProblems('Example.com/app')[0] ?? '', /^prefix part must be a DNS-1123 subdomain/);
  t.regex(qualifiedNameProblems('a'.repeat(64))[0] ?? '', /^name part must be no more than 63 characters/);
  t.regex(qualifiedNameProblems('-app')[0] ?? '', /^name part must consist of/);
  t.not(qualifiedNameProblems('a b').length, 0);
});

test('label values: up to 63 characters, may be empty', (t) => {
  for (const ok of ['', 'v1', 'V1.2-beta_3', 'a'.repeat(63)]) t.deepEqual(labelValueProblems(ok), [], ok);
  for (const bad of ['-a', 'a-', 'a b', 'a/b', 'a'.repeat(64)]) t.not(labelValueProblems(bad).length, 0, bad);
});

test('port names follow IANA service names', (t) => {
  t.deepEqual(ianaSvcNameProblems('http'), []);
  t.deepEqual(ianaSvcNameProblems('http-alt2'), []);
  t.deepEqual(ianaSvcNameProblems('80'), ['must contain at least one letter']);
  t.deepEqual(ianaSvcNameProblems('a--b'), ["must not contain consecutive '-'"]);
  t.deepEqual(ianaSvcNameProblems('-http'), ["must not begin or end with '-'"]);
  t.deepEqual(ianaSvcNameProblems('verylongportname'), ['must be no more than 15 characters']);
  t.deepEqual(ianaSvcNameProblems('HTTP'), ["must contain only lowercase letters, digits or '-'", 'must contain at least one letter']);
  t.deepEqual(ianaSvcNameProblems('http_2'), ["must contain only lowercase letters, digits or '-'"]);
});

test('names that would change a URL or a store key are refused', (t) => {
  t.deepEqual(pathSegmentProblems('..'), ["may not be '..'"]);
  t.deepEqual(pathSegmentProblems('.'), ["may not be '.'"]);
  t.deepEqual(pathSegmentProblems('a/b'), ["may not contain '/'"]);
  t.deepEqual(pathSegmentProblems('a%2Fb'), ["may not contain '%'"]);
  t.deepEqual(pathSegmentProblems('a\u0000b'), ['may not contain control characters']);
  t.deepEqual(pathSegmentProblems('web-1'), []);
});

test('a generateName may end in a dash', (t) => {
  t.deepEqual(nameIsDnsSubdomain('web-', true), []);
  t.not(nameIsDnsSubdomain('web-', false).length, 0);
  t.not(nameIsDnsSubdomain('Web-', true).length, 0);
});

test('ConfigMap keys may be file names but not . or ..', (t) => {
  t.deepEqual(configMapKeyProblems('app.properties'), []);
  t.deepEqual(configMapKeyProblems('.hidden'), []);
  t.deepEqual(configMapKeyProblems('..'), ["may not be '..'"]);
  t.deepEqual(configMapKeyProblems('..data'), ["may not start with '..'"]);
  t.deepEqual(configMapKeyProblems('a/b'), ["must consist of letters, digits, '-', '_' or '.'"]);
});
