import { FIELDS, applies, checkField, scriptDirectives } from '../submitFields';

describe('#SBATCH lines of a script', () => {
  it('reads long, short and attached forms before the first command', () => {
    const script = [
      '#!/bin/bash',
      '#SBATCH --time=00:10:00',
      '#SBATCH -N 2 --mem 4G',
      '#SBATCH -c4',
      '#SBATCH --job-name "two words" # a comment',
      '# an ordinary comment',
      '',
      'echo hi',
      '#SBATCH --ntasks=8'
    ].join('\n');
    expect(scriptDirectives(script)).toEqual({
      time: '00:10:00',
      nodes: '2',
      mem: '4G',
      'cpus-per-task': '4',
      'job-name': 'two words'
    });
  });

  it('takes the last of repeated options, and -p for the partition', () => {
    expect(
      scriptDirectives('#SBATCH -t 5\n#SBATCH --time=7\n#SBATCH -p long\n')
    ).toEqual({ time: '7', partition: 'long' });
  });

  it('ignores "#SBATCH" that is not at the start of a line comment', () => {
    expect(scriptDirectives('# SBATCH --time=5\n#SBATCHX\n')).toEqual({});
  });
});

describe('which value applies', () => {
  const directives = { time: '00:10:00' };
  it('the form value overrides the script', () => {
    expect(applies('time', '5', directives)).toEqual({
      source: 'form',
      value: '5'
    });
  });
  it('an empty (or blank) field leaves the script line', () => {
    expect(applies('time', '  ', directives)).toEqual({
      source: 'script',
      value: '00:10:00'
    });
  });
  it('neither: Slurm default where Slurm fixes it, else the cluster default', () => {
    expect(applies('nodes', undefined, {})).toEqual({
      source: 'default',
      value: '1'
    });
    expect(applies('output', undefined, {})).toEqual({
      source: 'default',
      value: 'slurm-%j.out'
    });
    expect(applies('mem', undefined, {})).toEqual({
      source: 'default',
      value: null
    });
    expect(applies('time', undefined, {}, '1:00:00')).toEqual({
      source: 'cluster',
      value: '1:00:00'
    });
    // the script's line beats the partition's default
    expect(applies('time', undefined, { time: '5' }, '1:00:00')).toEqual({
      source: 'script',
      value: '5'
    });
  });
});

describe('field validation (the server rules)', () => {
  it('accepts the time formats sbatch takes', () => {
    for (const ok of [
      '30',
      '30:00',
      '1:00:00',
      '2-0',
      '2-12:00',
      '2-00:00:00'
    ]) {
      expect(checkField('time', ok)).toBeNull();
    }
  });
  it('refuses a bad time, naming the value and what is expected', () => {
    expect(checkField('time', 'abc')).toEqual({
      message: "'%1' is not valid; expected %2.",
      args: ['abc', 'a time limit like 30, 1:00:00 or 2-00:00:00']
    });
    expect(checkField('time', '1:2:3:4')).not.toBeNull();
  });
  it('checks counts, memory, GPUs and arrays', () => {
    expect(checkField('nodes', '2-4')).toBeNull();
    expect(checkField('nodes', '0')).not.toBeNull();
    expect(checkField('ntasks', '1.5')).not.toBeNull();
    expect(checkField('cpus-per-task', '16')).toBeNull();
    expect(checkField('mem', '4G')).toBeNull();
    expect(checkField('mem', '4 GB')).not.toBeNull();
    expect(checkField('gpus', 'a100:2')).toBeNull();
    expect(checkField('gpus', '0')).not.toBeNull();
    expect(checkField('array', '1-100%10')).toBeNull();
    expect(checkField('array', '1..3')).not.toBeNull();
  });
  it('refuses shell syntax and options in any field; empty is fine', () => {
    expect(checkField('job-name', 'x; rm -rf ~')!.message).toMatch(/';'/);
    expect(checkField('output', '$(id).out')!.message).toMatch(/\$\(/);
    expect(checkField('account', '--uid=0')!.message).toMatch(/start with/);
    expect(checkField('time', '')).toBeNull();
    expect(checkField('job-name', 'any name at all')).toBeNull();
  });
  it('has a label for every field', () => {
    expect(FIELDS.every(f => f.label.length > 0)).toBe(true);
  });
});
