import test from 'ava';
import { serverSuite } from './suite/index.js';

serverSuite(test, 'etcd');
