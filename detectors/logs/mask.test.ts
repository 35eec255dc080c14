import { describe, expect, it } from 'vitest';
import { correctTemplate, maskWord } from './mask.js';

describe('maskWord', () => {
  it.each([
    ['numbers', '42', '<*>'],
    ['negative numbers', '-127633188', '<*>'],
    ['decimals', '3.14', '<*>'],
    ['numbers after a key', 'Code=-1001', 'Code=<*>'],
    ['hex with prefix', '0x1b85f080', '<*>'],
    ['bare hex addresses', '00b360e8', '<*>'],
    ['ids glued to a word', 'blk_-6952295868487656571', '<*>'],
    ['ids with several digit runs', 'appattempt_1445144423722_0020_000001', '<*>'],
    ['values with units', '250ms', '<*>'],
    ['IPv4 addresses', '10.251.73.220', '<*>'],
    ['IPv4 with port', '10.251.73.220:50010', '<*>:<*>'],
    ['absolute paths', '/etc/httpd/conf/workers2.properties', '<*>'],
    ['URLs', 'https://example.com/a/b?x=1', 'https://<*>'],
    ['clock times', '07:07:00', '<*>:<*>:<*>'],
    ['dates', '2015-10-18', '<*>-<*>-<*>'],
    ['key=value pairs', 'uid=0', 'uid=<*>'],
    ['empty values stay', 'ruser=', 'ruser='],
    ['quoted strings of digits', '"1234"', '"<*>"'],
    ['booleans', 'true', '<*>'],
    ['default user names', 'root', '<*>'],
    ['UUIDs', '123e4567-e89b-12d3-a456-426614174000', '<*>'],
    ['MAC addresses', '00:1a:2b:3c:4d:5e', '<*>'],
    ['IPv6 addresses', 'fe80::1ff:fe23:4567:890a', '<*>'],
    ['host names', 'ns.marryaldkfaczcz.com', '<*>'],
    ['host names with port', 'MSRA-SA-41.fareast.corp.microsoft.com:9000', '<*>:<*>'],
    ['node ids', 'node-246', 'node-<*>'],
  ])('masks %s', (_kind, word, masked) => {
    expect(maskWord(word)).toBe(masked);
  });

  it.each([
    ['plain words', 'PacketResponder'],
    ['words with a trailing digit', 'ssh2'],
    ['identifiers with short digit runs', 'jk2_init()'],
    ['reverse-DNS names', 'com.apple.networking.captivenetworksupport'],
    ['Java class names', 'org.apache.hadoop.mapreduce.v2.app.MRAppMaster'],
    ['punctuation', '[preauth]'],
  ])('keeps %s', (_kind, word) => {
    expect(maskWord(word)).toBe(word);
  });

  it('is idempotent', () => {
    for (const w of ['blk_-123', '10.0.0.1:80', 'uid=0', '/a/b/c', 'node-[1-4]']) expect(maskWord(maskWord(w))).toBe(maskWord(w));
  });
});

describe('correctTemplate', () => {
  it('applies the Khan et al. rules to a whole template', () => {
    expect(correctTemplate('Deleting  block blk_<*> file /a/b/<*>')).toBe('Deleting block <*> file <*>');
    expect(correctTemplate('took <*>.<*> ms at <*><*>')).toBe('took <*> ms at <*>');
    expect(correctTemplate('login as ADMIN ok=false 12')).toBe('login as <*> ok=<*> <*>');
  });
});
