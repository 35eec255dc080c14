/** NAB (Numenta Anomaly Benchmark) harness and scorer for Vigil's online metric detectors. */
export { listCorpusFiles, readSeries, type CorpusFile, type CostProfile, type Series } from './corpus.js';
export { detectSeries, runNab, type RunNabOptions, type RunNabResult } from './run.js';
export { NAB_PROFILES, scoreNab, scoreFiles, loadScoredFiles, type NabProfileName, type NabScores, type ScoreNabOptions } from './score-results.js';
export { optimizeThreshold, rowValues, scaledSigmoid, scoreAtThreshold, scoreProfile, probationRows, type FileScore, type ProfileResult, type ScoredFile } from './scorer.js';
