// The shape of a compiled check (fastCheck.ts): what each node of a joi schema turns into.

/** The containers above a value, nearest first: what joi's references look up. */
export interface Chain {
  readonly value: unknown;
  readonly up: Chain | undefined;
}

export type Check = (value: unknown, up: Chain | undefined) => boolean;

export interface Checker {
  /** True only when joi finds no error in the value; false when it finds one, or when unsure. */
  readonly check: Check;
  /** False from `check` always means joi finds an error. */
  readonly exact: boolean;
  /** How many containers above its own value the check reads (through references). */
  readonly reach: number;
  /** The answer for an absent value, when it is known without asking. */
  readonly absent: boolean | undefined;
}

export type ValueCheck = (value: unknown, up: Chain | undefined) => boolean;
