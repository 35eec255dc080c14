"""The real clickhouse-connect (PyPI) against Vigil's ClickHouse HTTP interface, as a data scientist uses it.

Usage: python clickhouse_connect_client.py HOST PORT TOKEN INTERNAL_TOKEN; prints one JSON object with what it saw.
"""
import json
import sys

import clickhouse_connect

host, port, token, internal_token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
client = clickhouse_connect.get_client(host=host, port=port, username='analyst', password=token)
out = {}

df = client.query_df('SELECT ServiceName AS service, Body AS body, Timestamp AS ts FROM otel_logs ORDER BY ts')
out['columns'] = list(df.columns)
out['rows'] = len(df)
out['services'] = sorted(df['service'].unique().tolist())
out['bodies'] = df['body'].tolist()
out['ts_dtype'] = str(df['ts'].dtype)

injected = client.query_df('SELECT count() AS n FROM otel_logs WHERE ServiceName = {s:String}', parameters={'s': "checkout' OR 1=1 --"})
out['injected_count'] = int(injected['n'][0])

for name, attempt in [
    ('drop', lambda: client.command('DROP TABLE otel_logs')),
    ('insert', lambda: client.insert('otel_logs', [['x']], column_names=['Body'])),
    ('tokens', lambda: client.query('SELECT * FROM api_tokens')),
    ('file', lambda: client.query("SELECT * FROM file('/etc/passwd', 'LineAsString')")),
]:
    try:
        attempt()
        out[name] = 'allowed'
    except Exception as err:  # the refusal, as clickhouse-connect reports it
        out[name] = str(err)[:400]

out['after'] = int(client.query_df('SELECT count() AS n FROM otel_logs')['n'][0])

# User vigil with the internal token: full access; the body goes lz4-compressed, as the client sends it by default
# (a text format: the node takes the row formats chDB inserts raw, not Native).
internal = clickhouse_connect.get_client(host=host, port=port, username='vigil', password=internal_token)
internal.command('CREATE TABLE py_scratch (id UInt32, s String) ENGINE = MergeTree ORDER BY id')
internal.raw_insert('py_scratch', ['id', 's'], ''.join(f'{i},"row {i} {"x" * 40}"\n' for i in range(20000)), fmt='CSV')
out['internal_rows'] = int(internal.query_df('SELECT count() AS n FROM py_scratch')['n'][0])
internal.command('DROP TABLE py_scratch')
print(json.dumps(out))
