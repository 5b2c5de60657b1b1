import { nodeSegments, sortPartitions, IPartitionStatus } from '../cluster';
import {
  barWidth,
  hints,
  IEfficiency,
  level,
  suggestCpus,
  suggestMemory,
  suggestTime
} from '../efficiency';
import {
  exitText,
  filterHistory,
  HISTORY_COLUMNS,
  historyIndex,
  IHistoryJob,
  sortHistory
} from '../history';
import {
  formatBytes,
  formatPercent,
  memoryOption,
  parseMemory
} from '../units';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

function use(extra: Partial<IEfficiency> = {}): IEfficiency {
  return {
    cpu: { ratio: null, used: null, available: null },
    memory: { ratio: null, used: null, requested: null, per_node: false },
    time: { ratio: null, used: null, limit: null },
    ...extra
  };
}

function job(id: string, extra: Partial<IHistoryJob> = {}): IHistoryJob {
  return {
    id,
    array_job_id: null,
    array_task_id: null,
    name: `job ${id}`,
    user: 'alice',
    account: 'proj',
    partition: 'debug',
    qos: 'normal',
    state: 'COMPLETED',
    cancelled_by: null,
    reason: '',
    exit_code: { code: 0, signal: 0 },
    derived_exit_code: { code: 0, signal: 0 },
    submit: 1796237456,
    start: 1796237457,
    end: 1796237460,
    elapsed: 3,
    time_limit: 60,
    cpus: 1,
    nodes: 1,
    nodelist: 'vm',
    total_cpu: 1,
    req_mem: '1G',
    mem_requested: GIB,
    mem_requested_per: 'job',
    gpus: null,
    work_dir: '/home/alice',
    work_dir_path: '',
    efficiency: use(),
    ended: { cause: 'completed' },
    ...extra
  };
}

describe('units', () => {
  it('formats sizes as people read them (1 GB = 1024 MB)', () => {
    expect(formatBytes(3.1 * GIB)).toBe('3.1 GB');
    expect(formatBytes(64 * GIB)).toBe('64 GB');
    expect(formatBytes(318208 * 1024)).toBe('311 MB');
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536 * GIB)).toBe('1.5 TB');
    expect(formatBytes(null)).toBe('');
  });

  it('parses Slurm memory values (no unit: megabytes)', () => {
    expect(parseMemory('4G')).toBe(4 * GIB);
    expect(parseMemory('500M')).toBe(500 * MIB);
    expect(parseMemory('22784')).toBe(22784 * MIB);
    expect(parseMemory('1.5T')).toBe(1.5 * 1024 * GIB);
    expect(parseMemory('318508K')).toBe(318508 * 1024);
    expect(parseMemory('8gb')).toBe(8 * GIB);
    expect(parseMemory('0')).toBeNull(); // "all of the node's memory"
    expect(parseMemory('4Gn')).toBeNull();
    expect(parseMemory('lots')).toBeNull();
  });

  it('writes sbatch memory options and percentages', () => {
    expect(memoryOption(8 * GIB)).toBe('8G');
    expect(memoryOption(512 * MIB)).toBe('512M');
    expect(formatPercent(0.4567)).toBe('46 %');
    expect(formatPercent(null)).toBe('');
  });
});

describe('efficiency', () => {
  it('classes ratios: under 25 % is low, over 100 % is over', () => {
    expect(level(0.049)).toBe('low');
    expect(level(0.25)).toBe('ok');
    expect(level(1)).toBe('ok');
    expect(level(1.3)).toBe('over');
    expect(level(null)).toBe('unknown');
    expect(barWidth(1.3)).toBe(1);
    expect(barWidth(0.3)).toBe(0.3);
    expect(barWidth(null)).toBe(0);
  });

  it('suggests usual values with room to spare', () => {
    expect(suggestMemory(3.1 * GIB)).toBe(8 * GIB); // 4.65 GB -> 8 GB
    expect(suggestMemory(300 * MIB)).toBe(512 * MIB);
    expect(suggestMemory(10 * MIB)).toBe(256 * MIB);
    expect(suggestTime(5 * 60)).toBe(10 * 60); // 7.5 min -> 10 min
    expect(suggestTime(3 * 3600)).toBe(6 * 3600); // 4.5 h -> 6 h
    expect(suggestTime(5)).toBe(60); // Slurm's shortest limit
    expect(suggestCpus(3600, 3600)).toBe(2); // one CPU busy on average
    expect(suggestCpus(10, 3600)).toBe(1);
  });

  it('hints when a job used under 25 % of a request, and only then', () => {
    const job = use({
      memory: {
        ratio: 3.1 / 64,
        used: 3.1 * GIB,
        requested: 64 * GIB,
        per_node: false
      },
      time: { ratio: 300 / 3600, used: 300, limit: 3600 },
      cpu: { ratio: 0.1, used: 240, available: 2400 }
    });
    expect(hints(job, { cpus: 8, memorySchedules: true })).toEqual([
      {
        kind: 'memory',
        requested: 64 * GIB,
        used: 3.1 * GIB,
        suggested: 8 * GIB,
        sooner: true
      },
      { kind: 'time', limit: 3600, used: 300, suggested: 600 },
      { kind: 'cpu', cpus: 8, busy: 0.8, suggested: 1 }
    ]);
    // Memory not scheduled here: the hint does not promise an earlier start.
    expect(hints(job, { cpus: 8 })[0]).toMatchObject({
      kind: 'memory',
      sooner: false
    });
    // Slurm's default memory (no --mem anywhere): not the user's request to shrink.
    expect(
      hints(job, { cpus: 8, memoryRequestExplicit: false }).map(h => h.kind)
    ).toEqual(['time', 'cpu']);
    // A short job: no CPU hint; a single CPU: none either.
    const short = use({
      cpu: { ratio: 0.05, used: 1, available: 20 },
      time: { ratio: 0.5, used: 20, limit: 40 }
    });
    expect(hints(short, { cpus: 4 })).toEqual([]);
    // Well used, or nothing smaller to suggest: no hint.
    const fine = use({
      memory: { ratio: 0.6, used: 600 * MIB, requested: GIB, per_node: false }
    });
    expect(hints(fine, { cpus: 1 })).toEqual([]);
    const tiny = use({
      memory: { ratio: 0.2, used: 200 * MIB, requested: GIB, per_node: false },
      time: { ratio: 0.1, used: 6, limit: 60 }
    });
    expect(hints(tiny, { cpus: 1 })).toEqual([
      {
        kind: 'memory',
        requested: GIB,
        used: 200 * MIB,
        suggested: 512 * MIB,
        sooner: false
      }
    ]); // a 1-minute limit is already the shortest
  });
});

describe('history list', () => {
  const jobs = [
    job('120_10', {
      state: 'FAILED',
      exit_code: { code: 3, signal: 0 },
      end: 50
    }),
    job('120_9', {
      state: 'COMPLETED',
      end: 40,
      efficiency: use({ cpu: { ratio: 0.9, used: 9, available: 10 } })
    }),
    job('99', {
      state: 'TIMEOUT',
      exit_code: { code: 0, signal: 15 },
      name: 'Äpfel <b>x</b>',
      end: 60
    }),
    job('1000', {
      state: 'CANCELLED',
      end: null,
      efficiency: use({ cpu: { ratio: 0.1, used: 1, available: 10 } })
    })
  ];

  it('sorts ids numerically and array-aware, unknown values last', () => {
    const ids = sortHistory(jobs, { column: 'id', descending: false }).map(
      j => j.id
    );
    expect(ids).toEqual(['99', '120_9', '120_10', '1000']);
    const byEnd = sortHistory(jobs, { column: 'end', descending: false }).map(
      j => j.id
    );
    expect(byEnd).toEqual(['120_9', '120_10', '99', '1000']);
    const byCpu = sortHistory(jobs, {
      column: 'cpu_eff',
      descending: false
    }).map(j => j.id);
    expect(byCpu).toEqual(['1000', '120_9', '99', '120_10']); // 10 %, 90 %, then unknown by id
  });

  it('shows exit codes with their signal', () => {
    expect(exitText({ code: 3, signal: 0 })).toBe('3');
    expect(exitText({ code: 0, signal: 9 })).toBe('0:9');
    expect(exitText(null)).toBe('');
    expect(HISTORY_COLUMNS.exit.text(jobs[2])).toBe('0:15');
  });

  it('filters by text over every column and by state group', () => {
    const index = historyIndex(jobs);
    expect(
      filterHistory(jobs, index, { text: 'äpfel', state: '' }).map(j => j.id)
    ).toEqual(['99']);
    expect(
      filterHistory(jobs, index, { text: '', state: 'failed' }).map(j => j.id)
    ).toEqual(['120_10', '99']);
    expect(
      filterHistory(jobs, index, { text: '', state: 'CANCELLED' }).map(
        j => j.id
      )
    ).toEqual(['1000']);
    expect(
      filterHistory(jobs, index, { text: '120_1', state: '' }).map(j => j.id)
    ).toEqual(['120_10']);
  });
});

describe('cluster', () => {
  const part = (
    name: string,
    extra: Partial<IPartitionStatus> = {}
  ): IPartitionStatus => ({
    name,
    default: false,
    available: 'up',
    time_limit: 3600,
    nodes: { idle: 1, mixed: 0, allocated: 2, unavailable: 1, total: 4 },
    cpus: { free: 2, total: 8 },
    gpus: { free: 0, total: 0 },
    memory: { allocated: 0, total: 0 },
    unavailable_nodes: [],
    my_jobs: { running: 0, pending: 0 },
    ...extra
  });

  it('lists the default partition first', () => {
    const sorted = sortPartitions([
      part('long'),
      part('a'),
      part('debug', { default: true })
    ]);
    expect(sorted.map(p => p.name)).toEqual(['debug', 'a', 'long']);
  });

  it('draws node states in a fixed order, leaving out empty ones', () => {
    expect(nodeSegments(part('x'))).toEqual([
      { kind: 'idle', count: 1 },
      { kind: 'allocated', count: 2 },
      { kind: 'unavailable', count: 1 }
    ]);
  });
});
