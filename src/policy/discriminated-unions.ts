/** The `type`-discriminated unions of the policy schema: ajv reports errors against the chosen branch only. */
export const DISCRIMINATED = ['source', 'storage', 'scheduler'] as const;
