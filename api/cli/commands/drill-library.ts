import type { Command } from '../command.js';

const command: Command = {
  path: ['drill', 'library'],
  summary: 'List the ready-made drills (one per fault type, on the synthetic topology)',
  flags: { spec: { type: 'string', value: 'NAME', description: 'Print this drill\'s spec (YAML) to adapt it' } },
  async run(ctx) {
    const { drillLibrary } = await import('../../../chaos/drills/index.js');
    const library = drillLibrary();
    const name = ctx.flags.spec as string | undefined;
    if (name) {
      const d = library.find((x) => x.name === name);
      if (!d) {
        ctx.stderr.write(`no library drill "${name}"\n`);
        return 1;
      }
      ctx.stdout.write(d.text);
      return 0;
    }
    for (const d of library) {
      const f = d.spec.faults.map((x) => `${x.type}:${x.service}`).join(', ');
      ctx.stdout.write(`${d.name.padEnd(30)} ${f.padEnd(30)} ${d.spec.hypothesis}\n`);
    }
    return 0;
  },
};

export default command;
