import { printable } from './answer-reading.js';
import { fail, pass, type CheckResult } from './conformance-report.js';
import { PROTOCOL_VERSION, type SystemAnswer } from './system-client.js';

/** The versions an answer announces in `extensions.gridmark.protocol`, or null. */
function announced(answer: SystemAnswer): readonly unknown[] | null {
  const gridmark = answer.body.extensions?.['gridmark'] as { protocol?: unknown } | undefined;
  return Array.isArray(gridmark?.protocol) ? gridmark.protocol : null;
}

/** Every answer the system gave announces the protocol versions it speaks, version 1 among them. */
export function protocolCheck(answers: readonly SystemAnswer[]): CheckResult {
  const name = 'protocol-announced';
  if (answers.length === 0) return fail(name, 'the system gave no answer');
  for (const answer of answers) {
    const versions = announced(answer);
    if (versions === null)
      return fail(name, `the answer to ${answer.check} has no extensions.gridmark.protocol`);
    if (!versions.every((v) => Number.isSafeInteger(v)))
      return fail(
        name,
        `the answer to ${answer.check} announces ${printable(versions)}, not integers`,
      );
    if (!versions.includes(PROTOCOL_VERSION))
      return fail(
        name,
        `the answer to ${answer.check} announces ${printable(versions)}, without version ${PROTOCOL_VERSION}`,
      );
  }
  return pass(name, `all ${answers.length} answers announce version ${PROTOCOL_VERSION}`);
}
