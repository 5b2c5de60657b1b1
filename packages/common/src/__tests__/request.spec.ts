import { HpcRequestError, isNotAuthorized, jsonBody } from '../request';

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

  it('tells a refusal by the site authorizer from other 403s', () => {
    const refused = new HpcRequestError('Slurm is not available', 403, {
      message: 'Slurm is not available',
      reason: 'not-authorized'
    });
    expect(refused.notAuthorized).toBe(true);
    expect(isNotAuthorized(refused)).toBe(true);
    const outside = new HpcRequestError('outside the root', 403, {
      message: 'outside the root'
    });
    expect(isNotAuthorized(outside)).toBe(false);
    expect(isNotAuthorized(new HpcRequestError('x', 404, null))).toBe(false);
    expect(isNotAuthorized(new Error('x'))).toBe(false);
  });
});
