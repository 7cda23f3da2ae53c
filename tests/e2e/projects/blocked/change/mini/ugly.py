"""Not formatted."""


def ugly( a:int,b:int )->int:
    return a+b
