/**
 * Reach soundness (test/verifier/reach/harness.ts) of the one-dimensional fixtures: closures,
 * swaps, append by index, Array(n), loops that are not counting loops.
 */
import { ARRAY_FIXTURES } from "./reach/fixtures.js";
import { reachSoundness } from "./reach/harness.js";

await reachSoundness(ARRAY_FIXTURES);
