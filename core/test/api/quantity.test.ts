import test from 'ava';
import {
  compareQuantities,
  isQuantity,
  parseQuantity,
  QuantityError,
  quantityProblem,
  quantityToInt,
  quantityToMillis,
} from '../../src/api/index.js';

test('plain numbers and decimal suffixes are parsed to base units', (t) => {
  t.is(parseQuantity(1), 1);
  t.is(parseQuantity('1'), 1);
  t.is(parseQuantity('0.5'), 0.5);
  t.is(parseQuantity('.5'), 0.5);
  t.is(parseQuantity('500m'), 0.5);
  t.is(parseQuantity('100m'), 0.1);
  t.is(parseQuantity('2k'), 2000);
  t.is(parseQuantity('3M'), 3e6);
  t.is(parseQuantity('1G'), 1e9);
  t.is(parseQuantity('1T'), 1e12);
  t.is(parseQuantity('250u'), 0.00025);
  t.is(parseQuantity('7n'), 7e-9);
  t.is(parseQuantity('-2'), -2);
  t.is(parseQuantity('+2'), 2);
});

test('binary suffixes are powers of 1024', (t) => {
  t.is(parseQuantity('1Ki'), 1024);
  t.is(parseQuantity('128Mi'), 128 * 1024 ** 2);
  t.is(parseQuantity('1.5Gi'), 1.5 * 1024 ** 3);
  t.is(parseQuantity('2Ti'), 2 * 1024 ** 4);
});

test('decimal exponents are applied, and E alone means exa', (t) => {
  t.is(parseQuantity('2e3'), 2000);
  t.is(parseQuantity('1E3'), 1000);
  t.is(parseQuantity('5e-3'), 0.005);
  t.is(parseQuantity('1E'), 1e18);
});

test('malformed quantities are rejected with a QuantityError that explains the format', (t) => {
  for (const bad of ['', 'abc', '1.2.3', '5 m', '10mi', '1KB', 'Mi', '--1', '1e', NaN, Infinity]) {
    const error = t.throws(() => parseQuantity(bad as string), { instanceOf: QuantityError }, String(bad));
    t.truthy(error?.message, String(bad));
    t.false(isQuantity(bad), String(bad));
  }
  t.regex(quantityProblem('10mi') ?? '', /is not a quantity.*Mi/);
  t.regex(quantityProblem(true) ?? '', /must be a string or a number/);
  t.is(quantityProblem('64Mi'), undefined);
});

test('millis are exact and round up, as the scheduler counts CPU', (t) => {
  t.is(quantityToMillis('500m'), 500);
  t.is(quantityToMillis(1), 1000);
  t.is(quantityToMillis('0.1'), 100);
  t.is(quantityToMillis('1.001'), 1001);
  t.is(quantityToMillis('0.0001'), 1);
  t.is(quantityToMillis('250u'), 1);
  t.is(quantityToMillis('2k'), 2_000_000);
});

test('integer values round up, as memory is counted in whole bytes', (t) => {
  t.is(quantityToInt('128Mi'), 134_217_728);
  t.is(quantityToInt('1k'), 1000);
  t.is(quantityToInt('0.5'), 1);
  t.is(quantityToInt('100m'), 1);
  t.is(quantityToInt('-1.5'), -1);
});

test('compareQuantities orders across suffixes exactly', (t) => {
  t.is(compareQuantities('1', '1000m'), 0);
  t.is(compareQuantities('1Gi', '1G'), 1);
  t.is(compareQuantities('999m', 1), -1);
  t.is(compareQuantities('1Ki', '1024'), 0);
});
