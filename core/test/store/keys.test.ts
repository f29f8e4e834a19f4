import test from 'ava';
import { objectKey, prefixKey } from '../../src/store/index.js';

test('keys follow Kubernetes: /registry/<resource>/<namespace>/<name>', (t) => {
  t.is(objectKey('pods', 'default', 'web'), '/registry/pods/default/web');
  t.is(objectKey('nodes', undefined, 'n1'), '/registry/nodes/n1');
  t.is(prefixKey('pods', 'default'), '/registry/pods/default/');
  t.is(prefixKey('pods'), '/registry/pods/');
  t.true(objectKey('pods', 'default', 'web').startsWith(prefixKey('pods', 'default')));
  t.false(objectKey('pods', 'default2', 'web').startsWith(prefixKey('pods', 'default')));
});

test('keys refuse empty segments and slashes', (t) => {
  t.throws(() => objectKey('pods', 'default', ''), { message: /name/ });
  t.throws(() => objectKey('pods', 'a/b', 'x'), { message: /namespace/ });
  t.throws(() => prefixKey(''), { message: /resource/ });
});
