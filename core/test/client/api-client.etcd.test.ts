import test from 'ava';
import { clientSuite } from './suite.js';

clientSuite(test, 'etcd');
