// The shared polling helper, under the name these tests use.
export { waitFor } from '@corral/core/testing';
