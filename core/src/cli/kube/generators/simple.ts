// Generators whose object is a name and nothing else: kubectl's `create serviceaccount` and
// `create namespace`.
import type { Generator } from './types.js';

export const serviceAccountGenerator: Generator = {
  command: 'serviceaccount',
  aliases: ['sa'],
  describe: 'Create a ServiceAccount with the given name',
  resource: { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
  build: (name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } }),
};

export const namespaceGenerator: Generator = {
  command: 'namespace',
  aliases: ['ns'],
  describe: 'Create a Namespace with the given name',
  resource: { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  build: (name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
};
