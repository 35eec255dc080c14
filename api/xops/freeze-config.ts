import { parseFreezeWindow, type FreezeWindow } from '../../detectors/change-risk/index.js';

/** Reads `changeRisk.freezeWindows` (a list of window texts); errors start with the entry at fault. */
export function parseFreezeCalendar(value: unknown, context: { key: string }): FreezeWindow[] {
  if (!Array.isArray(value)) throw new Error(`${context.key}: expected a list of windows such as ["Fri 16:00-Mon 08:00"]`);
  return value.map((entry, i) => {
    if (typeof entry !== 'string') throw new Error(`${context.key}[${i}]: expected a string`);
    try {
      return parseFreezeWindow(entry);
    } catch (err) {
      throw new Error(`${context.key}[${i}]: ${(err as Error).message}`);
    }
  });
}
