import { HpcRequestError, jsonBody } from '../request';

describe('common request helpers', () => {
  it('keeps the status and message of a server error', () => {
    const error = new HpcRequestError('Slurm is down', 503, { message: 'x' });
    expect(error.status).toBe(503);
    expect(error.message).toBe('Slurm is down');
    expect(error).toBeInstanceOf(Error);
  });

  it('serializes JSON bodies', () => {
    expect(jsonBody('POST', { path: 'a b' })).toEqual({
      method: 'POST',
      body: '{"path":"a b"}'
    });
  });
});
