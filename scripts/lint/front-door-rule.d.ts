import type { ESLint, Rule } from 'eslint';

/** The rule: code outside a folder with an `index.ts` imports only that `index.ts`. */
export declare const frontDoorRule: Rule.RuleModule;
/** The rule as a plugin for `eslint.config.js` (`gridmark/front-door`). */
export declare const frontDoorPlugin: ESLint.Plugin;
