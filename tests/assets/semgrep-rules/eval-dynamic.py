import builtins


def calculate(expression, namespace):
    # ruleid: eval-dynamic
    result = eval(expression)
    # ruleid: eval-dynamic
    exec(expression, namespace)
    # ruleid: eval-dynamic
    builtins.eval(expression)
    # ok: eval-dynamic
    constant = eval("1 + 2")
    # ok: eval-dynamic
    exec("x = 1", namespace)
    return result, constant
