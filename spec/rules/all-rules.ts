/** Every document-level rule, in report order. */
import { commonRules } from "./common-rules.js";
import { crossLayerRules } from "./cross-layer-rules.js";
import { executionRules } from "./execution-rules.js";
import { integrityRules } from "./integrity-rules.js";
import { intentRules } from "./intent-rules.js";
import { profileRules } from "./profile-rules.js";
import type { Rule } from "./rule.js";
import { semanticsRules } from "./semantics-rules.js";

export const documentRules: readonly Rule[] = [
  ...commonRules,
  ...intentRules,
  ...semanticsRules,
  ...executionRules,
  ...crossLayerRules,
  ...integrityRules,
  ...profileRules,
];
