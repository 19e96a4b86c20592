/**
 * Reach soundness (test/verifier/reach/harness.ts) of integral views: number arrays held as
 * integers where a precondition, a fill or a loop keeps every element an integer.
 */
import { INTEGRAL_FIXTURES } from "./reach/fixtures.js";
import { reachSoundness } from "./reach/harness.js";

await reachSoundness(INTEGRAL_FIXTURES);
