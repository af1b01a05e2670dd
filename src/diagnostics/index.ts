export { collectProblems, hasErrors } from './collectProblems.js';
export { formatProblem } from './formatProblem.js';
export { type ProblemJson, problemToJson } from './problemToJson.js';
export { reportProblem, type Severity } from './reportProblem.js';
export { type RuleId, ruleIds } from './ruleIds.js';
