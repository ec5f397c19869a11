import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { readSoakOptions } from './soak-options.js';

describe('readSoakOptions', () => {
  it('takes the minutes and defaults the rest: 250 queries/s, a sample every 5 s', () => {
    expect(readSoakOptions(['--minutes', '10'])).toMatchObject({
      minutes: 10,
      rate: 250,
      sampleSeconds: 5,
      connections: 64,
      anchorIntervalMs: 30_000,
      keepData: false,
      gatewayNodeArguments: [],
    });
  });

  it('refuses a soak without --minutes, or a rate that is not a positive number', () => {
    expect(() => readSoakOptions([])).toThrow(GridmarkError);
    for (const rate of ['0', '-5', 'fast', '1e3']) {
      expect(() => readSoakOptions(['--minutes', '1', '--rate', rate])).toThrow(
        expect.objectContaining({ code: 'BAD_CONFIGURATION' }) as Error,
      );
    }
  });

  it('passes Node arguments through to the gateway process', () => {
    expect(
      readSoakOptions(['--minutes', '1', '--gateway-node-arg=--heapsnapshot-signal=SIGUSR2'])
        .gatewayNodeArguments,
    ).toEqual(['--heapsnapshot-signal=SIGUSR2']);
  });
});
