/** Identifier prefixes of the demo's issuing systems. */
export const DEMO_PREFIXES = {
  production: '88.1001.1',
  construction: '88.1001.2',
  monitoring: '88.1001.3',
  om: '88.1001.4',
  asset: '88.1001.5',
} as const;
