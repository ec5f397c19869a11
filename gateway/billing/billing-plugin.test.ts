import { writeReceipt, type GatewayContext } from '../access/index.js';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import type { Resolution } from '../../ledger-adapter/index.js';
import { createBillingPlugin } from './billing-plugin.js';
import type { Billing } from './billing-service.js';
import { quoteQuery } from './pricing.js';
import { FREE_TARIFF } from './tariff.js';

const resolution: Resolution = {
  resolutionId: 'r'.repeat(64),
  applicationId: 'APP-0001',
  function: 'monitoring',
  role: '*',
  resolvedAt: '2026-12-01T00:00:00.000Z',
  totalFeeFen: 7,
  devices: [
    {
      deviceId: 'D/1',
      fields: [{ fieldCode: 'S1.F0001', systemCode: 'S1', coordinate: 'Device.model', feeFen: 7 }],
    },
  ],
};

/** What the access check leaves behind for one verified value, as the access plugin would. */
const accessDecided: ApolloServerPlugin<GatewayContext> = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation({ contextValue }) {
        contextValue.access = {
          applicationId: 'APP-0001',
          function: 'monitoring',
          role: '*',
          resolution,
          fields: new Set(['model']),
          verifications: [],
        };
        contextValue.accessDecided = Promise.resolve();
        return Promise.resolve();
      },
      executionDidStart({ contextValue }) {
        contextValue.access?.verifications.push({
          device: 'D/1',
          field: 'model',
          fieldCode: 'S1.F0001',
          system: 'S1',
          status: 'VERIFIED',
          anchor: { txId: 't', version: 1, commitment: 'c' },
          salt: 's',
          value: 'SV-150K',
        });
        return Promise.resolve();
      },
      willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single')
          response.body.singleResult.extensions = {
            gridmark: writeReceipt(contextValue.access?.verifications ?? []),
          };
        return Promise.resolve();
      },
    }),
};

/** A billing service whose book cannot record the charge. */
const failingBook = {
  quote: (r: Resolution, selected: ReadonlySet<string>) =>
    quoteQuery(r, selected, FREE_TARIFF, () => true),
  reserve: () => Promise.resolve({ holdId: 'h'.repeat(64), account: {} }),
  charge: () => Promise.reject(new Error('disk I/O error')),
  receipt: () => Promise.resolve(null),
} as unknown as Billing;

describe('the billing plugin', () => {
  it("releases neither the data nor the receipt's values of a query it could not charge", async () => {
    const server = new ApolloServer<GatewayContext>({
      typeDefs: 'type Query { device: Device } type Device { model: String }',
      resolvers: { Query: { device: () => ({ model: 'SV-150K' }) } },
      plugins: [accessDecided, createBillingPlugin({ billing: failingBook })],
    });
    await server.start();
    try {
      const response = await server.executeOperation(
        { query: '{ device { model } }' },
        { contextValue: { headers: () => undefined } },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const result = response.body.singleResult;
      expect(result.data).toBeNull();
      expect(result.errors?.map((e) => e.extensions?.['code'])).toEqual(['BILLING_UNAVAILABLE']);
      expect(JSON.stringify(result)).not.toContain('SV-150K');
    } finally {
      await server.stop();
    }
  });
});
