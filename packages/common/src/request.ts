import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * An error answered by one of the jupyterlab-hpc server handlers.
 *
 * The handlers always answer `{"message": ...}` on failure, so the message is
 * what the user should read; `status` lets callers tell a missing controller
 * (503) from bad input (400).
 */
export class HpcRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown = null
  ) {
    super(message);
    this.name = 'HpcRequestError';
  }

  /**
   * The site's authorizer refused this feature to the account (403 with
   * `"reason": "not-authorized"`); `message` says so. Retrying will not help.
   */
  get notAuthorized(): boolean {
    return (
      this.status === 403 &&
      typeof this.body === 'object' &&
      this.body !== null &&
      (this.body as { reason?: unknown }).reason === 'not-authorized'
    );
  }
}

/** Whether `error` is a refusal of the whole feature by the site's authorizer. */
export function isNotAuthorized(error: unknown): boolean {
  return error instanceof HpcRequestError && error.notAuthorized;
}

/**
 * Call `{base_url}hpc/<feature>/<path>` and return the decoded JSON body.
 *
 * ServerConnection adds the XSRF token and authentication headers, so every
 * state-changing call goes through here.
 */
export async function requestAPI<T>(
  feature: string,
  path = '',
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'hpc', feature, path);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new HpcRequestError(
      `The Jupyter server could not be reached: ${String(error)}`,
      0
    );
  }
  const text = await response.text();
  let data: any = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const message =
      (data && typeof data === 'object' && data.message) ||
      `${response.status} ${response.statusText}`;
    throw new HpcRequestError(String(message), response.status, data);
  }
  return data as T;
}

/** JSON body helper for POST/PATCH/DELETE calls. */
export function jsonBody(method: string, body: unknown): RequestInit {
  return { method, body: JSON.stringify(body) };
}
