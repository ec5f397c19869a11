/** Test support for the shared vocabulary: assertions other parts' tests use. May import `schema/`. */
export { grantRefusal } from './grant-refusal.js';
