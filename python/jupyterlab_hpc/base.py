"""The one base handler every jupyterlab-hpc REST handler derives from."""

from __future__ import annotations

import json
import logging
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import ensure_async, url_path_join
from tornado import web

from . import errors
from .validate import parse_json

log = logging.getLogger("jupyterlab_hpc")

#: Largest request body a handler parses, unless its feature sets ``max_body_size``.
DEFAULT_MAX_BODY_SIZE = 1024 * 1024

# The one place where domain errors get their HTTP status.
STATUS: dict[type[errors.HpcError], int] = {
    errors.InvalidInput: 400,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.InvalidNotebook: 422,
    errors.BackendFailed: 502,
    errors.Unavailable: 503,
    errors.TimedOut: 504,
}


def status_for(error: errors.HpcError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


class _RecordingAuthorizer:
    """The server's authorizer, noting a refusal on the handler (for a clear 403 answer)."""

    def __init__(self, handler: HpcHandler, inner: Any):
        self._handler = handler
        self._inner = inner

    async def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        allowed = bool(await ensure_async(self._inner.is_authorized(handler, user, action, resource)))
        if not allowed:
            self._handler.refused = (user, action, resource)
        return allowed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def refusal_message(authorizer: Any, user: Any, action: str, resource: str) -> str:
    explain = getattr(authorizer, "refusal_message", None)
    if callable(explain):
        return str(explain(user, action, resource))
    feature = resource.removeprefix("hpc_")
    return f"The {feature} feature is not available to this account (refused by the site's authorizer)."


class HpcHandler(APIHandler):
    """JSON in, JSON out, errors as ``{"message": ...}`` with a meaningful status.

    Subclasses set ``auth_resource`` (``hpc_<feature>``) and decorate their verbs
    with ``@web.authenticated`` and ``@authorized`` so that an authorizer (for
    example JupyterHub's) can grant or refuse each feature on its own.
    """

    auth_resource = "hpc"
    #: bytes; a feature may pass its own (a traitlet) in the URL spec's kwargs
    max_body_size = DEFAULT_MAX_BODY_SIZE
    refused: tuple[Any, str, str] | None = None  # (user, action, resource) the authorizer refused

    @property
    def authorizer(self) -> Any:
        # jupyter_server's @authorized asks this; a refusal becomes a 403 whose JSON says
        # the feature is not available to this account ("reason": "not-authorized").
        return _RecordingAuthorizer(self, super().authorizer)

    def initialize(self, **kwargs: Any) -> None:
        # Handlers are constructed per request; the feature's service object
        # (store, backend, ...) is passed in the URL spec.
        for key, value in kwargs.items():
            setattr(self, key, value)

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        error = (kwargs.get("exc_info") or (None, None))[1]
        if isinstance(error, errors.HpcError):
            status_code = status_for(error)
        super().send_error(status_code, **kwargs)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # A domain error is an answer, not a crash: one line, no traceback.
        if isinstance(value, errors.HpcError):
            log.warning("%d %s: %s", status_for(value), self._request_summary(), value)
        else:
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json")
        message = self._reason
        exc_info = kwargs.get("exc_info")
        if status_code == 403 and self.refused is not None:
            inner = super().authorizer
            body = {"message": refusal_message(inner, *self.refused), "reason": "not-authorized"}
            self.finish(json.dumps(body))
            return
        if exc_info:
            error = exc_info[1]
            if isinstance(error, errors.HpcError):
                message = str(error)
            elif isinstance(error, web.HTTPError) and error.log_message:
                message = error.log_message % error.args if error.args else error.log_message
            elif not isinstance(error, web.HTTPError):
                message = "Internal server error; see the Jupyter server log."
        self.finish(json.dumps({"message": message}))

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object; InvalidInput (400) or TooLarge (413) saying why not."""
        raw = self.request.body
        if not raw:
            return {}
        if len(raw) > self.max_body_size:
            raise errors.TooLarge(
                f"The request body is {len(raw)} bytes, more than this server's limit of {self.max_body_size}."
            )
        try:
            data = parse_json(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise errors.InvalidInput(f"Malformed JSON in the request body: {error}") from None
        if not isinstance(data, dict):
            raise errors.InvalidInput("The request body must be a JSON object.")
        return data

    def reply(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))


def feature_url(base_url: str, feature: str, path: str = "") -> str:
    """``{base_url}hpc/<feature>/<path>`` as a tornado route pattern."""
    return url_path_join(base_url, "hpc", feature, path)


def add_feature_handlers(
    serverapp: Any, feature: str, routes: list[tuple[str, type, dict[str, Any]]], max_body_size: int | None = None
) -> None:
    """Register ``(path, handler, kwargs)`` routes under ``{base_url}hpc/<feature>/``; ``max_body_size``
    (the feature's ``c.<Feature>.max_body_size``) is every API handler's request body cap."""
    base_url = serverapp.web_app.settings["base_url"]

    def with_cap(handler: type, kwargs: dict[str, Any]) -> dict[str, Any]:
        if max_body_size is None or not issubclass(handler, HpcHandler):
            return kwargs
        return {**kwargs, "max_body_size": max_body_size}

    serverapp.web_app.add_handlers(
        ".*$",
        [
            (feature_url(base_url, feature, path), handler, with_cap(handler, kwargs))
            for path, handler, kwargs in routes
        ],
    )
    serverapp.log.info("jupyterlab-hpc: %s enabled at %s", feature, feature_url(base_url, feature))
