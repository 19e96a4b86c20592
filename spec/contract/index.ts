export type { BinaryOp, ClauseExpr, ContractFunction, ParsedClause } from "./ast.js";
export { CONTRACT_FUNCTIONS, freeNames, usesOld } from "./ast.js";
export { ClauseSyntaxError, parseClause } from "./parse.js";
