import { describe, expect, it } from 'vitest';
import { judgeRefusal } from './refusal-checks.js';

const refused = (reason: string, code = 'GRANT_REFUSED') => ({
  data: { _entities: [null] },
  errors: [{ message: 'no', path: ['_entities', 0], extensions: { code, reason } }],
});

describe('judging an answer to a grant that must be refused', () => {
  it('passes the expected reason, and no value served', () => {
    expect(
      judgeRefusal('grant-expired', 'an old grant', 'EXPIRED', refused('EXPIRED'), ['model']),
    ).toEqual({
      name: 'grant-expired',
      status: 'PASS',
      reason: 'an old grant: refused, GRANT_REFUSED EXPIRED',
    });
  });

  it('fails a value served beside the refusal', () => {
    const body = { ...refused('EXPIRED'), data: { _entities: [{ model: 'SV-1', id: 'x' }] } };
    expect(judgeRefusal('grant-expired', 'an old grant', 'EXPIRED', body, ['model'])).toMatchObject(
      {
        status: 'FAIL',
        reason: 'served 1 value(s) with an old grant',
      },
    );
  });

  it('fails another reason, another code, or an answer with no error at all', () => {
    const judge = (body: Parameters<typeof judgeRefusal>[3]) =>
      judgeRefusal('grant-expired', 'an old grant', 'EXPIRED', body, ['model']).reason;
    expect(judge(refused('MALFORMED'))).toBe(
      'an old grant: refused with reason MALFORMED, not EXPIRED',
    );
    expect(judge(refused('EXPIRED', 'FORBIDDEN'))).toBe(
      'an old grant: answered FORBIDDEN EXPIRED, not GRANT_REFUSED with extensions.reason EXPIRED',
    );
    expect(judge({ data: { _entities: [null] } })).toBe(
      'an old grant: answered no error, not GRANT_REFUSED with extensions.reason EXPIRED',
    );
  });
});
