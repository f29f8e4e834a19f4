import test from 'ava';
import { startTestApiServer } from '../../src/testing/index.js';
import { Api } from './helpers.js';

test('defaulting sees the server-owned fields: a Job without a selector gets one keyed by its uid, and later writes keep it', async (t) => {
  const srv = await startTestApiServer({ backend: 'embedded' });
  t.teardown(() => srv.close());
  const api = new Api(srv.url);
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'busybox', command: ['true'] }] } } },
  };
  const made = await api.post('/apis/batch/v1/namespaces/default/jobs', job);
  t.is(made.status, 201, made.text);
  const uid = made.body.metadata.uid;
  t.truthy(uid);
  t.is(made.body.spec.selector.matchLabels['controller-uid'] ?? made.body.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], uid);
  const status = await api.put(`/apis/batch/v1/namespaces/default/jobs/pi/status`, { ...made.body, status: { active: 1 } });
  t.is(status.status, 200, status.text);
});
