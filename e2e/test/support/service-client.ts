// A client that keeps asking a Service for a while, as a caller of an idempotent endpoint does:
// one request after another (connect, read the reply to the end), each retried on another
// connection when it fails. Run inside a pod (`node -e CLIENT_LOOP host port ms [reply]`), it
// prints one JSON line: every answer with its start time and who gave it, and the requests that
// failed even after their retries. Given `reply`, it stops early, half a second after that reply.
export const CLIENT_LOOP = `
const net = require('net');
const [host, port, ms, stopOn] = process.argv.slice(1);
const RETRIES = 5;
const once = () => new Promise((resolve) => {
  let data = '';
  const s = net.connect(Number(port), host);
  const timer = setTimeout(() => s.destroy(new Error('timed out')), 1000);
  s.on('data', (d) => (data += d));
  s.on('error', (e) => { clearTimeout(timer); resolve({ error: e.code || e.message }); });
  s.on('close', () => { clearTimeout(timer); resolve(data.startsWith('pong') ? { who: data.trim() } : { error: 'empty reply' }); });
});
(async () => {
  const answers = [];
  const failures = [];
  let end = Date.now() + Number(ms);
  while (Date.now() < end) {
    const at = Date.now();
    const errors = [];
    let answer;
    while (!answer && errors.length <= RETRIES) {
      const r = await once();
      if (r.who) answer = r.who;
      else { errors.push(r.error); await new Promise((ok) => setTimeout(ok, 20)); }
    }
    if (!answer) failures.push({ at, errors });
    else {
      answers.push({ at, who: answer, retries: errors.length });
      if (answer === stopOn) end = Math.min(end, Date.now() + 500);
    }
  }
  console.log(JSON.stringify({ answers, failures }));
})();
`;

export interface LoopResult {
  answers: { at: number; who: string; retries: number }[];
  failures: { at: number; errors: string[] }[];
}
