/**
 * Reach soundness (test/verifier/reach/harness.ts) of the arrays of arrays: rows from
 * Array.from, fill/map, pushes and index writes, matrices.
 */
import { ROW_FIXTURES } from "./reach/fixtures.js";
import { reachSoundness } from "./reach/harness.js";

await reachSoundness(ROW_FIXTURES);
