import { faultTypeNames, type FaultWindow, type WorkloadReport } from '../../../chaos/index.js';
import { UsageError, type Command } from '../command.js';
import { ProgressBar } from '../progress.js';

const command: Command = {
  path: ['workload', 'run'],
  summary: 'Run the synthetic workload (traces, logs, metrics, deploy events, faults) against a Vigil',
  details: `
Simulates a topology of services (default: frontend → checkout, inventory → payments → postgres,
redis, an orders Kafka topic and an external card gateway) and sends what each instrumented service
would emit — traces, correlated logs, metrics every 10 simulated seconds — as OTLP/JSON, plus
CDEvents deploy events, through Vigil's real receivers. Timestamps are simulated event time:
--warmup sends that much history before now as fast as ingest accepts, then the live phase runs
--speed simulated seconds per second. Same --seed, same data.

Faults (repeat --fault): TYPE:SERVICE@OFFSET[+DURATION], the offset counted from the end of the
warm-up, duration 3m unless given, e.g. --fault error-burst:payments@2m --fault latency:postgres@5m+1m.
Types: ${faultTypeNames().join(', ')}.
Durations: 500ms, 30s, 2m, 1h, 1h30m. --duration 0 runs until Ctrl-C.`,
  flags: {
    target: { type: 'string', value: 'URL', description: "Vigil's receivers (OTLP/HTTP base URL)", default: 'http://127.0.0.1:4318' },
    rate: { type: 'number', value: 'N', description: 'Requests per simulated second into the entry service', default: 5 },
    duration: { type: 'string', value: 'D', description: 'Simulated length of the live phase (0: until interrupted)', default: '10m' },
    warmup: { type: 'string', value: 'D', description: 'Simulated history sent first, ending now', default: '0s' },
    speed: { type: 'number', value: 'X', description: 'Simulated seconds per wall-clock second in the live phase', default: 1 },
    seed: { type: 'number', value: 'N', description: 'Random seed', default: 1 },
    topology: { type: 'string', value: 'FILE', description: 'Topology YAML or JSON file (see README, "Synthetic workload")' },
    fault: { type: 'list', value: 'TYPE:SERVICE@OFFSET[+DURATION]', description: 'Inject a fault (repeatable)' },
    canary: { type: 'boolean', description: 'Also send the numbered canary log stream (service vigil-canary, one record per simulated second)' },
  },
  async run({ flags, stdout, stderr }) {
    const chaos = await import('../../../chaos/index.js');
    const duration = (name: string) => {
      try {
        return chaos.parseDuration(String(flags[name]), `--${name}`);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    };
    const durationMs = duration('duration');
    const warmupMs = duration('warmup');
    const rate = flags.rate as number;
    const speed = flags.speed as number;
    if (!(rate >= 0)) throw new UsageError(`--rate must not be negative, got ${rate}`);
    if (!(speed > 0)) throw new UsageError(`--speed must be positive, got ${speed}`);
    const topology = flags.topology ? await chaos.loadTopologyFile(String(flags.topology)) : chaos.DEFAULT_TOPOLOGY;
    let faults;
    try {
      faults = ((flags.fault as string[] | undefined) ?? []).map((text) => chaos.parseFaultSpec(text));
      for (const f of faults) chaos.checkFaultTarget(f, topology, Boolean(flags.canary));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }

    const workload = chaos.startWorkload({
      target: String(flags.target), topology, ratePerSecond: rate, durationMs: durationMs === 0 ? Infinity : durationMs,
      warmupMs, speed, seed: flags.seed as number, faults, canary: Boolean(flags.canary),
    });
    const iso = (ms: number) => new Date(ms).toISOString();
    const wall = (ms: number) => new Date(ms).toISOString().slice(11, 23);
    stdout.write(`topology (${topology.environment}, ${rate} requests/s into ${topology.entry}):\n${chaos.renderTopology(topology)}\n`);
    for (const w of workload.faults) {
      stdout.write(`fault ${w.id}: ${chaos.FAULT_TYPES[w.type].summary}; event time ${iso(w.startMs)} → ${iso(w.endMs)}\n`);
    }
    if (warmupMs > 0) stdout.write(`warm-up: ${chaos.formatDuration(warmupMs)} of history, ${iso(workload.liveStartMs - warmupMs)} → ${iso(workload.liveStartMs)}\n`);

    let bar: ProgressBar | undefined;
    let warmedS = 0;
    workload.on('progress', (p) => {
      if (p.phase !== 'warmup') return;
      bar ??= new ProgressBar('warm-up', Math.round(p.totalMs / 1000), stderr);
      const doneS = Math.round(p.doneMs / 1000);
      bar.tick(doneS - warmedS);
      warmedS = doneS;
    });
    workload.on('warmup-done', (e) => {
      bar?.finish();
      const s = e.sent;
      if (warmupMs > 0) stdout.write(`warm-up done: ${s.spans} spans, ${s.logs} logs, ${s.metricPoints} metric points\n`);
      const until = durationMs === 0 ? 'until interrupted' : `for ${chaos.formatDuration(durationMs)} (until ${iso(e.eventMs + durationMs)})`;
      stdout.write(`live: from ${iso(e.eventMs)} at ${speed}x ${until}\n`);
    });
    workload.on('fault-start', (w) => {
      const deploy = w.deploy ? ` (deployed ${w.service} ${w.deploy.previousVersion} → ${w.deploy.version}, errors from ${iso(w.deploy.errorsFromMs)})` : '';
      stdout.write(`[${wall(w.wallStartMs ?? Date.now())}] fault start ${w.id} at ${iso(w.startMs)}${deploy}\n`);
    });
    workload.on('fault-end', (w) => stdout.write(`[${wall(w.wallEndMs ?? Date.now())}] fault end   ${w.id} at ${iso(w.endMs)}\n`));

    const interrupt = () => {
      stderr.write('\nstopping after the batch in flight…\n');
      void workload.stop();
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    let report: WorkloadReport;
    try {
      report = await workload.done;
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    stdout.write(summary(report, chaos.formatDuration));
    if (report.rejected > 0) {
      stderr.write(`warning: the target rejected ${report.rejected} records (OTLP partial_success)\n`);
      return 1;
    }
    return 0;
  },
};

function summary(report: WorkloadReport, formatDuration: (ms: number) => string): string {
  const { sent } = report;
  const lines = [
    `summary: ${formatDuration(report.live.endMs - report.live.startMs)} live${report.stoppedEarly ? ' (stopped early)' : ''}, ` +
      `sent ${sent.spans} spans, ${sent.logs} logs, ${sent.metricPoints} metric points, ${sent.events} events in ${sent.requests} requests (${report.retries} retries)`,
  ];
  if (report.canary.enabled) lines.push(`canary: ${report.canary.sent} sent, ${report.canary.dropped} dropped`);
  for (const w of report.faults) lines.push(faultLine(w));
  return lines.join('\n') + '\n';
}

function faultLine(w: FaultWindow): string {
  const d = w.dropped;
  const dropped = d.spans + d.logs + d.metricPoints > 0 ? `, dropped ${d.spans} spans, ${d.logs} logs, ${d.metricPoints} metric points` : '';
  return `fault ${w.id}: ${w.status}, event time ${new Date(w.startMs).toISOString()} → ${new Date(w.endMs).toISOString()}${dropped}`;
}

export default command;
