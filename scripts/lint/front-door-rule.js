// The front-door rule: a folder with an `index.ts` is a room, and code outside a room imports
// only its front door. A file inside a room reaches the room's other files freely, and a room
// nested in it through that room's own door. From outside a top-level room, only its door and
// the doors named public (the package's other entry points and test support) are reachable.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Does `dir` hold a front door? Cached: the linter asks about the same folders many times. */
function createDoorFinder() {
  const known = new Map();
  return (dir) => {
    let found = known.get(dir);
    if (found === undefined) {
      found = existsSync(path.join(dir, 'index.ts'));
      known.set(dir, found);
    }
    return found;
  };
}

/** The file a relative specifier names: `./x.js` is written for `./x.ts`. */
function resolveTarget(importer, specifier) {
  const target = path.resolve(path.dirname(importer), specifier);
  return target.endsWith('.js') ? `${target.slice(0, -3)}.ts` : target;
}

function isInside(dir, file) {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The door an import must go through, or undefined when it may reach its target directly: the
 * outermost room that holds the target and not the importer.
 */
function requiredDoor(root, importer, target, hasDoor) {
  let door;
  for (
    let dir = path.dirname(target);
    isInside(root, dir) || dir === root;
    dir = path.dirname(dir)
  ) {
    if (dir !== root && hasDoor(dir) && !isInside(dir, importer)) door = path.join(dir, 'index.ts');
    if (dir === root) break;
  }
  return door === undefined || door === target ? undefined : door;
}

/** @type {import('eslint').Rule.RuleModule} */
export const frontDoorRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports from outside a room go through its index.ts' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          publicRooms: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      bypass: "'{{specifier}}' reaches past the front door of {{room}}/: import '{{door}}'",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const publicDoors = new Set(
      (context.options[0]?.publicRooms ?? []).map((room) => path.join(root, room, 'index.ts')),
    );
    const hasDoor = createDoorFinder();
    const importer = context.filename;
    const check = (node, source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (!specifier.startsWith('.')) return;
      const target = resolveTarget(importer, specifier);
      if (publicDoors.has(target)) return;
      const door = requiredDoor(root, importer, target, hasDoor);
      if (door === undefined) return;
      let suggestion = path.relative(path.dirname(importer), door).replace(/\.ts$/, '.js');
      if (!suggestion.startsWith('.')) suggestion = `./${suggestion}`;
      context.report({
        node: source,
        messageId: 'bypass',
        data: { specifier, room: path.relative(root, path.dirname(door)), door: suggestion },
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

/** The rule as a plugin for `eslint.config.js`. */
export const frontDoorPlugin = { rules: { 'front-door': frontDoorRule } };
