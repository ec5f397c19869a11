import type { ShareableField, SubgraphDeclaration } from './declaration.js';

/** The Federation 2 version the kit links; the gateway composes with the same one. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.3';

/**
 * Renders the Federation 2 SDL of a declaration: a `Device @key(fields: "id")` entity carrying
 * the shareable fields, plus the declaration's own types. Units are appended to descriptions so
 * that they show in every GraphQL tool.
 */
export function renderSubgraphSdl(declaration: SubgraphDeclaration): string {
  const fields = declaration.fields.map(renderField).join('\n');
  return [
    `extend schema @link(url: "${FEDERATION_LINK}", import: ["@key"])`,
    '',
    `"""A device known by its identifier. Fields below are shared by ${escapeDescription(declaration.title)}."""`,
    'type Device @key(fields: "id") {',
    '  "The device identifier, <prefix>/<suffix>."',
    '  id: ID!',
    fields,
    '}',
    declaration.typeDefs?.trim() ?? '',
    '',
  ].join('\n');
}

function renderField(field: ShareableField): string {
  const unit = field.unit === undefined ? '' : ` Unit: ${field.unit}.`;
  return `  """${escapeDescription(field.description.trim() + unit)}"""\n  ${field.name}: ${field.type}`;
}

function escapeDescription(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"""');
}
