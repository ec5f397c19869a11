import { composeServices } from '@apollo/composition';
import { parse, type GraphQLError } from 'graphql';
import { GridmarkError } from '../../schema/index.js';

/** A subgraph as composition sees it. */
export interface SubgraphSdl {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

/** One composition error, with the business systems it concerns. */
export interface CompositionIssue {
  readonly code: string;
  readonly message: string;
  readonly subgraphs: readonly string[];
}

/** Composition failed: `issues` says what and where. */
export class CompositionError extends GridmarkError {
  override readonly name = 'CompositionError';
  readonly issues: readonly CompositionIssue[];

  constructor(issues: readonly CompositionIssue[]) {
    const lines = issues.map(
      (i) => `  - [${i.subgraphs.join(', ') || 'supergraph'}] ${i.code}: ${i.message}`,
    );
    super(
      'COMPOSITION_FAILED',
      `The subgraphs do not compose (${issues.length} error${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      {
        details: { issues },
      },
    );
    this.issues = issues;
  }
}

/**
 * Composes subgraphs into a Federation 2 supergraph SDL.
 *
 * @throws CompositionError listing every error with the subgraphs that caused it; an SDL that
 *   does not even parse is reported against its own subgraph.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSdl[]): string {
  const parseIssues: CompositionIssue[] = [];
  const definitions = subgraphs.flatMap((s) => {
    try {
      return [{ name: s.name, url: s.url, typeDefs: parse(s.sdl) }];
    } catch (error) {
      parseIssues.push({
        code: 'INVALID_GRAPHQL',
        message: error instanceof Error ? error.message : String(error),
        subgraphs: [s.name],
      });
      return [];
    }
  });
  if (parseIssues.length > 0) throw new CompositionError(parseIssues);
  const result = composeServices(definitions);
  if (result.errors) {
    const names = subgraphs.map((s) => s.name);
    throw new CompositionError(result.errors.map((e) => toIssue(e, names)));
  }
  return result.supergraphSdl;
}

/** Finds the subgraphs an error is about: from its AST nodes, else from names quoted in it. */
function toIssue(error: GraphQLError, names: readonly string[]): CompositionIssue {
  const fromNodes = new Set<string>();
  for (const node of error.nodes ?? []) {
    const subgraph = (node as { subgraph?: unknown }).subgraph;
    if (typeof subgraph === 'string') fromNodes.add(subgraph);
  }
  const mentioned =
    fromNodes.size > 0
      ? [...fromNodes]
      : names.filter((n) => error.message.includes(`"${n}"`) || error.message.includes(`[${n}]`));
  const code = error.extensions['code'];
  return {
    code: typeof code === 'string' ? code : 'COMPOSITION_ERROR',
    message: error.message,
    subgraphs: mentioned.sort(),
  };
}
