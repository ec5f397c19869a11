import { describe, expect, it } from 'vitest';
import { FETCH_BAD_PORTS, fetchBadPortOf } from './fetch-bad-ports.js';

/** Why Node's own fetch refused `port` on the loopback address: "bad port", or another reason. */
async function refusal(port: number): Promise<string> {
  try {
    // Nothing needs to listen: a bad port is refused before any connection, any other port is
    // refused by the closed socket (or answered, if something listens there).
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
    return 'answered';
  } catch (error) {
    return (error as { cause?: { message?: string } }).cause?.message ?? String(error);
  }
}

describe('the ports fetch refuses', () => {
  it("holds exactly the ports Node's fetch refuses, checked on each listed port and its neighbours", async () => {
    const neighbours = [...FETCH_BAD_PORTS]
      .flatMap((p) => [p - 1, p + 1])
      .filter((p) => p > 0 && !FETCH_BAD_PORTS.has(p));
    const listed = await Promise.all([...FETCH_BAD_PORTS].map(refusal));
    expect(
      listed.every((why) => why === 'bad port'),
      listed.join(', '),
    ).toBe(true);
    const others = await Promise.all(neighbours.map(refusal));
    expect(others.filter((why) => why === 'bad port')).toEqual([]);
  }, 60_000);

  it('finds the port in a URL, and none in a URL on the default port', () => {
    expect(fetchBadPortOf(new URL('http://10.0.0.7:6000/graphql'))).toBe(6000);
    expect(fetchBadPortOf(new URL('https://plant.example:10080/'))).toBe(10080);
    expect(fetchBadPortOf(new URL('http://10.0.0.7:6001/graphql'))).toBeUndefined();
    expect(fetchBadPortOf(new URL('http://plant.example/'))).toBeUndefined();
  });
});
