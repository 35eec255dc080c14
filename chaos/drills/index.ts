export { parseDrillSpec, validateDrillSpec, DrillSpecError, type DrillSpec, type DrillFault, type SteadyStateCheck, type SteadyStateMetric } from './spec.js';
export { scoreDrill, type DrillRecording, type DrillScore, type FaultScore, type SeenAnomaly, type SeenIncident, type SeenNotification } from './score.js';
export { startDrill, type DrillDeps, type DrillHandle, type DrillProgress, type DrillReport, type DrillStatus } from './runner.js';
export { renderDrillHtml, type ReportChart } from './report-html.js';
export { drillLibrary, libraryDrill, type LibraryDrill } from './library.js';
