import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GridmarkError } from '../schema/index.js';
import { tempDir } from './testing/index.js';
import { createLedger, type LedgerConfig } from './create-ledger.js';

describe('createLedger', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('opens the embedded ledger with no more than a path, creating its directory', async () => {
    const ledger = await createLedger({
      kind: 'embedded',
      path: join(tmp.dir, 'nested', 'dir', 'ledger.db'),
    });
    const { fieldCodes } = await ledger.registerFields({
      systemCode: '88.1001.3',
      fields: [{ fieldCode: '88.1001.3.F0001', coordinate: 'Device.outputPowerW', feeFen: 3 }],
    });
    expect(fieldCodes).toEqual(['88.1001.3.F0001']);
    expect((await ledger.getFields(['88.1001.3.F0001']))[0]).toMatchObject({ feeFen: 3 });
    await ledger.close();
  });

  it('hands the fabric kind to the Fabric client, which refuses an incomplete configuration', async () => {
    const config = { kind: 'fabric', endpoint: 'peer0:7051' } as unknown as LedgerConfig;
    const error = (await createLedger(config).catch((e: unknown) => e)) as GridmarkError;
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error.code).toBe('BAD_CONFIGURATION');
    expect(error.details).toEqual({ key: 'fabric.mspId' });
  });

  it('refuses an unknown kind with BAD_CONFIGURATION naming the known ones', async () => {
    const error = (await createLedger({ kind: 'ethereum' } as unknown as LedgerConfig).catch(
      (e: unknown) => e,
    )) as GridmarkError;
    expect(error).toMatchObject({
      code: 'BAD_CONFIGURATION',
      message: expect.stringContaining('embedded, fabric') as string,
    });
  });
});
