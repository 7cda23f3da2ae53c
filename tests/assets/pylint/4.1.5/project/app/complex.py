"""Complex code: one function of rank C, one method of rank C."""


def classify(code: int, strict: bool, verbose: bool) -> str:
    if code == 0:
        return "ok"
    if code == 1:
        return "warn"
    if code == 2:
        return "error"
    if code == 3 and strict:
        return "fatal"
    if code == 4 or verbose:
        return "noisy"
    for _ in range(code):
        if strict:
            break
    while code > 100:
        code -= 1
    if code < 0:
        return "negative"
    return "unknown"


class Router:
    def route(self, path: str, method: str, user: str | None) -> str:
        if path == "/":
            return "index"
        if path == "/a" and method == "GET":
            return "a"
        if path == "/b" or method == "POST":
            return "b"
        if user is None:
            return "anon"
        for part in path.split("/"):
            if part == "x":
                return "x"
            if part == "y":
                return "y"
            if part == "z" and user:
                return "z"
        while method:
            method = method[1:]
        try:
            return str(int(path))
        except ValueError:
            return "nan"
        finally:
            pass
