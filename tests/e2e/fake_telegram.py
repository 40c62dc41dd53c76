"""A fake Telegram Bot API server (aiohttp, 127.0.0.1) speaking the real HTTP protocol: the bot under test talks to
it through TELEGRAM_API_URL exactly as it talks to api.telegram.org.

Users are simulated on the other side: they push updates (delivered by getUpdates long polling, or posted to the
bot's webhook with the secret token) and read what the bot sent to their chat.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

BOT_USERNAME = "sobesednik_test_bot"
WAIT = 60.0  # a guard against hanging forever (a bot process starting on a busy machine), not a timing assertion


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Chat:
    """What the bot sent to one chat, in order; ``cursor`` marks what the test has already read."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    cursor: int = 0


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeTelegram:
    def __init__(self, token: str):
        self.token = token
        self.bot_id = int(token.split(":")[0])  # as with the real Bot API, the token starts with the bot's id
        self.calls: list[Call] = []
        self.chats: dict[int, Chat] = {}
        self.pending: list[dict[str, Any]] = []
        self.sent_updates: dict[int, dict[str, Any]] = {}  # every update ever pushed, by id (to replay one)
        self.webhook: dict[str, Any] | None = None
        self.webhook_responses: list[int] = []
        self.polls = 0
        self.closing = False
        self.confirmed = 0  # updates up to this id were confirmed by the bot (a later getUpdates offset)
        self.stalled: set[str] = set()  # methods whose calls are taken but never answered (a bot stuck mid-turn)
        self.bad_gateway = False  # a proxy in front answers 502 with an HTML page
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port: int = 0
        self._client: ClientSession | None = None

    # -- server ---------------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        async with self._changed:
            self.closing = True  # long polls return at once
            self._changed.notify_all()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                else:
                    params[key] = _decode(value)
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        if self.bad_gateway:
            return web.Response(status=502, content_type="text/html",
                                text="<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>")
        params, files = await self._params(request)
        if method.lower() in self.stalled:
            self.calls.append(Call(method, params))
            async with self._changed:
                self._changed.notify_all()
                await self._changed.wait_for(lambda: self.closing)
            return web.json_response({"ok": False, "error_code": 500, "description": "stalled"}, status=500)
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                                     status=404)
        if method.lower() != "getupdates":
            self.calls.append(Call(method, params))
        try:
            result = await handler(params, files)
        except ApiError as exc:
            return web.json_response({"ok": False, "error_code": exc.code, "description": exc.description},
                                     status=exc.code)
        async with self._changed:
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    # -- Bot API methods ----------------------------------------------------------------------------------------
    def _bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Собеседник", "username": BOT_USERNAME,
                "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def _api_getme(self, params, files):
        return self._bot_user()

    async def _api_getupdates(self, params, files):
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            self.polls += 1
            self.confirmed = max(self.confirmed, offset - 1)
            self._changed.notify_all()
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.pending) or self.closing), timeout)
            except TimeoutError:
                pass
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
            limit = int(params.get("limit") or 100)
            return self.pending[:limit]

    async def _api_deletewebhook(self, params, files):
        self.webhook = None
        if str(params.get("drop_pending_updates")).lower() == "true":
            self.pending.clear()
        return True

    async def _api_setwebhook(self, params, files):
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return True

    async def _api_getwebhookinfo(self, params, files):
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.pending)}

    async def _api_setmycommands(self, params, files):
        return True

    async def _api_sendchataction(self, params, files):
        return True

    async def _api_answercallbackquery(self, params, files):
        return True

    def _chat(self, chat_id: int) -> Chat:
        return self.chats.setdefault(chat_id, Chat())

    def _message(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": self._bot_user(),
                   "chat": {"id": chat_id, "type": "private", "first_name": "User"}, **fields}
        return message

    async def _api_sendmessage(self, params, files):
        chat_id = int(params["chat_id"])
        text = str(params["text"])
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        message = self._message(chat_id, text=text)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        message["_parse_mode"] = params.get("parse_mode")
        self._chat(chat_id).messages.append(message)
        return {k: v for k, v in message.items() if not k.startswith("_")
                and not (k == "reply_markup" and "inline_keyboard" not in v)}

    async def _api_sendphoto(self, params, files):
        chat_id = int(params["chat_id"])
        photo = params["photo"]
        data = files.get(photo.removeprefix("attach://"), b"") if photo.startswith("attach://") else b""
        message = self._message(chat_id, photo=[{"file_id": f"photo{len(data)}", "file_unique_id": "u1",
                                                 "width": 800, "height": 450, "file_size": len(data)}],
                                caption=params.get("caption", ""))
        message["_bytes"] = data
        self._chat(chat_id).messages.append(message)
        return {k: v for k, v in message.items() if not k.startswith("_")}

    async def _api_editmessagetext(self, params, files):
        chat_id = int(params["chat_id"])
        message_id = int(params["message_id"])
        for message in self._chat(chat_id).messages:
            if message["message_id"] == message_id:
                message["text"] = params["text"]
                if params.get("reply_markup"):
                    message["reply_markup"] = params["reply_markup"]
                else:
                    message.pop("reply_markup", None)
                message["_edited"] = True
                return {k: v for k, v in message.items() if not k.startswith("_")}
        raise ApiError(400, "Bad Request: message to edit not found")

    # -- the simulated users' side ----------------------------------------------------------------------------
    async def push(self, kind: str, payload: dict[str, Any]) -> int:
        """A new update: queued for getUpdates, or posted to the webhook when one is set."""
        update = {"update_id": next(self._update_ids), kind: payload}
        self.sent_updates[update["update_id"]] = update
        if self.webhook is not None:
            await self.post_webhook(update, self.webhook.get("secret_token"))
            return update["update_id"]
        async with self._changed:
            self.pending.append(update)
            self._changed.notify_all()
        return update["update_id"]

    async def post_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        if self._client is None:
            self._client = ClientSession()
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with self._client.post(self.webhook["url"], json=update, headers=headers) as response:
            self.webhook_responses.append(response.status)
            return response.status

    def new_message_id(self) -> int:
        return next(self._message_ids)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = WAIT) -> Any:
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]


class ApiError(Exception):
    def __init__(self, code: int, description: str):
        self.code = code
        self.description = description


class User:
    """A person chatting with the bot in a private chat."""

    def __init__(self, tg: FakeTelegram, user_id: int, first_name: str = "Тест"):
        self.tg = tg
        self.id = user_id
        self.first_name = first_name

    @property
    def person(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": "ru"}

    @property
    def chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {"message_id": self.tg.new_message_id(), "date": int(time.time()), "from": self.person,
                "chat": self.chat, **fields}

    async def send(self, text: str) -> int:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return await self.tg.push("message", self._message(text=text, **({"entities": entities} if entities else {})))

    async def send_raw(self, **fields: Any) -> int:
        return await self.tg.push("message", self._message(**fields))

    async def edit(self, text: str) -> int:
        message = self._message(text=text, edit_date=int(time.time()))
        return await self.tg.push("edited_message", message)

    async def share_contact(self, phone: str, owner_id: int | None = None) -> int:
        contact = {"phone_number": phone, "first_name": self.first_name,
                   "user_id": self.id if owner_id is None else owner_id}
        return await self.tg.push("message", self._message(contact=contact))

    async def press(self, message: dict[str, Any], label: str) -> int:
        """Press the inline button with this label (or containing it) under one of the bot's messages."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [button for row in rows for button in row]
        chosen = next((b for b in buttons if b["text"] == label), None) or next(
            (b for b in buttons if label in b["text"]), None)
        if chosen is None:
            raise AssertionError(f"no button {label!r} under {message.get('text')!r}: {[b['text'] for b in buttons]}")
        shown = {k: v for k, v in message.items() if not k.startswith("_")}
        query = {"id": str(self.tg.new_message_id()), "from": self.person, "message": shown,
                 "chat_instance": f"ci{self.id}", "data": chosen["callback_data"]}
        return await self.tg.push("callback_query", query)

    # -- reading the bot's answers --------------------------------------------------------------------------------
    def _chat(self) -> Chat:
        return self.tg._chat(self.id)

    def unread(self) -> list[dict[str, Any]]:
        chat = self._chat()
        return chat.messages[chat.cursor:]

    async def receive(self, count: int = 1) -> list[dict[str, Any]]:
        """The next ``count`` messages the bot sends to this chat (waits for them)."""
        chat = self._chat()
        await self.tg.wait_for(lambda: len(chat.messages) - chat.cursor >= count)
        got = chat.messages[chat.cursor:chat.cursor + count]
        chat.cursor += count
        return got

    async def receive_until(self, predicate: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """Messages up to and including the first that satisfies ``predicate``."""
        chat = self._chat()

        def found() -> bool:
            return any(predicate(m) for m in chat.messages[chat.cursor:])

        await self.tg.wait_for(found)
        got = []
        while True:
            message = chat.messages[chat.cursor]
            chat.cursor += 1
            got.append(message)
            if predicate(message):
                return got

    def read_all(self) -> list[dict[str, Any]]:
        chat = self._chat()
        got = chat.messages[chat.cursor:]
        chat.cursor = len(chat.messages)
        return got


def buttons_of(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button["text"] for row in rows for button in row]


def has_buttons(message: dict[str, Any]) -> bool:
    return bool(buttons_of(message))
