import { readFileSync } from 'node:fs';
import { otlpTypes } from '/work/main/ingest/otlp/schema.ts';
const pb = readFileSync('/tmp/vb/logs.pb');
for (let i = 0; i < 3000; i++) otlpTypes.logsRequest.decode(pb);
