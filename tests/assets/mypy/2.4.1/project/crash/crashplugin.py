"""A mypy plugin that raises inside a hook, to record mypy's INTERNAL ERROR."""

from mypy.plugin import Plugin


class Crash(Plugin):
    def get_function_hook(self, fullname):
        if fullname.endswith(".boom"):
            def hook(ctx):
                raise RuntimeError("plugin crashed on purpose")
            return hook
        return None


def plugin(version):
    return Crash
