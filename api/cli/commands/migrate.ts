import type { Command } from '../command.js';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.js';

const command: Command = {
  path: ['migrate'],
  summary: 'Apply schema migrations to the configured store and exit',
  details: 'Creates every Vigil table and view that is missing (idempotent). `vigil start` does this too.',
  flags: CONFIG_FLAGS,
  async run(ctx) {
    const config = configFromFlags(ctx.flags, CONFIG_FLAGS);
    const { migrate, openStore } = await import('../../../analytics/index.js');
    const { storeConfig } = await import('../../engine.js');
    const store = await openStore(storeConfig(config));
    try {
      const result = await migrate(store, { ttlDays: config['store.ttlDays'] });
      for (const m of result.applied) ctx.stdout.write(`applied ${String(m.version).padStart(3, '0')} ${m.name}\n`);
      ctx.stdout.write(`schema at version ${result.current} (${result.applied.length} applied now)\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

export default command;
