// Rules of the ServiceAccount kind: its lists name Secrets, so each entry needs a name that a
// Secret could have. Kubernetes checks no more than the metadata; an entry without a usable name
// is a mistake that would otherwise only surface when a pod runs as the account.
import { dns1123SubdomainProblems } from '../names.js';
import { nonEmptyString, recordItems } from '../objects.js';
import type { StatusCause } from '../types.js';
import { FieldPath, invalidValue, requiredValue } from './field.js';

type Rec = Record<string, unknown>;

function secretNameCauses(list: unknown, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [i, ref] of recordItems(list)) {
    const at = path.index(i).child('name');
    if (!nonEmptyString(ref.name)) {
      causes.push(requiredValue(at, 'the name of a Secret in the same namespace'));
      continue;
    }
    for (const p of dns1123SubdomainProblems(ref.name)) causes.push(invalidValue(at, ref.name, p));
  }
  return causes;
}

export function validateServiceAccount(sa: Rec): StatusCause[] {
  return [
    ...secretNameCauses(sa.secrets, FieldPath.of('secrets')),
    ...secretNameCauses(sa.imagePullSecrets, FieldPath.of('imagePullSecrets')),
  ];
}
