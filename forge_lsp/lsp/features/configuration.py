"""Settings from the editor: `initializationOptions` and `workspace/configuration` (`forge`).

Nothing is parsed before `initialize` is answered: validation imports the rule registry.
"""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

from forge_lsp.lsp.features import claude
from forge_lsp.lsp.forge_server import ForgeServer

log = logging.getLogger(__name__)
SECTION = "forge"


def register(server: ForgeServer) -> None:
    init_options: dict[str, object] = {}

    @server.feature(types.INITIALIZE)
    def on_initialize(ls: ForgeServer, params: types.InitializeParams) -> None:
        init_options["value"] = params.initialization_options

    @server.feature(types.INITIALIZED)
    async def on_initialized(ls: ForgeServer, params: types.InitializedParams) -> None:
        ls.bind_loop()
        try:
            # initializationOptions first: the client may be slow to answer the request below.
            await asyncio.to_thread(ls.settings.set_editor, init_options.get("value") or {})
            workspace = await _fetch_workspace_settings(ls)
            if workspace is not None:
                await asyncio.to_thread(ls.settings.set_editor, None, workspace)
        finally:
            ls.settings_ready.set()
        claude.preload_later(ls)
        await _watch_configuration(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def on_configuration_changed(
        ls: ForgeServer, params: types.DidChangeConfigurationParams
    ) -> None:
        workspace = await _fetch_workspace_settings(ls)
        if workspace is None and isinstance(params.settings, dict):
            workspace = params.settings.get(SECTION)  # clients that push settings instead
        await asyncio.to_thread(ls.settings.set_editor, None, workspace or {})
        ls.settings_changed()


def _supports_configuration(ls: ForgeServer) -> bool:
    workspace = ls.client_capabilities.workspace
    return bool(workspace and workspace.configuration)


async def _fetch_workspace_settings(ls: ForgeServer) -> object | None:
    if not _supports_configuration(ls):
        return None
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            timeout=5,
        )
    except Exception as problem:  # a client that fails this request keeps its defaults
        log.warning("workspace/configuration failed: %s", type(problem).__name__)
        return None
    return result[0] if result else None


async def _watch_configuration(ls: ForgeServer) -> None:
    """Ask clients that pull settings to tell us when they change."""
    workspace = ls.client_capabilities.workspace
    change = workspace.did_change_configuration if workspace else None
    if not (change and change.dynamic_registration):
        return
    registration = types.Registration(
        id="forge-configuration",
        method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
        register_options=types.DidChangeConfigurationRegistrationOptions(section=SECTION),
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception as problem:
        log.warning("could not register for configuration changes: %s", type(problem).__name__)
