export { TemplateMiner, type AddResult, type TemplateInfo, type MinerSnapshot } from './miner.js';
export { MINER_DEFAULTS, type MinerOptions } from './options.js';
export { maskWord, correctTemplate, WILDCARD } from './mask.js';
export { tokenize } from './tokenize.js';
export { templateId } from './template-id.js';
export { parseCsv, parseCsvRecords, csvField, csvRow } from './loghub/csv.js';
export { compileLogFormat, extractContent, type LogFormat } from './loghub/log-format.js';
export { scoreLoghub, type LoghubScore } from './loghub/score.js';
export { runLoghub, loadDataset, mineContents, predictionCsv, listSystems, findLogFormat, type LoghubRun, type LoghubDataset } from './loghub/run.js';
