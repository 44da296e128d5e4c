"""The D-Bus side of the fake BlueZ: an object tree with properties, and the standard interfaces.

BlueZ publishes everything through org.freedesktop.DBus.ObjectManager (at "/") and
org.freedesktop.DBus.Properties (on every object); bleak caches the tree from
GetManagedObjects and then follows InterfacesAdded / InterfacesRemoved / PropertiesChanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dbus_fast import Message, MessageType, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.errors import DBusError

OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
PROPERTIES = "org.freedesktop.DBus.Properties"

Reply = Message | bool
Handler = Callable[[Message], Reply]


class ObjectTree:
    """Objects by path: interface -> property name -> Variant. Emits the signals BlueZ emits."""

    def __init__(self, bus: MessageBus) -> None:
        self.bus = bus
        self._objects: dict[str, dict[str, dict[str, Variant]]] = {}
        # (path, interface, member) -> handler; the handler returns the reply, or True when it
        # will reply later (a slow Connect).
        self._methods: dict[tuple[str, str, str], Handler] = {}

    # --- objects -------------------------------------------------------------------------

    def add(self, path: str, interfaces: Mapping[str, Mapping[str, Variant]]) -> None:
        self._objects[path] = {name: dict(props) for name, props in interfaces.items()}
        self._signal(
            "/",
            OBJECT_MANAGER,
            "InterfacesAdded",
            "oa{sa{sv}}",
            [path, self._objects[path]],
        )

    def remove(self, path: str) -> None:
        interfaces = self._objects.pop(path, None)
        if interfaces is None:
            return
        self._methods = {k: v for k, v in self._methods.items() if k[0] != path}
        self._signal("/", OBJECT_MANAGER, "InterfacesRemoved", "oas", [path, list(interfaces)])

    def exists(self, path: str) -> bool:
        return path in self._objects

    def get(self, path: str, interface: str, name: str) -> Any:
        return self._objects[path][interface][name].value

    def set(self, path: str, interface: str, changes: Mapping[str, Variant]) -> None:
        """Change properties and announce them, as BlueZ does, in one PropertiesChanged."""
        self._objects[path][interface].update(changes)
        self._signal(path, PROPERTIES, "PropertiesChanged", "sa{sv}as", [interface, changes, []])

    def on(self, path: str, interface: str, member: str, handler: Handler) -> None:
        self._methods[(path, interface, member)] = handler

    # --- dispatch ------------------------------------------------------------------------

    def handle(self, msg: Message) -> Reply | None:
        """dbus-fast message handler: answer method calls addressed to our objects."""
        if msg.message_type is not MessageType.METHOD_CALL or msg.path is None:
            return None
        if msg.interface == OBJECT_MANAGER and msg.member == "GetManagedObjects":
            return Message.new_method_return(msg, "a{oa{sa{sv}}}", [self._objects])
        if msg.interface == PROPERTIES:
            return self._properties(msg)
        handler = self._methods.get((msg.path, msg.interface or "", msg.member or ""))
        if handler is not None:
            return handler(msg)
        if msg.path in self._objects:
            raise DBusError(
                "org.freedesktop.DBus.Error.UnknownMethod",
                f"{msg.interface}.{msg.member} is not emulated on {msg.path}",
            )
        raise DBusError("org.freedesktop.DBus.Error.UnknownObject", f"no object at {msg.path}")

    def _properties(self, msg: Message) -> Message:
        interfaces = self._objects.get(msg.path or "")
        if interfaces is None:
            raise DBusError("org.freedesktop.DBus.Error.UnknownObject", f"no object at {msg.path}")
        props = interfaces.get(msg.body[0])
        if props is None:
            raise DBusError("org.freedesktop.DBus.Error.InvalidArgs", f"no {msg.body[0]}")
        if msg.member == "GetAll":
            return Message.new_method_return(msg, "a{sv}", [props])
        name = msg.body[1]
        if name not in props:
            raise DBusError("org.freedesktop.DBus.Error.InvalidArgs", f"no property {name}")
        if msg.member == "Get":
            return Message.new_method_return(msg, "v", [props[name]])
        if msg.member == "Set":
            self.set(msg.path or "", msg.body[0], {name: msg.body[2]})
            return Message.new_method_return(msg)
        raise DBusError("org.freedesktop.DBus.Error.UnknownMethod", str(msg.member))

    def _signal(
        self, path: str, interface: str, member: str, signature: str, body: list[Any]
    ) -> None:
        self.bus.send(Message.new_signal(path, interface, member, signature, body))


def reply_error(msg: Message, name: str, text: str) -> Message:
    return Message.new_error(msg, name, text)
