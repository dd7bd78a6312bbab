/** Rule IDs that once existed and must never be reissued with another meaning. */
export const RETIRED_RULE_IDS: readonly string[] = []
