import { describe, expect, it } from 'vitest';
import { compileLogFormat, extractContent } from './log-format.js';

describe('compileLogFormat', () => {
  it('turns <Field> into named fields and spaces into \\s+', () => {
    const f = compileLogFormat('<Date> <Time> <Pid> <Level> <Component>: <Content>');
    expect(f.fields).toEqual(['Date', 'Time', 'Pid', 'Level', 'Component', 'Content']);
    const line = '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating';
    expect(extractContent(f, line)).toEqual({ content: 'PacketResponder 1 for block blk_1 terminating', matched: true });
  });

  it('keeps regex syntax in separators and trims the line', () => {
    const f = compileLogFormat('<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>');
    expect(extractContent(f, 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown  ').content).toBe('check pass; user unknown');
    expect(extractContent(f, 'Jun 14 15:16:01 combo kernel: Linux version').content).toBe('Linux version');
  });

  it('falls back to the whole line when the header does not match', () => {
    const f = compileLogFormat('\\[<Time>\\] \\[<Level>\\] <Content>');
    expect(extractContent(f, 'no header here')).toEqual({ content: 'no header here', matched: false });
  });
});
