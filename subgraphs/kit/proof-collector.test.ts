import { describe, expect, it } from 'vitest';
import { ProofCollector } from './proof-collector.js';

describe('the proofs a subgraph sends', () => {
  it('state each field once, a salt per value, and whole values of object-typed fields', () => {
    const proofs = new ProofCollector();
    expect(proofs.empty).toBe(true);
    proofs.add('D/1', 'model', { code: 'S.F0001', salt: 'a' });
    proofs.add('D/2', 'model', { code: 'S.F0001', salt: 'b' });
    proofs.add('D/1', 'events', { code: 'S.F0002', salt: 'c' }, [{ code: 'E1', note: 'n' }]);
    expect(proofs.empty).toBe(false);
    expect(proofs.collect()).toEqual({
      fields: { model: { code: 'S.F0001' }, events: { code: 'S.F0002' } },
      salts: { 'D/1': { model: 'a', events: 'c' }, 'D/2': { model: 'b' } },
      values: { 'D/1': { events: [{ code: 'E1', note: 'n' }] } },
    });
  });

  it('leave a value anchored under another field code without a proof', () => {
    const proofs = new ProofCollector();
    proofs.add('D/1', 'model', { code: 'S.F0001', salt: 'a' });
    proofs.add('D/2', 'model', { code: 'OLD.F0009', salt: 'b' });
    expect(proofs.collect()).toEqual({
      fields: { model: { code: 'S.F0001' } },
      salts: { 'D/1': { model: 'a' } },
    });
  });

  it('take field names that objects inherit, such as constructor, as plain names', () => {
    const proofs = new ProofCollector();
    proofs.add('D/1', 'constructor', { code: 'S.F0003', salt: 'k' });
    expect(JSON.parse(JSON.stringify(proofs.collect()))).toEqual({
      fields: { constructor: { code: 'S.F0003' } },
      salts: { 'D/1': { constructor: 'k' } },
    });
  });
});
