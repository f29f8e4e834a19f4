import test from 'ava';
import { LineHelper } from '../../src/net/index.js';

// A helper that answers each pair of requests in reverse order, and ends on "quit".
const SWAPPER = String.raw`$| = 1; my @held;
while (my $line = <STDIN>) { chomp $line; my ($id, $text) = split / /, $line, 2;
  exit 3 if $text eq 'quit';
  push @held, "$id " . uc($text);
  if (@held == 2) { print "$held[1]\n$held[0]\n"; @held = (); } }`;

test('answers find their requests by id, in any order; a helper that ends fails what waits and starts again', async (t) => {
  const helper = new LineHelper('swapper (perl)', 'perl', ['-e', SWAPPER]);
  t.teardown(() => helper.close());
  t.deepEqual(await Promise.all([helper.request('one'), helper.request('two')]), ['ONE', 'TWO']);
  const lost = await Promise.allSettled([helper.request('left alone'), helper.request('quit')]);
  t.deepEqual(lost.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'answered')), ['swapper (perl) ended (exit code 3)', 'swapper (perl) ended (exit code 3)']);
  t.deepEqual(await Promise.all([helper.request('again'), helper.request('fresh')]), ['AGAIN', 'FRESH']);
});

test('a program that cannot start fails its request with the helper\'s name', async (t) => {
  const helper = new LineHelper('nothing here', '/nonexistent/corral-helper', []);
  await t.throwsAsync(helper.request('x'), { message: /^nothing here could not run: .*ENOENT/ });
});
