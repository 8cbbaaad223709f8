"""RFC 6901 JSON pointers: built, split, followed and shown to people, in one place."""

from __future__ import annotations


def escape_token(token: str) -> str:
    """RFC 6901: '~' becomes '~0' and '/' becomes '~1'."""
    return token.replace("~", "~0").replace("/", "~1")


def child_pointer(pointer: str, token: str | int) -> str:
    return f"{pointer}/{escape_token(str(token))}"


def tokens(pointer: str) -> list[str]:
    """'/inputs/frameImages/0' -> ['inputs', 'frameImages', '0'], unescaped."""
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]


def resolve(value: object, pointer: str) -> object:
    """The value at a pointer, or None where it leads nowhere."""
    for token in tokens(pointer):
        if isinstance(value, dict):
            value = value.get(token)
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return None
    return value


def dotted(parts: list[str]) -> str:
    """['inputs', 'frameImages', '0', 'image'] -> 'inputs.frameImages[0].image' (how people write it)."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text += f"[{part}]" if part.isdigit() else f".{part}"
    return text
