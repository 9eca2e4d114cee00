"""JSON pointers into spec documents."""


def escape(token) -> str:
    """One JSON-pointer token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """The key a JSON-pointer token names."""
    return token.replace("~1", "/").replace("~0", "~")


def resolve(doc, pointer: str):
    """The value at a JSON pointer ('' or '/a/b'); KeyError/IndexError when absent."""
    node = doc
    for token in [t for t in pointer.split("/")[1:]] if pointer else []:
        key = unescape(token)
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node
