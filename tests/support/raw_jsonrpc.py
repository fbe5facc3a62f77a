"""Raw JSON-RPC over a pytest-lsp client: messages its typed API refuses to build (wrong types,
missing fields), for testing how the server answers them."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import Future
from typing import Any

from pytest_lsp import LanguageClient


async def request(client: LanguageClient, method: Any, params: Any, timeout: float = 15) -> Any:
    """Send a request as raw JSON and wait for its result; a JSON-RPC error raises
    `pygls.exceptions.JsonRpcException` (with its `code`), no answer `TimeoutError`."""
    msg_id = str(uuid.uuid4())
    answered: Future[Any] = Future()
    client.protocol._request_futures[msg_id] = answered
    message = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}
    client.protocol._send_data(message)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(answered), timeout)
    finally:
        client.protocol._request_futures.pop(msg_id, None)


def notify(client: LanguageClient, method: Any, params: Any) -> None:
    """Send a notification as raw JSON."""
    client.protocol._send_data({"jsonrpc": "2.0", "method": method, "params": params})
