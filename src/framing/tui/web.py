"""``framing serve``: the annotation UI in a browser, through textual-serve.

Each browser tab gets its own app process (textual-serve runs one per
websocket). The page URL may carry ``?annotator=NAME``; without it, the app's
first screen asks for the name. A request for the page is answered only on
loopback, or with ``?token=T`` when a token is set (403 otherwise); the page
then opens its websocket on ``/ws/<key>``, a random key issued with that page,
so the websocket needs no token of its own and a guessed URL gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import shlex
import sys
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from framing.models import FramingError

#: The environment variable that hands a tab's ``?annotator=`` to its app process.
ANNOTATOR_ENV = "FRAMING_WEB_ANNOTATOR"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def session_command(db_path: str, codebook_path: str | None) -> str:
    """The shell command textual-serve runs for each browser tab."""
    args = [sys.executable, "-c", "from framing.cli import main; main()", "web-session"]
    args += ["--db", db_path]
    if codebook_path:
        args += ["--codebook", codebook_path]
    return shlex.join(args)


class _TabService(AppService):
    """One tab's app process, told its annotator through the environment."""

    def __init__(self, command: str, annotator: str, **kw: Any) -> None:
        super().__init__(command, **kw)
        self.annotator = annotator

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width, height)
        env[ANNOTATOR_ENV] = self.annotator
        return env


class FramingServer(Server):
    """textual-serve's server with a token check and per-tab annotator names."""

    def __init__(self, command: str, host: str, port: int, token: str | None) -> None:
        if not is_loopback(host) and not token:
            raise FramingError(
                f"--host {host}: serving beyond this machine needs --token "
                "(anyone who can reach the port could label as anyone)"
            )
        super().__init__(command, host=host, port=port, title="framing")
        self.token = token
        #: ``{websocket key: annotator}`` for the pages handed out.
        self.tabs: dict[str, str] = {}

    def _token_ok(self, request: web.Request) -> bool:
        if not self.token:
            return True
        given = request.query.get("token", "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws/{key}", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request):
            raise web.HTTPForbidden(text="403: this framing server needs ?token=…\n")
        key = secrets.token_urlsafe(24)
        self.tabs[key] = request.query.get("annotator", "")
        font_size = to_int(request.query.get("fontsize", "16"), 16)
        base = f"{request.scheme}://{request.host}"
        ws_scheme = "wss" if request.scheme == "https" else "ws"
        context = {
            "font_size": font_size,
            "app_websocket_url": f"{ws_scheme}://{request.host}/ws/{key}",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": "framing"},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        key = request.match_info["key"]
        if key not in self.tabs:
            raise web.HTTPForbidden(text="403: unknown session\n")
        annotator = self.tabs[key]
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            service = _TabService(
                self.command,
                annotator,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            try:
                await self._process_messages(websocket, service)
            finally:
                await service.stop()
        except Exception:  # a tab that goes away must not take the server down
            await websocket.close()
        finally:
            if service is not None:
                await service.stop()
        return websocket

    async def on_startup(self, app: web.Application) -> None:
        where = f"http://{self.host}:{self.port}/"
        self.console.print(f"framing: serving the annotation UI on {where}")
        if self.token:
            self.console.print(f"  open {where}?token=…&annotator=NAME  (Ctrl+C stops)")
        else:
            self.console.print(f"  open {where}?annotator=NAME  (Ctrl+C stops)")
