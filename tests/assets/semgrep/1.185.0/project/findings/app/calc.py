def calculate(expression):
    return eval(expression)


def calculate_again(expression):
    return eval(expression)
