// The server's certificates: a CA generated once (its certificate goes into kubeconfigs) and a
// serving certificate it signs, renewed when a name it must cover is missing or it nears expiry.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

const { pki } = forge;

export interface ServingCertificates {
  /** PEM of the CA: what clients trust. */
  caCertificate: string;
  /** PEM of the serving certificate (leaf first, then the CA). */
  certificate: string;
  key: string;
  /** A client certificate signed by the same CA: CN = `user`, O = each group. */
  issueClientCertificate(user: string, groups?: readonly string[]): ClientCertificate;
}

export interface ClientCertificate {
  certificate: string;
  key: string;
}

const CA_YEARS = 10;
const SERVING_DAYS = 365;
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

interface KeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  privatePem: string;
}

function newKeyPair(): KeyPair {
  // Node's native RSA generation: node-forge's own is pure JavaScript and slow.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = pki.privateKeyFromPem(privatePem);
  return { privateKey: forgeKey, publicKey: pki.setRsaPublicKey(forgeKey.n, forgeKey.e), privatePem };
}

/**
 * A name attribute as a UTF8String: forge's default PrintableString refuses '@', '_' and more.
 * (@types/node-forge declares the tag as a class; it is the ASN.1 type.)
 */
function utf8(name: string, value: string): forge.pki.CertificateField {
  return { name, value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class };
}

function serial(): string {
  // Positive: the leading bit clear.
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}

function newCa(): { cert: forge.pki.Certificate; key: KeyPair } {
  const key = newKeyPair();
  const cert = pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + CA_YEARS * 365 * DAY_MS);
  const subject = [utf8('commonName', `corral-ca-${Math.floor(Date.now() / 1000)}`)];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.privateKey, forge.md.sha256.create());
  return { cert, key };
}

/** A certificate signed by the CA for one use (serving or client), valid for SERVING_DAYS. */
function newLeaf(
  ca: forge.pki.Certificate,
  caKey: forge.pki.rsa.PrivateKey,
  subject: forge.pki.CertificateField[],
  usage: { serverAuth: true } | { clientAuth: true },
  altNames?: readonly string[],
): { cert: forge.pki.Certificate; key: KeyPair } {
  const key = newKeyPair();
  const cert = pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + SERVING_DAYS * DAY_MS);
  cert.setSubject(subject);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', ...usage },
    ...(altNames ? [{ name: 'subjectAltName', altNames: altNames.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })) }] : []),
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert, key };
}

function newServing(ca: forge.pki.Certificate, caKey: forge.pki.rsa.PrivateKey, hosts: readonly string[]): { cert: forge.pki.Certificate; key: KeyPair } {
  return newLeaf(ca, caKey, [utf8('commonName', 'corral-apiserver')], { serverAuth: true }, hosts);
}

function newClient(ca: forge.pki.Certificate, caKey: forge.pki.rsa.PrivateKey, user: string, groups: readonly string[]): ClientCertificate {
  const subject = [utf8('commonName', user), ...groups.map((group) => utf8('organizationName', group))];
  const { cert, key } = newLeaf(ca, caKey, subject, { clientAuth: true });
  return { certificate: pki.certificateToPem(cert), key: key.privatePem };
}

/** The names the serving certificate must cover for a server listening on `listenHost`. */
export function servingHosts(listenHost: string): string[] {
  const hosts = new Set(['127.0.0.1', '::1', 'localhost', hostname()]);
  const wildcard = listenHost === '' || listenHost === '0.0.0.0' || listenHost === '::';
  if (!wildcard) hosts.add(listenHost);
  else {
    // Listening everywhere: agents on other machines reach it by any of this host's addresses.
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.internal) hosts.add(a.address);
  }
  return [...hosts];
}

/** One spelling per address, so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
function normalizeHost(host: string): string {
  return isIP(host) === 6 ? new URL(`http://[${host}]`).hostname.slice(1, -1) : host;
}

function coveredNames(cert: forge.pki.Certificate): Set<string> {
  const ext = cert.getExtension('subjectAltName') as { altNames?: { type: number; value?: string; ip?: string }[] } | undefined;
  return new Set((ext?.altNames ?? []).map((n) => normalizeHost(n.type === 7 ? (n.ip ?? '') : (n.value ?? ''))));
}

function stillGood(cert: forge.pki.Certificate, ca: forge.pki.Certificate, hosts: readonly string[]): boolean {
  try {
    if (!ca.verify(cert)) return false;
  } catch {
    return false;
  }
  if (cert.validity.notAfter.getTime() - Date.now() < RENEW_BEFORE_DAYS * DAY_MS) return false;
  const names = coveredNames(cert);
  return hosts.every((h) => names.has(normalizeHost(h)));
}

/**
 * The CA and serving certificate for `hosts`: read from `dir` when there and still good,
 * generated (and written, keys 0600) otherwise. Without `dir`, generated for this process only.
 */
export function servingCertificates(hosts: readonly string[], dir?: string): ServingCertificates {
  const files = dir && { caCert: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key'), cert: join(dir, 'apiserver.crt'), key: join(dir, 'apiserver.key') };
  let ca: forge.pki.Certificate;
  let caKey: forge.pki.rsa.PrivateKey;
  if (files && existsSync(files.caCert) && existsSync(files.caKey)) {
    ca = pki.certificateFromPem(readFileSync(files.caCert, 'utf8'));
    caKey = pki.privateKeyFromPem(readFileSync(files.caKey, 'utf8'));
  } else {
    const fresh = newCa();
    ca = fresh.cert;
    caKey = fresh.key.privateKey;
    if (files) {
      mkdirSync(dir!, { recursive: true, mode: 0o700 });
      writeFileSync(files.caKey, fresh.key.privatePem, { mode: 0o600 });
      writeFileSync(files.caCert, pki.certificateToPem(ca));
    }
  }
  const caPem = pki.certificateToPem(ca);
  const issueClientCertificate = (user: string, groups: readonly string[] = []): ClientCertificate => newClient(ca, caKey, user, groups);
  if (files && existsSync(files.cert) && existsSync(files.key)) {
    const existing = pki.certificateFromPem(readFileSync(files.cert, 'utf8'));
    if (stillGood(existing, ca, hosts)) {
      return { caCertificate: caPem, certificate: `${pki.certificateToPem(existing)}${caPem}`, key: readFileSync(files.key, 'utf8'), issueClientCertificate };
    }
  }
  const serving = newServing(ca, caKey, hosts);
  const certPem = pki.certificateToPem(serving.cert);
  if (files) {
    writeFileSync(files.key, serving.key.privatePem, { mode: 0o600 });
    writeFileSync(files.cert, certPem);
  }
  return { caCertificate: caPem, certificate: `${certPem}${caPem}`, key: serving.key.privatePem, issueClientCertificate };
}
