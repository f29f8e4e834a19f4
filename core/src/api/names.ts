// The name rules of Kubernetes objects, label keys and values. Each check returns the list of
// problems (empty when fine) so that every problem of a value can be reported.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[-a-z0-9]+$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const LABEL_VALUE_MAX = 63;
export const QUALIFIED_NAME_MAX = 63;
export const IANA_SVC_NAME_MAX = 15;

function tooLong(max: number): string {
  return `must be no more than ${max} characters`;
}

/** Rejects names that would change a URL or a store key: `.`, `..`, `/`, `%`, control characters. */
export function pathSegmentProblems(name: string): string[] {
  const problems: string[] = [];
  if (name === '.' || name === '..') problems.push(`may not be '${name}'`);
  if (name.includes('/')) problems.push(`may not contain '/'`);
  if (name.includes('%')) problems.push(`may not contain '%'`);
  if (/[\u0000-\u001f\u007f]/.test(name)) problems.push('may not contain control characters');
  return problems;
}

export function dns1123LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) problems.push(tooLong(DNS1123_LABEL_MAX));
  if (!DNS1123_LABEL.test(value)) {
    problems.push(
      "must be a DNS-1123 label: lowercase letters, digits or '-', starting and ending with a letter or digit (e.g. 'web-1')",
    );
  }
  return problems;
}

export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) problems.push(tooLong(DNS1123_SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN.test(value)) {
    problems.push(
      "must be a DNS-1123 subdomain: lowercase letters, digits, '-' or '.', starting and ending with a letter or digit (e.g. 'web-1.example')",
    );
  }
  return problems;
}

export function dns1035LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) problems.push(tooLong(DNS1123_LABEL_MAX));
  if (!DNS1035_LABEL.test(value)) {
    problems.push(
      "must be a DNS-1035 label: lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (e.g. 'web-1')",
    );
  }
  return problems;
}

/** A label or annotation key: `name` or `prefix/name`, the prefix a DNS-1123 subdomain. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const problems: string[] = [];
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) problems.push('prefix part must be non-empty');
    else for (const p of dns1123SubdomainProblems(prefix)) problems.push(`prefix part ${p}`);
  } else {
    return ["must be a name with at most one '/' (e.g. 'app' or 'example.com/app')"];
  }
  if (name.length === 0) {
    problems.push('name part must be non-empty');
  } else {
    if (name.length > QUALIFIED_NAME_MAX) problems.push(`name part ${tooLong(QUALIFIED_NAME_MAX)}`);
    if (!QUALIFIED_NAME_PART.test(name)) {
      problems.push(
        "name part must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name' or 'tier')",
      );
    }
  }
  return problems;
}

export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > LABEL_VALUE_MAX) problems.push(tooLong(LABEL_VALUE_MAX));
  if (!LABEL_VALUE.test(value)) {
    problems.push(
      "must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'v1.2-beta_3')",
    );
  }
  return problems;
}

/** A named port (IANA service name): at most 15 lowercase letters, digits and single '-'. */
export function ianaSvcNameProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > IANA_SVC_NAME_MAX) problems.push(tooLong(IANA_SVC_NAME_MAX));
  if (!IANA_SVC_NAME.test(value)) problems.push("must contain only lowercase letters, digits or '-'");
  if (value.includes('--')) problems.push("must not contain consecutive '-'");
  if (value.startsWith('-') || value.endsWith('-')) problems.push("must not begin or end with '-'");
  if (!/[a-z]/.test(value)) problems.push('must contain at least one letter');
  return problems;
}

/** A key of a ConfigMap's or Secret's data: it becomes a file name when mounted. */
export function configMapKeyProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) problems.push(tooLong(DNS1123_SUBDOMAIN_MAX));
  if (!CONFIG_KEY.test(value)) problems.push("must consist of letters, digits, '-', '_' or '.'");
  if (value === '.' || value === '..') problems.push(`may not be '${value}'`);
  else if (value.startsWith('..')) problems.push("may not start with '..'");
  return problems;
}

/** An environment variable name: printable ASCII without '=' (what container runtimes accept). */
export function envVarNameProblems(value: string): string[] {
  if (value.length === 0) return ['must be non-empty'];
  if (!/^[\x21-\x7e]+$/.test(value) || value.includes('=')) {
    return ["must consist of printable ASCII characters other than '=' and space"];
  }
  return [];
}

/**
 * Checks an object's name. With `prefix` (a generateName), a trailing '-' is allowed, since a
 * random suffix follows it.
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
}

function nameRule(check: (value: string) => string[]): NameValidator {
  return (name, prefix) => check(prefix ? maskTrailingDash(name) : name);
}

export const nameIsDnsSubdomain: NameValidator = nameRule(dns1123SubdomainProblems);
export const nameIsDnsLabel: NameValidator = nameRule(dns1123LabelProblems);
export const nameIsDns1035Label: NameValidator = nameRule(dns1035LabelProblems);

export function isDns1123Subdomain(value: string): boolean {
  return dns1123SubdomainProblems(value).length === 0;
}

export function isDns1123Label(value: string): boolean {
  return dns1123LabelProblems(value).length === 0;
}

export function isQualifiedName(value: string): boolean {
  return qualifiedNameProblems(value).length === 0;
}

export function isLabelValue(value: string): boolean {
  return labelValueProblems(value).length === 0;
}
